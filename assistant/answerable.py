"""Does the best evidence state a value of the asked kind about the question's topic? The one place that
decides whether a question is inside the document, and if not, what is missing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from assistant.analysis import MIN_TOPIC_IDF, Analysis
from assistant.evidence import RecordEvidence, mentions
from assistant.vocabulary import VALUE_KINDS

Reason = Literal[
    "ok", "foreign_anchor", "foreign_topic", "no_topic", "task_request", "weak_evidence", "value_not_stated"
]

# Chosen on the dev set. Most of a question's topic weight on words the document never uses -> outside it.
MAX_FOREIGN_SHARE = 0.5
# ... unless the words the document does use carry a topic of their own (two rare words or more).
SOLID_TOPIC_WEIGHT = 6.0
ALWAYS_FOREIGN_SHARE = 0.75


@dataclass
class Verdict:
    """Answerable or not, why, and the kind whose value is missing."""

    answerable: bool
    reason: Reason
    missing_kind: str | None = None


def check_scope(analysis: Analysis) -> Verdict:
    """Before retrieval: anchors the document lacks (a place, a year, a title, a row > 176), a foreign topic."""
    if analysis.foreign_anchors:
        return Verdict(False, "foreign_anchor")
    if analysis.task_request:
        return Verdict(False, "task_request")
    share = analysis.foreign_share
    # (English words reach the document through dictionary glosses, too loose to carry a topic on their own)
    solid = (
        analysis.language == "zh"
        and sum(t.idf for t in analysis.own_topic if t.in_document) >= SOLID_TOPIC_WEIGHT
    )
    if analysis.own_topic and (share > ALWAYS_FOREIGN_SHARE or (share > MAX_FOREIGN_SHARE and not solid)):
        return Verdict(False, "foreign_topic")
    if not analysis.topic and not analysis.units:
        return Verdict(False, "no_topic")
    return Verdict(True, "ok")


# A record this close to the question by meaning (the embedder's cosine; rows and items of the dev sets' questions
# told in everyday words lie at 0.915-0.94, requests outside the document at most 0.92) is what the question is about,
# whatever words it is told in. Chosen on the dev sets.
NEAR_BY_MEANING = 0.915


def told_around(analysis: Analysis, ranked: list[RecordEvidence]) -> bool:
    """A question told in everyday nouns the document never uses (部队, 小店, 新房) is still about the document
    when one sentence of the best record names the question's two rarest words the document does use: the
    document discusses that very combination, so the unknown nouns are the asker's story, not the matter. So it is
    when the best record is as close by meaning as the document's own rows are to questions about them (带娃、做保姆、
    照顾老人 -> 育婴员、家政服务、养老护理)."""
    if analysis.language != "zh" or not ranked:
        return False
    if ranked[0].dense >= NEAR_BY_MEANING:
        return True
    rare = [t for t in analysis.rare_terms(2) if t.idf >= MIN_TOPIC_IDF and not t.fragment]
    if len(rare) < 2:
        return False
    return any(all(mentions(t, s.sentence.text.lower()) for t in rare) for s in ranked[0].sentences)


def check_evidence(analysis: Analysis, ranked: list[RecordEvidence]) -> Verdict:
    """After retrieval: the top record is about the topic, and states a value of each asked value kind."""
    if not ranked:
        return Verdict(False, "weak_evidence")
    top = ranked[0]
    if not top.viable:
        return Verdict(False, "weak_evidence")
    for kind in analysis.kinds:
        if kind in VALUE_KINDS and not any(r.stating(kind) for r in ranked[:2]):
            return Verdict(False, "value_not_stated", missing_kind=kind)
    return Verdict(True, "ok")
