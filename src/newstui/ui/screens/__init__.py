"""The reader's screens."""

from __future__ import annotations

from textual.dom import DOMNode


def still_open(node: DOMNode) -> bool:
    """Whether a worker resuming on ``node`` may still show what it did.

    Not once the reader is closing: the app stops running first, then takes its widgets apart
    one by one, so a worker whose thread comes back meanwhile finds its screen attached with
    half its widgets gone (``query_one`` would fail the closing app).
    """
    return node.is_attached and node.app.is_running and not node._pruning
