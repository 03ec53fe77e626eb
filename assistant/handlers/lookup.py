"""Questions about a matter of the document: retrieve, score the evidence, check answerability, compose.

Also answers on given records (an explicit task number with an ask, a follow-up on the previous turn's row)."""

from __future__ import annotations

import re

from assistant.analysis import MIN_TOPIC_IDF, Analysis
from assistant.answerable import Verdict, check_evidence, check_scope, told_around
from assistant.compose import (
    english_value,
    hedge_of,
    marker,
    quote_window,
    record_citation,
    record_title,
    related_line,
    scope_of,
    unit_names,
    value_clause,
)
from assistant.evidence import (
    RecordEvidence,
    ScoredSentence,
    is_heading,
    mentions,
    rank_records,
    score_record,
    topic_overlap,
)
from assistant.handlers.base import Context, refusal
from assistant.lexicon import TopicTerm, expansion_terms
from assistant.markers import int_to_cn
from assistant.models import Answer, Citation
from assistant.vocabulary import KIND_CUES, VALUE_KINDS, asks_total, has_value, states_total
from prompts import format_phrase

RELATED_RATIO = 0.8
MAX_RELATED = 2
CANDIDATES = 20
EN_TOPIC_WINDOW = 2
# A second value sentence of the same cell is shown when it scores this share of the best one (chosen on dev).
CLOSE_VALUE_SHARE = 0.85
# Each part of a question asking one kind twice is answered by a sentence sharing this many character pairs with it.
MIN_SHARED_PAIRS = 2
# Chinese characters a district sentence must add to the city task it repeats to be worth quoting under it.
MIN_NEW_DETAIL = 12
_CJK_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")
_CJK_CHAR = re.compile(r"[\u4e00-\u9fff]")


def retrieval_query(analysis: Analysis) -> str:
    """The asking text plus the document's words for its everyday / English words."""
    text = analysis.focus_text
    extra = [] if analysis.language == "en" else expansion_terms(text)
    forms = [f for t in analysis.topic if t.in_document for f in t.doc_forms if f not in text]
    words = list(dict.fromkeys([*extra, *forms]))
    return f"{text} {' '.join(words)}" if words else text


def gather(analysis: Analysis, ctx: Context) -> tuple[list[RecordEvidence], dict[str, float]]:
    """Hybrid retrieval, then each candidate record scored for the analysis, best first."""
    assert ctx.retriever is not None
    # The embedder sees the asking text alone: added document words lengthen the query (the embedder's cost grows
    # with its tokens) and blur English questions; the lexical side gets them.
    result = ctx.retriever.retrieve(retrieval_query(analysis), CANDIDATES, dense_query=analysis.focus_text)
    top = result.hits[0].score if result.hits else 1.0
    records = [
        score_record(
            analysis,
            ctx.doc,
            ctx.sentences.get((h.type, h.ref), []),
            h.type,
            h.ref,
            retrieval=h.score / top,
            dense=h.dense,
            # an English question's nearest sentence is a cross-lingual guess, looser than its glossed words
            similarity=result.sentences if analysis.language == "zh" else None,
        )
        for h in result.hits
        if (h.type, h.ref) in ctx.sentences
    ]
    # English topic words reach the document through dictionary glosses, a looser coverage signal
    ranked = rank_records(records, window=None if analysis.language == "zh" else EN_TOPIC_WINDOW)
    return _named_kind_first(analysis, ranked), result.timings


def _named_kind_first(analysis: Analysis, ranked: list[RecordEvidence]) -> list[RecordEvidence]:
    """Asked where a thing stands in the notice (通知哪一条), the best notice item about it leads, before any row:
    the question names the kind of record it wants."""
    if "locate" not in analysis.kinds or not analysis.in_notice:
        return ranked
    wanted = next((r for r in ranked if r.type == "item" and r.viable), None)
    return ranked if wanted is None else [wanted, *(r for r in ranked if r is not wanted)]


def evidence_for(analysis: Analysis, ctx: Context, refs: list[tuple[str, int]]) -> list[RecordEvidence]:
    """Given records (explicit numbers, the previous turn's focus), scored in the given order."""
    return [
        score_record(analysis, ctx.doc, ctx.sentences.get(ref, []), ref[0], ref[1], retrieval=1.0, dense=1.0)
        for ref in refs
    ]


class LookupHandler:
    """Everything not answered from the table or the notice's structure."""

    name = "lookup"

    def matches(self, analysis: Analysis) -> bool:
        """The fallback handler: always."""
        return True

    def answer(self, analysis: Analysis, ctx: Context) -> Answer:
        """Retrieve, check, compose."""
        scope = check_scope(analysis)
        if not scope.answerable and scope.reason != "foreign_topic":
            return refusal(analysis, "refused")
        ranked, timings = gather(analysis, ctx)
        if not scope.answerable and not told_around(analysis, ranked):
            return refusal(analysis, "refused")
        verdict = check_evidence(analysis, ranked)
        answer = compose(analysis, ctx, ranked, verdict)
        answer.timings.update(timings)
        return answer


def compose(analysis: Analysis, ctx: Context, ranked: list[RecordEvidence], verdict: Verdict) -> Answer:
    """Answer-first text from scored records; a plain 'not stated' when the verdict says so."""
    lang = analysis.language
    if not verdict.answerable and verdict.reason != "value_not_stated":
        return refusal(analysis, "refused")
    top = ranked[0]
    if not verdict.answerable:
        return _not_stated(analysis, ctx, ranked, verdict.missing_kind or "content")
    first, quotes, shown = _first_line(analysis, ctx, top)
    lines = [first]
    mk = marker(top.type, top.ref, lang)
    for quote in quotes:
        lines.append(
            format_phrase(
                "quote_line", lang, quote=_quoted(analysis, quote), marker=mk, scope=scope_of(quote, lang)
            )
        )
    related = _related(ranked)
    lines += [related_line(ctx.doc, r, lang, ctx.units.english_for_entry) for r in related]
    top_quote = _quoted(analysis, quotes[0]) if quotes else (shown[0] if shown else "")
    if top_quote not in "\n".join(lines) and top.sentences:
        # A part of the first line came out empty (a rate the row does not state beside its units): the
        # citation shows a sentence the answer really quotes.
        best = top.best(1)[0]
        top_quote = _quoted(analysis, best)
        lines.insert(
            1, format_phrase("quote_line", lang, quote=top_quote, marker=mk, scope=scope_of(best, lang))
        )
    cites = [
        c for r in [top, *related] if (c := _citation(ctx, r, top_quote if r is top else "")) is not None
    ]
    return Answer(answer="\n".join(lines), citations=cites, language=lang, intent=_intent(analysis))


def _intent(analysis: Analysis) -> str:
    kinds = analysis.kinds
    if "lead" in kinds:
        return "who_leads"
    if "coop" in kinds:
        return "who_coops"
    if any(k in VALUE_KINDS for k in kinds):
        return "numeric"
    return "search"


def _quoted(analysis: Analysis, sentence: ScoredSentence) -> str:
    """What a quote line shows of a sentence: all of it, or its clauses most about the question."""
    return quote_window(
        sentence.sentence.text, lambda c: topic_overlap(analysis, c.lower()) + _value_bonus(analysis, c)
    )


def _value_bonus(analysis: Analysis, text: str) -> float:
    return 0.5 if any(has_value(k, text) for k in analysis.kinds if k in VALUE_KINDS) else 0.0


def _related(ranked: list[RecordEvidence]) -> list[RecordEvidence]:
    top = ranked[0]
    return [r for r in ranked[1 : 1 + MAX_RELATED] if r.score >= top.score * RELATED_RATIO]


def _citation(ctx: Context, record: RecordEvidence, quote: str) -> Citation | None:
    """The card of a record; its quote is a piece the answer shows of it (a quoted sentence, a clause of the
    first line, or the title of a related row), so every quote is verbatim in the record and in the answer."""
    text = quote or record_title(ctx.doc, record.type, record.ref)
    return record_citation(ctx.doc, record.type, record.ref, text, score=record.score)


def _first_line(
    analysis: Analysis, ctx: Context, top: RecordEvidence
) -> tuple[str, list[ScoredSentence], list[str]]:
    """Line 1 for each asked kind (multi-part questions get every part), the sentences behind it to quote,
    and the verbatim clauses line 1 shows."""
    lang, english = analysis.language, ctx.units.english_for_entry
    parts: list[str] = []
    quotes: list[ScoredSentence] = []
    shown: list[str] = []
    kinds = list(dict.fromkeys(analysis.kinds)) or ["content"]
    lead, coop = _units_of(ctx, top)
    if "locate" in kinds:
        # where it stands (是通知哪一条): the record's number and title first, unless who leads it names the title
        kinds = [k for k in kinds if k != "locate"] or ["content"]
        if top.type in ("task", "item") and "lead" not in kinds:
            key = "part_locate_task" if top.type == "task" else "part_locate_item"
            title = record_title(ctx.doc, top.type, top.ref)
            parts.append(
                format_phrase(key, lang, no=top.ref, index=top.ref, cn=int_to_cn(top.ref), title=title)
            )
    for kind in kinds:
        if kind == "lead":
            if lead or top.type == "task":
                title = record_title(ctx.doc, top.type, top.ref)
                if analysis.kinds == ["lead"] and (named := _named_matter(analysis, top, title)) is not None:
                    title = named  # the row's clause that names what was asked about, not its title
                    shown.append(named)
                parts.append(
                    format_phrase("part_lead", lang, title=title, units=unit_names(lead, lang, english))
                )
            else:
                # an item naming no 责任单位 says so, and what it says is the answer
                parts.append(
                    format_phrase("part_no_units", lang, title=record_title(ctx.doc, top.type, top.ref))
                )
                if "content" not in kinds and top.sentences:
                    kinds.append("content")
        elif kind == "coop":
            key = "part_coop" if coop else "part_no_coop"
            parts.append(
                format_phrase(
                    key, lang, units=unit_names(coop, lang, english), lead=unit_names(lead, lang, english)
                )
            )
        elif kind in VALUE_KINDS:
            chosen = _value_sentences(top, kind, asks_total(analysis.question))
            chosen += [s for s in _per_part_values(analysis, top, kind) if s not in chosen]
            for sentence in chosen:
                clause = value_clause(
                    sentence.sentence.text, [kind], lambda c: topic_overlap(analysis, c.lower())
                )
                if clause.rstrip("。；，") in shown:
                    continue  # the district measure repeats the city-level clause word for word
                shown.append(clause.rstrip("。；，"))
                parts.append(
                    format_phrase(
                        "part_value",
                        lang,
                        clause=clause.rstrip("。；，"),
                        scope=scope_of(sentence, lang),
                        value=english_value(clause, [kind]),
                    )
                )
                if clause.strip() != sentence.sentence.text.strip().rstrip("。；"):
                    quotes.append(sentence)
        elif kind in ("yesno", "content") and top.sentences:
            best = top.best(1)[0]
            # a long sentence shows its clauses most about the question (以…为主题, not its opening clauses)
            clause = _quoted(analysis, best).rstrip("。；，")
            shown.append(clause)
            if (other := _complement(analysis, top, best)) is not None:
                quotes.append(other)
            district = ""
            if (detail := _district_detail(top, best)) is not None:
                # the city-level task says what is to be done; the district measure, what this district does
                gist = _quoted(analysis, detail).rstrip("。；，")
                shown.append(gist)
                district = format_phrase("task_list_district", lang, gist=gist)
                if gist != detail.sentence.text.strip().rstrip("。；"):
                    quotes.append(detail)
            key = "part_yesno" if kind == "yesno" else "part_content"
            parts.append(
                format_phrase(
                    key,
                    lang,
                    clause=clause,
                    hedge=hedge_of(clause),
                    title=record_title(ctx.doc, top.type, top.ref),
                )
                + district
            )
    if not parts:
        shown.append(_quoted(analysis, top.best(1)[0]).rstrip("。；，"))
        parts.append(
            format_phrase(
                "part_content",
                lang,
                clause=shown[-1],
                hedge="",
                title=record_title(ctx.doc, top.type, top.ref),
            )
        )
    if kinds == ["lead"] or kinds == ["coop"] or kinds == ["lead", "coop"]:
        # the sentence behind the units, unless line 1 already shows it whole
        if top.sentences and (best := top.best(1)[0]).sentence.text.strip().rstrip("。；，") not in shown:
            quotes.append(best)
    sep = format_phrase("part_separator", lang)
    text = sep.join(dict.fromkeys(parts))
    if not {"lead", "coop"} & set(kinds) and top.type == "task" and lead:
        # whatever is asked about a row, the first line names who leads it (a hotline ticket needs the unit)
        text += format_phrase("lead_suffix", lang, lead=unit_names(lead, lang, english))
    first = format_phrase("first_line", lang, text=text, marker=marker(top.type, top.ref, lang))
    unique = list({id(q.sentence): q for q in quotes}.values())[:2]
    if any(k in ("lead", "coop") for k in kinds) and not shown:
        shown.append(record_title(ctx.doc, top.type, top.ref))
    return first, unique, shown


def _rare_words(analysis: Analysis) -> list[TopicTerm]:
    """The question's two rarest words that name a matter of their own (no segmentation fragment)."""
    return [t for t in analysis.rare_terms(2) if t.idf >= MIN_TOPIC_IDF and not t.fragment]


def _named_matter(analysis: Analysis, record: RecordEvidence, title: str) -> str | None:
    """For a who-leads line: the record's best clause when it names the question's rarest words and the title
    names none of them (歧视人的门槛 -> …对民营、外资企业设置的歧视性规定, not 加快废除妨碍公平竞争有关规定)."""
    rare = _rare_words(analysis)
    if analysis.language != "zh" or not rare or not record.sentences:
        return None
    if any(mentions(t, title.lower()) for t in rare):
        return None
    best = record.best(1)[0]
    if not any(mentions(t, best.sentence.text.lower()) for t in rare):
        return None
    return _quoted(analysis, best).rstrip("。；，")


def _complement(analysis: Analysis, record: RecordEvidence, best: ScoredSentence) -> ScoredSentence | None:
    """The record's sentence about a rare word of the question the best sentence leaves out (激励或者容错: the
    incentive sentence, then the 容错纠错 one): a question about two things of one record gets both."""
    rare = _rare_words(analysis)
    missing = [t for t in rare if not mentions(t, best.sentence.text.lower())]
    if not missing or len(missing) == len(rare):
        return None  # the best sentence is about none of them: another sentence is no complement
    others = [
        s
        for s in record.sentences
        if s is not best
        and not is_heading(s.sentence.text)  # an item's heading names its matter, says nothing of it
        and any(mentions(t, s.sentence.text.lower()) for t in missing)
    ]
    others.sort(key=lambda s: (-s.score, s.sentence.position))
    return others[0] if others else None


def _district_detail(record: RecordEvidence, best: ScoredSentence) -> ScoredSentence | None:
    """When the best sentence of a row is its city-level task (the general commitment), the district measure's
    sentence most about the question: what the district concretely does (where, which platform, which body)."""
    if record.type != "task" or best.sentence.cell != "city":
        return None
    city = best.sentence.text.strip().rstrip("。；")
    district = [
        s
        for s in record.sentences
        if s.sentence.cell != "city"
        and (s.rare or s.topic >= best.topic * 0.5 or s.closest)
        # a district measure that repeats the city task word for word (按照市级部署，…) adds nothing
        and len(_CJK_CHAR.findall(s.sentence.text.replace(city, ""))) >= MIN_NEW_DETAIL
    ]
    district.sort(key=lambda s: (-s.score, s.sentence.position))
    return district[0] if district else None


def _value_sentences(record: RecordEvidence, kind: str, total: bool = False) -> list[ScoredSentence]:
    """The best sentence stating a value of `kind`; a second from the other cell, when both state one; and a
    second of the same cell when it matches the question about as well (5日内核发确认书 and 全流程8天内 of one
    row: the question cannot tell which it means, so both are shown). A question asking for the total (in
    total, 一共) is answered first by a sentence that states one (全流程, 总用时)."""
    holding = record.stating(kind)
    if not holding:
        return []
    if total:
        # the row is about the question (it states a value of the kind about its words): its own total is the
        # answer to "in total", even where the question's wording reaches only the step sentence
        holding += [
            s
            for s in record.sentences
            if s not in holding
            and s.step
            and has_value(kind, s.sentence.text)
            and states_total(s.sentence.text)
        ]
    holding.sort(key=lambda s: (not (total and states_total(s.sentence.text)), -s.score, s.sentence.position))
    best = holding[0]
    other = [s for s in holding[1:] if s.sentence.cell != best.sentence.cell and s.rare]
    close = [
        s
        for s in holding[1:]
        if s.sentence.cell == best.sentence.cell and s.score >= best.score * CLOSE_VALUE_SHARE
    ]
    # the city-level target is the row's headline commitment; the district measure details it
    return sorted([best, *other[:1], *close[:1]], key=lambda s: s.sentence.cell != "city")


def _per_part_values(analysis: Analysis, record: RecordEvidence, kind: str) -> list[ScoredSentence]:
    """A question asking the same kind twice (分成几类？又分成几个阶段？) asks about two things: for each asking
    sentence, the stating sentence that shares most of its wording."""
    parts = [p for p in re.split(r"[?？]", analysis.question) if KIND_CUES[kind].search(p.lower())]
    if len(parts) < 2:
        return []
    # each part names its own matter, so any sentence of the row stating the kind may answer it
    holding = [s for s in record.sentences if s.step and has_value(kind, s.sentence.text)]
    picked: list[ScoredSentence] = []
    for part in parts:
        grams = {part[i : i + 2] for i in range(len(part) - 1) if _CJK_PAIR.fullmatch(part[i : i + 2])}
        shared = {id(s): sum(g in s.sentence.text for g in grams) for s in holding}
        best = max(holding, key=lambda s: shared[id(s)], default=None)
        if best is not None and shared[id(best)] >= MIN_SHARED_PAIRS and best not in picked:
            picked.append(best)
    return picked


def _units_of(ctx: Context, record: RecordEvidence) -> tuple[list[str], list[str]]:
    """Lead and coop units; for an item or paragraph without 责任单位, the units its best sentence names."""
    if record.type == "task" and (task := ctx.doc.task(record.ref)):
        return list(task.lead_units), list(task.coop_units)
    if record.type == "item" and (item := ctx.doc.item(record.ref)) and item.responsible_units:
        return list(item.responsible_units), []
    for sentence in record.best(3):
        named = [u for u in ctx.units.find_units(sentence.sentence.text) if not ctx.units.is_collective(u)]
        if named:
            return named, []
    return [], []


def _not_stated(analysis: Analysis, ctx: Context, ranked: list[RecordEvidence], kind: str) -> Answer:
    """The document does not state a value of the asked kind for this topic: say so, point to related rows."""
    lang = analysis.language
    lines = [
        format_phrase(
            "not_stated", lang, topic=analysis.topic_label(), what=format_phrase(f"kind_{kind}", lang)
        )
    ]
    related = ranked[:MAX_RELATED] if ranked and ranked[0].coverage >= 0.34 else []
    lines += [related_line(ctx.doc, r, lang, ctx.units.english_for_entry) for r in related]
    cites = [c for r in related if (c := _citation(ctx, r, "")) is not None]
    return Answer(answer="\n".join(lines), citations=cites, refused=True, language=lang, intent="refused")
