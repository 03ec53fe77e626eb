"""The gap report: refused and rated-down questions grouped by topic — what the document leaves unanswered.

Questions are embedded, centred on the mean of the batch (the shared "a question about business rules"
direction of the embedding dominates raw cosines) and grouped by average-linkage clustering; each topic is
named by its most specific words (jieba part-of-speech + jieba's general-language IDF, weighted by how
many of the topic's questions use the word and how few other topics do).
"""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from html import escape
from typing import Literal

import jieba
import jieba.analyse
import jieba.posseg
import numpy as np
from langchain_core.embeddings import Embeddings
from pydantic import BaseModel, Field

from prompts import load_toml

Reason = Literal["refused", "rated_down"]
Lang = Literal["zh", "en"]
MERGE_SIMILARITY = 0.2  # mean of centred cosine and word overlap; average linkage
MIN_CENTRED_BATCH = 4  # below this, centring is meaningless: only near-duplicates merge
NEAR_DUPLICATE = 0.95  # raw cosine
MAX_QUESTIONS = 1500
MAX_EXAMPLES = 5
TOPIC_TERMS = 3
NAMELESS_CHARS = 16  # a topic without content words is named by its first question
# parts of speech that never name a topic: pronouns, numerals, measure words, particles, punctuation...
SKIP_POS = ("r", "m", "q", "p", "u", "y", "c", "x", "e", "o", "w", "d", "f", "t", "z", "k", "h")
ENGLISH_FUNCTION_WORDS = frozenset(
    "what which who whom whose when where why how does did do is are was were be been can could would should "
    "will shall may might must there their they them our your about into any some the and for with this that "
    "from have has had not like get need".split()
)
jieba.setLogLevel(60)


class GapTopic(BaseModel):
    """One topic: its naming terms, how many questions (refused / rated down) and a few examples."""

    terms: list[str]
    count: int
    refused: int
    rated_down: int
    examples: list[str] = Field(default_factory=list)
    questions: list[str] = Field(default_factory=list)

    @property
    def name(self) -> str:
        """The topic's name: its terms joined."""
        if self.terms:
            return " / ".join(self.terms)
        return self.examples[0][:NAMELESS_CHARS] if self.examples else "—"


class GapReport(BaseModel):
    """All topics, largest first."""

    total: int
    topics: list[GapTopic] = Field(default_factory=list)


def _normalise(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", text).lower() if ch.isalnum())


def _terms(question: str) -> list[str]:
    """Candidate topic words of one question (distinct, in order)."""
    words: list[str] = []
    for pair in jieba.posseg.cut(question):
        word, flag = pair.word.strip(), pair.flag
        if flag == "eng":
            word = word.lower()
            if (
                len(word) < 3
                or word in ENGLISH_FUNCTION_WORDS
                or word in jieba.analyse.default_tfidf.stop_words
            ):
                continue
        elif len(word) < 2 or flag.startswith(SKIP_POS):
            continue
        if word not in words:
            words.append(word)
    return words


def _cluster(vectors: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering of unit row vectors; merge while similarity >= threshold."""
    return _cluster_matrix(vectors @ vectors.T, threshold)


def _cluster_matrix(sims: np.ndarray, threshold: float) -> list[list[int]]:
    """Average-linkage agglomerative clustering over a similarity matrix."""
    n = len(sims)
    sizes = np.ones(n)
    members: list[list[int]] = [[i] for i in range(n)]
    alive = np.ones(n, dtype=bool)
    link = sims.copy()  # average similarity between clusters i and j
    np.fill_diagonal(link, -np.inf)
    while True:
        masked = np.where(alive[:, None] & alive[None, :], link, -np.inf)
        i, j = np.unravel_index(int(np.argmax(masked)), masked.shape)
        if masked[i, j] < threshold:
            break
        merged = (link[i] * sizes[i] + link[j] * sizes[j]) / (sizes[i] + sizes[j])
        link[i, :] = link[:, i] = merged
        link[i, i] = -np.inf
        sizes[i] += sizes[j]
        members[i] += members[j]
        alive[j] = False
    return [members[i] for i in range(n) if alive[i]]


def _embed(questions: list[str], embeddings: Embeddings) -> np.ndarray:
    vectors = np.asarray([embeddings.embed_query(q) for q in questions], dtype=np.float32)
    return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)


def _search_terms(question: str) -> set[str]:
    """Content words and their parts (天气预报 -> 天气, 预报), for the lexical similarity."""
    words = set()
    for word in jieba.cut_for_search(question.lower()):
        word = word.strip()
        if len(word) >= 2 and word not in ENGLISH_FUNCTION_WORDS and word.isalnum():
            words.add(word)
    return words


def lexical_similarity(questions: list[str]) -> np.ndarray:
    """IDF-weighted Jaccard overlap of the questions' words (jieba's general-language IDF)."""
    idf = jieba.analyse.default_tfidf.idf_freq
    median = jieba.analyse.default_tfidf.median_idf
    terms = [_search_terms(q) for q in questions]
    n = len(questions)
    sims = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(i + 1, n):
            union = sum(idf.get(w, median) for w in terms[i] | terms[j])
            shared = sum(idf.get(w, median) for w in terms[i] & terms[j])
            sims[i, j] = sims[j, i] = shared / union if union else 0.0
    return sims


def group_questions(questions: list[str], embeddings: Embeddings) -> list[list[int]]:
    """Indices of `questions` grouped by topic (centred embedding cosine averaged with word overlap)."""
    if len(questions) <= 1:
        return [[i] for i in range(len(questions))]
    vectors = _embed(questions, embeddings)
    if len(questions) < MIN_CENTRED_BATCH:
        return _cluster(vectors, NEAR_DUPLICATE)
    centred = vectors - vectors.mean(axis=0)
    centred /= np.maximum(np.linalg.norm(centred, axis=1, keepdims=True), 1e-12)
    combined = (centred @ centred.T + lexical_similarity(questions)) / 2
    return _cluster_matrix(combined, MERGE_SIMILARITY)


def _name_topics(groups: list[list[str]]) -> list[list[str]]:
    """The most specific terms of each group of questions."""
    idf = jieba.analyse.default_tfidf.idf_freq
    median = jieba.analyse.default_tfidf.median_idf
    per_group = [[_terms(q) for q in group] for group in groups]
    spread = Counter(t for terms in per_group for t in {w for q in terms for w in q})
    names: list[list[str]] = []
    for terms in per_group:
        used = Counter(w for q in terms for w in q)
        score = {w: n * idf.get(w, median) * math.log(1 + len(groups) / spread[w]) for w, n in used.items()}
        names.append(sorted(score, key=lambda w: (-score[w], w))[:TOPIC_TERMS])
    return names


def build_gap_report(
    candidates: list[tuple[str, str, str]], embeddings: Embeddings, max_questions: int = MAX_QUESTIONS
) -> GapReport:
    """Group (question, reason, language) candidates — the newest `max_questions` — into named topics."""
    candidates = candidates[-max_questions:]
    text: dict[str, str] = {}
    reasons: dict[str, Counter[str]] = {}
    for question, reason, _lang in candidates:
        key = _normalise(question)
        if not key:
            continue
        text.setdefault(key, question.strip())
        reasons.setdefault(key, Counter())[reason] += 1
    keys = list(text)
    groups = group_questions([text[k] for k in keys], embeddings)
    names = _name_topics([[text[keys[i]] for i in group] for group in groups])
    topics = []
    for group, terms in zip(groups, names, strict=True):
        counts = Counter[str]()
        for i in group:
            counts.update(reasons[keys[i]])
        ordered = sorted(group, key=lambda i: (-sum(reasons[keys[i]].values()), i))
        topics.append(
            GapTopic(
                terms=terms,
                count=sum(counts.values()),
                refused=counts["refused"],
                rated_down=counts["rated_down"],
                examples=[text[keys[i]] for i in ordered[:MAX_EXAMPLES]],
                questions=[text[keys[i]] for i in ordered],
            )
        )
    topics.sort(key=lambda t: (-t.count, t.name))
    return GapReport(total=sum(t.count for t in topics), topics=topics)


def _labels(lang: Lang) -> dict[str, str]:
    table: dict[str, str] = load_toml("ui")[lang]
    return table


def gap_report_markdown(report: GapReport, lang: Lang = "zh") -> str:
    """The report as Markdown: one section per topic with counts and example questions."""
    t = _labels(lang)
    lines = [
        f"# {t['gaps_title']}",
        "",
        t["gaps_summary"].format(total=report.total, topics=len(report.topics)),
    ]
    if not report.topics:
        return "\n".join([*lines, "", t["gaps_empty"], ""])
    for n, topic in enumerate(report.topics, start=1):
        counts = t["gaps_counts"].format(
            count=topic.count, refused=topic.refused, rated_down=topic.rated_down
        )
        lines += ["", f"## {n}. {topic.name}", "", counts, ""]
        lines += [f"- {example}" for example in topic.examples]
    return "\n".join(lines) + "\n"


def gap_report_html(report: GapReport, lang: Lang = "zh") -> str:
    """The report as an HTML fragment (every question escaped)."""
    t = _labels(lang)
    summary = t["gaps_summary"].format(total=report.total, topics=len(report.topics))
    parts = [f'<div class="pq-gaps"><h2>{escape(t["gaps_title"])}</h2><p>{escape(summary)}</p>']
    if not report.topics:
        parts.append(f"<p>{escape(t['gaps_empty'])}</p>")
    for n, topic in enumerate(report.topics, start=1):
        counts = t["gaps_counts"].format(
            count=topic.count, refused=topic.refused, rated_down=topic.rated_down
        )
        examples = "".join(f"<li>{escape(example)}</li>" for example in topic.examples)
        parts.append(
            f'<section class="pq-gap-topic"><h3>{n}. {escape(topic.name)}</h3>'
            f"<p>{escape(counts)}</p><ul>{examples}</ul></section>"
        )
    parts.append("</div>")
    return "".join(parts)
