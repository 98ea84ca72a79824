"""Suggested topics for the articles nothing else gives a topic (used by :mod:`library`).

An article gets suggested topics when its feed has no ``topics``, no category or rule gives it
one, and the articles that do have topics (the examples) make one clearly likelier than the rest
(:class:`newstui.core.topic_infer.TopicInferrer`). The suggestions are worked out after the
first paint, in a thread (:func:`guess_topics`: reads only), and applied on the reader's thread
(:meth:`newstui.core.snapshot.Snapshot.add_topics`); they are never stored, so a rule added later
simply takes over. Their reason says they were inferred, and from what.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import compress

from newstui.core.snapshot import Snapshot
from newstui.core.topic_infer import TopicInferrer
from newstui.core.topics import TopicClassifier

MIN_WORDS = 12  # words an article's digest must have for a suggestion (of its 32 at most)


def guess_topics(snap: Snapshot, classifier: TopicClassifier,
                 digests: Mapping[str, str]) -> dict[int, tuple[tuple[str, str], ...]]:
    """Row → ((topic, reason), ...) for the rows without topics whose feed has none."""
    masks = snap.masks
    examples = []
    names = snap.names
    for r in compress(range(len(snap)), masks):
        if r in snap.muted_rows:
            continue
        digest = digests.get(snap.ids[r])
        if digest:
            m, topics = masks[r], []
            while m:
                low = m & -m
                topics.append(names[low.bit_length() - 1])
                m ^= low
            examples.append((snap.ids[r], digest, topics))
    inferrer = TopicInferrer(examples)
    if len(inferrer.topics) < 2:
        return {}
    untopical_feed = {f: not classifier.feed_topics(f) for f in set(snap.feeds)}
    out: dict[int, tuple[tuple[str, str], ...]] = {}
    for r, mask in enumerate(masks):
        if mask or not untopical_feed[snap.feeds[r]]:
            continue
        digest = digests.get(snap.ids[r])
        if not digest or digest.count(" ") + 1 < MIN_WORDS:
            continue  # a title alone says too little to tell a subject by
        found = inferrer.suggest(digest)
        if found:
            out[r] = tuple((s.topic, s.reason().removeprefix("inferred: ")) for s in found)
    return out
