"""Topic suggestions from labelled digests: the right topic with its words as the reason, nothing
for an article about none of the known topics, nothing from too few examples, and incremental
changes that end where a build from scratch does."""

from __future__ import annotations

import pytest

from newstui.core.related import digest_terms
from newstui.core.topic_infer import Suggestion, TopicInferrer

TECH = [
    ("Chip maker unveils faster processor for laptops",
     "The new processor runs software twice as fast and uses less battery. Laptop makers will ship "
     "computers with the chip in spring, and software developers already have test machines."),
    ("Smartphone software update fixes security flaw",
     "An update to the phone software closes a security hole that let attackers read messages. Users "
     "should install the update; the software maker said no data was stolen from the phones."),
    ("Broadband speeds double as networks upgrade",
     "Internet providers upgraded their networks and broadband speeds doubled. Users streaming video "
     "online see fewer delays, and the networks plan fibre for rural users next year."),
    ("Games console sales beat forecasts",
     "Sales of the games console beat forecasts as gamers bought the new machine for online play. "
     "Developers praised its processor and graphics chip; software for the console sold well too."),
    ("Search engine adds artificial intelligence answers",
     "The search engine now answers questions with artificial intelligence software. Users online can "
     "ask in plain words; the computer model was trained on web pages and data from users."),
    ("Virus spreads through email attachments",
     "A computer virus spread through email attachments and infected thousands of computers. Security "
     "firms told users to update their software and avoid opening attachments from strangers online."),
]
SPORT = [
    ("United beat City in derby thriller",
     "United won the derby 3-2 with a late goal. The striker scored twice and the goalkeeper saved a "
     "penalty; the manager praised his players after the match at a packed stadium."),
    ("Champion wins third title at Wimbledon",
     "The champion won her third Wimbledon title, beating the top seed in three sets. The crowd cheered "
     "every point of the final on centre court; she thanked her coach after the match."),
    ("Injured captain to miss World Cup qualifier",
     "The captain will miss the World Cup qualifier with a knee injury. The coach called up a young "
     "midfielder, and the team trains at the stadium before the match against Spain."),
    ("Sprinter breaks world record in final",
     "The sprinter broke the world record in the 100 metres final. Athletes and coaches at the "
     "championship applauded the race; the champion said training all winter paid off."),
    ("Rugby side names squad for tour",
     "The coach named a squad of 36 players for the summer tour. The captain returns from injury and two "
     "young players earn a first call-up; the team plays three tests and a match against a club side."),
    ("Golfer wins open by four shots",
     "The golfer won the open by four shots after a final round of 66. Fans followed him on every hole; "
     "he lifted the trophy and said the title was the best win of his career."),
]
MONEY = [
    ("Shares fall as bank profits disappoint",
     "Shares in the bank fell after profits missed forecasts. Investors worry about bad loans and "
     "interest rates; the bank's chief executive promised to cut costs and raise the dividend."),
    ("Central bank holds interest rates",
     "The central bank held interest rates at 4.5% as inflation slowed. Economists expect a cut next "
     "quarter; markets rose and the currency weakened against the dollar after the decision."),
    ("Retailer reports record Christmas sales",
     "The retailer reported record sales over Christmas and raised its profit forecast. Shares jumped "
     "as investors welcomed the results; the chief executive thanked shoppers and staff."),
    ("Oil prices climb on supply worries",
     "Oil prices climbed to $80 a barrel as supply worries grew. Traders expect demand to rise; energy "
     "company shares gained and economists warned inflation could follow higher fuel costs."),
    ("Carmaker to cut 2,000 jobs",
     "The carmaker will cut 2,000 jobs to reduce costs after sales fell. Unions criticised the plan; the "
     "company said profits would recover and investors pushed its shares higher."),
    ("Takeover bid values brewer at $5bn",
     "A rival made a takeover bid valuing the brewer at $5bn. The board is considering the offer; "
     "shares rose 20% and analysts said investors expect a higher bid from the rival company."),
]


def rows(*groups: tuple[str, list[tuple[str, str]]]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(f"{topic}-{n}", digest_terms(title, text), (topic,))
            for topic, texts in groups for n, (title, text) in enumerate(texts)]


LABELLED = rows(("tech", TECH), ("sport", SPORT), ("business", MONEY))


@pytest.fixture
def model() -> TopicInferrer:
    return TopicInferrer(LABELLED, min_examples=3)


def test_suggests_the_topic_with_its_words_as_the_reason(model: TopicInferrer):
    digest = digest_terms("New phone software brings faster processor to users",
                          "The software update makes the phone processor faster; users online can "
                          "install it now, and developers get new security tools for their software.")
    [first] = model.suggest(digest)
    assert first.topic == "tech"
    assert first.examples == 6
    assert first.score >= model.min_lift and first.margin > 0
    assert "software" in first.words and len(first.words) <= 4
    assert first.reason().startswith("inferred: like 6 articles in 'tech' (software")


@pytest.mark.parametrize(("title", "text", "topic"), [
    ("Striker scores twice as team wins match",
     "The striker scored two goals and the team won the match; the coach praised the players and the captain.",
     "sport"),
    ("Bank shares rise as profits beat forecasts",
     "Investors bought shares after the bank's profits beat forecasts; interest rates and costs fell.",
     "business"),
])
def test_each_topic_is_found(model: TopicInferrer, title: str, text: str, topic: str):
    suggestions = model.suggest(digest_terms(title, text))
    assert suggestions and suggestions[0].topic == topic
    assert model.scores(digest_terms(title, text))[0][0] == topic


def test_no_suggestion_for_an_article_about_none_of_the_topics(model: TopicInferrer):
    digest = digest_terms("How to prune roses in late winter",
                          "Gardeners should prune roses when the buds swell. Cut above an outward bud, "
                          "remove dead stems, and feed the soil with compost and manure in spring.")
    assert model.suggest(digest) == []
    assert model.suggest("") == []


def test_no_suggestion_from_too_few_examples():
    few = TopicInferrer(LABELLED)  # default min_examples: 6 articles a topic are not enough
    assert few.min_examples > 6
    assert few.suggest(LABELLED[0][1]) == [] and few.scores(LABELLED[0][1]) == []
    one_topic = TopicInferrer(rows(("tech", TECH)), min_examples=3)  # nothing to tell it apart from
    assert one_topic.suggest(LABELLED[0][1]) == []
    two = TopicInferrer(rows(("tech", TECH), ("sport", SPORT[:2])), min_examples=3)
    assert [s.topic for s in two.suggest(LABELLED[0][1])] in ([], ["tech"])  # sport is not a candidate
    assert all(t != "sport" for t, _ in two.scores(LABELLED[0][1]))


def test_two_topics_for_an_article_about_both(model: TopicInferrer):
    digest = digest_terms("Games console maker's shares jump as profits beat forecasts",
                          "Investors bought shares in the games console maker after profits beat forecasts; "
                          "software and online sales grew, the chief executive said, and the processor "
                          "costs fell.")
    first, second = model.suggest(digest)
    assert (first.topic, second.topic) == ("tech", "business")
    assert first.score == second.score >= model.min_lift  # the two together
    assert first.margin >= model.second_gain
    assert "software" in first.words and "share" in second.words
    strict = TopicInferrer(LABELLED, min_examples=3, second_gain=1.0)
    assert len(strict.suggest(digest)) <= 1
    plain = digest_terms("Phone software update", "The phone software update fixes the processor for users.")
    assert [s.topic for s in model.suggest(plain)] == ["tech"]  # one topic explains it: one suggestion


def test_add_and_remove_end_where_a_build_does(model: TopicInferrer):
    grown = TopicInferrer(LABELLED[:-2], min_examples=3)
    extra = ("gossip-1", digest_terms("Film star weds", "The actor married the singer at a party."), ("film",))
    grown.add(*extra)
    for row in LABELLED[-2:]:
        grown.add(*row)
    grown.remove("gossip-1")
    grown.remove("no such article")
    assert len(grown) == len(model) and "gossip-1" not in grown and "tech-0" in grown
    assert grown.topics == model.topics == {"business": 6, "sport": 6, "tech": 6}
    query = digest_terms("Phone software", "An update for the phone software and the processor.")
    for (t1, s1), (t2, s2) in zip(grown.scores(query), model.scores(query), strict=True):
        assert t1 == t2 and s1 == pytest.approx(s2, abs=1e-9)


def test_the_latest_examples_make_the_model_within_the_budget():
    model = TopicInferrer(LABELLED, min_examples=3, budget=12)  # 3 topics: 4 each
    assert model.topics == {"business": 4, "sport": 4, "tech": 4}
    assert "tech-0" not in model and "tech-5" in model
    model.add("tech-new", LABELLED[0][1], ("tech",))  # the oldest tech article makes room
    assert "tech-1" not in model and "tech-new" in model and model.topics["tech"] == 4


def test_a_digest_of_an_old_store_and_a_mapping_are_read():
    def before_0_5(digest: str) -> str:  # "title words|text words", no weights
        words = [item.partition(":")[0] for item in digest.split()]
        return " ".join(words[:5]) + "|" + " ".join(words[5:])

    old = [(aid, before_0_5(digest), topics) for aid, digest, topics in LABELLED]
    model = TopicInferrer(old, min_examples=3)
    assert model.topics == {"business": 6, "sport": 6, "tech": 6}
    assert model.suggest({"software": 3, "processor": 2, "users": 1})[0].topic == "tech"
    assert isinstance(model.suggest({"software": 3})[0], Suggestion)
