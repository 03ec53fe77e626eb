"""Records and their sentences scored for an Analysis: retrieval rank, how much of the question's topic
(weighted by IDF) a record covers, and whether a sentence states a value of the asked kind."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.analysis import Analysis
from assistant.lexicon import TopicTerm
from assistant.vocabulary import VALUE_KINDS, has_value
from ingest.records import PolicyDocument
from ingest.sentences import Sentence, record_text

# Weights of the re-ranking (chosen on the dev set): fused retrieval rank, topic coverage, a stated value.
RANK_WEIGHT = 1.0
# A record's sentence nearest the question by meaning gains this much: paraphrases (抢注…囤着 of 商标恶意注册、
# 囤积) share few words with the sentence that answers them.
CLOSEST_SENTENCE_BONUS = 0.5
COVERAGE_WEIGHT = 0.9
COVERAGE_WEIGHT_EN = 0.5
# A row whose own title (the city-level task's first clause) names the topic is about it, not just mentioning it.
TITLE_WEIGHT = 0.5
VALUE_WEIGHT = 0.35
# A notice item, when the question says the notice's own text is where it is said (通知里说的…).
NAMED_SOURCE_WEIGHT = 0.3
# A record is evidence about the question only if it covers this share of the topic (IDF-weighted), or the dense
# match is strong (chosen on the dev set).
MIN_COVERAGE = 0.25
STRONG_DENSE = 0.88
# A which-question that names a count (哪三项) is answered by a clause listing that many things (A、B、C): from three
# on, a list of two is too common to tell records apart.
MIN_COUNTED_LIST = 3


@dataclass
class ScoredSentence:
    """A sentence with how well it matches the question."""

    sentence: Sentence
    topic: float
    value: bool
    rare: bool

    partial: float = 0.0
    step: bool = True  # mentions the step the question asks about (True when it asks about none)
    enumerates: bool = False  # names the noun a which-question asks to enumerate (哪些重点领域)
    closest: bool = False  # the record's sentence nearest the question by meaning (the embedder's reading)

    @property
    def score(self) -> float:
        """Topic overlap first, a stated value of the asked kind next; characters of unknown words break ties."""
        value = 0.6 if self.value else 0.0
        enumerates = 0.4 if self.enumerates else 0.0
        closest = CLOSEST_SENTENCE_BONUS if self.closest else 0.0
        return self.topic + value + (0.3 if self.rare else 0.0) + 0.2 * self.partial + enumerates + closest


@dataclass
class RecordEvidence:
    """One candidate record: its retrieval signals, topic coverage and best sentences."""

    type: str
    ref: int
    retrieval: float
    dense: float
    coverage: float
    sentences: list[ScoredSentence] = field(default_factory=list)
    title_coverage: float = 0.0
    coverage_weight: float = 0.9
    topicless: bool = False
    # the question names this record's kind as where it is said (通知里 -> an item)
    named_source: bool = False
    asked_count: int = 0  # how many things the question asks to name (哪三项), 0 when it names no count

    @property
    def key(self) -> tuple[str, int]:
        """(type, ref) of the record."""
        return (self.type, self.ref)

    def value_sentences(self) -> list[ScoredSentence]:
        """Sentences that state a value of the asked kind and are about the question's rarest words (any
        value sentence when the question has no topic of its own: a follow-up on this very record)."""
        return [
            s for s in self.sentences if s.value and s.step and (self.topicless or s.rare or s.topic >= 0.5)
        ]

    def stating(self, kind: str) -> list[ScoredSentence]:
        """The value sentences that state a value of this one kind."""
        return [s for s in self.value_sentences() if has_value(kind, s.sentence.text)]

    @property
    def viable(self) -> bool:
        """Could this record answer on its own: it covers the question's topic, or the dense match is strong?"""
        return self.coverage >= MIN_COVERAGE or self.dense >= STRONG_DENSE

    @property
    def score(self) -> float:
        """The re-ranking score."""
        value = VALUE_WEIGHT if self.value_sentences() or self._lists_asked_count() else 0.0
        title = TITLE_WEIGHT * self.title_coverage
        source = NAMED_SOURCE_WEIGHT if self.named_source else 0.0
        return RANK_WEIGHT * self.retrieval + self.coverage_weight * self.coverage + title + value + source

    def _lists_asked_count(self) -> bool:
        """A sentence about the question's rarest words lists as many things as the question asks for."""
        if self.asked_count < MIN_COUNTED_LIST:
            return False
        return any(
            (s.rare or self.topicless) and lists_n(s.sentence.text, self.asked_count) for s in self.sentences
        )

    def best(self, n: int = 1) -> list[ScoredSentence]:
        """The n best sentences, best first; a bare heading ("（六）严格规范执法。") only when nothing else is left."""
        body = [s for s in self.sentences if not is_heading(s.sentence.text)] or self.sentences
        return sorted(body, key=lambda s: (-s.score, s.sentence.position))[:n]


# Credit of a topic word by the rank of the document form found (an English word's first gloss counts fully).
_FORM_CREDIT = (1.0, 0.8, 0.65, 0.5)


def mentions(term: TopicTerm, text: str) -> bool:
    """Does (lower-cased) `text` contain one of the document's forms of `term`?"""
    return any(form in text for form in term.doc_forms)


def _credit(term: TopicTerm, text: str) -> float:
    for rank, form in enumerate(term.doc_forms):
        if form in text:
            return _FORM_CREDIT[min(rank, len(_FORM_CREDIT) - 1)]
    return 0.0


def topic_overlap(analysis: Analysis, text: str) -> float:
    """IDF-weighted share of the question's covered topic words that `text` mentions."""
    total = analysis.topic_weight
    if not total:
        return 0.0
    return sum(t.idf * _credit(t, text) for t in analysis.topic if t.in_document) / total


def lists_n(text: str, n: int) -> bool:
    """A clause of `text` enumerates exactly n things separated by 、 (A、B、C for n = 3)."""
    return any(clause.count("、") == n - 1 for clause in re.split(r"[，,；;。：:]", text))


def is_heading(text: str) -> bool:
    """An item's numbered title sentence or a bare label, which says nothing a question asks for."""
    return bool(re.fullmatch(r"\s*（[一二三四五六七八九十]+）[^，。；]{0,20}。?\s*|[^，；]{0,12}。", text))


def _char_share(analysis: Analysis, text: str) -> float:
    """For topic words the document never uses (加急), the share of their characters in `text` (急事急办)."""
    unknown = "".join(t.text for t in analysis.topic if not t.in_document)
    return sum(ch in text for ch in unknown) / len(unknown) if unknown else 0.0


def score_record(
    analysis: Analysis,
    doc: PolicyDocument,
    sentences: list[Sentence],
    kind: str,
    ref: int,
    retrieval: float = 0.0,
    dense: float = 0.0,
    similarity: dict[tuple[str, int, int], float] | None = None,
) -> RecordEvidence:
    """Score a record and each of its sentences for the analysis (`similarity`: each sentence's closeness to
    the question by meaning, keyed (type, ref, position), when the index has sentence vectors)."""
    value_kinds = [k for k in analysis.kinds if k in VALUE_KINDS]
    rare = analysis.rare_terms()
    # a question about a named unit and nothing else (龙商担保的电话是多少): the unit is what a value is about
    about_unit = analysis.unit_forms if not analysis.topic_weight else ()
    full = record_text(doc, kind, ref).lower()
    # a record that never names the variant asked about (普通注销 of a row on 简易注销) states no value for it
    qualified = all(mentions(q, full) for q in analysis.qualifiers)
    scored = []
    near = {s.position: similarity.get((kind, ref, s.position), 0.0) for s in sentences} if similarity else {}
    closest = max(near, key=lambda position: near[position]) if near else None
    for sentence in sentences:
        text = sentence.text.lower()
        scored.append(
            ScoredSentence(
                sentence=sentence,
                topic=topic_overlap(analysis, text),
                value=any(has_value(k, sentence.text, analysis.claims_figure) for k in value_kinds),
                rare=any(mentions(t, text) for t in rare) or any(name in text for name in about_unit),
                partial=_char_share(analysis, text),
                step=qualified and _states_step(analysis, text, value_kinds),
                enumerates=bool(analysis.asked_noun) and analysis.asked_noun in text,
                closest=len(sentences) > 1 and sentence.position == closest,
            )
        )
    return RecordEvidence(
        type=kind,
        ref=ref,
        retrieval=retrieval,
        dense=dense,
        coverage=topic_overlap(analysis, full),
        sentences=scored,
        # English topic words reach the document through dictionary glosses, a noisier signal than the
        # multilingual dense match: they weigh less.
        coverage_weight=COVERAGE_WEIGHT if analysis.language == "zh" else COVERAGE_WEIGHT_EN,
        topicless=not analysis.topic_weight and not about_unit,
        named_source=analysis.in_notice and kind == "item",
        asked_count=analysis.asked_count,
        title_coverage=topic_overlap(analysis, sentences[0].text.lower()) if sentences else 0.0,
    )


def _states_step(analysis: Analysis, text: str, value_kinds: list[str]) -> bool:
    """A clause names the step asked about and states the asked value in the same breath (true when the
    question asks about no single step)."""
    if not analysis.step:
        return True
    return any(
        all(mentions(t, clause) for t in analysis.step)
        and any(has_value(k, clause, analysis.claims_figure) for k in value_kinds)
        for clause in re.split(r"[，,；;]", text)
    )


def rank_records(records: list[RecordEvidence], window: int | None = None) -> list[RecordEvidence]:
    """Best evidence first: by score (ties keep retrieval order), and among the first `window` records (all when
    None) those about the topic before those that are not, so a row that only the retrieval likes never hides one
    that names the topic. English questions reach the topic through dictionary glosses, too loose to reorder
    more than the top two by."""
    ranked = sorted(records, key=lambda r: -r.score)
    head = ranked if window is None else ranked[:window]
    return sorted(head, key=lambda r: not r.viable) + ranked[len(head) :]
