"""Answerability over the real session index: check_scope refuses what the document is not about (another place,
a year or title it lacks, an everyday off-domain topic); check_evidence says "not stated" when the rows about a
document topic state no value of the asked kind, and passes when they do."""

from __future__ import annotations

import pytest

from assistant.analysis import Analysis, analyse
from assistant.answerable import Verdict, check_evidence, check_scope
from assistant.evidence import RecordEvidence, rank_records, record_text, score_record, topic_overlap
from assistant.handlers.base import Context
from assistant.handlers.lookup import evidence_for, gather
from assistant.vocabulary import has_value
from ingest.sentences import record_sentences, split_sentences


@pytest.fixture(scope="module")
def ctx(service) -> Context:  # type: ignore[no-untyped-def]
    return service._context(service.holder.get())  # type: ignore[no-any-return]


def _analyse(ctx: Context, question: str) -> Analysis:
    return analyse(question, None, ctx.units, ctx.lexicon, ctx.doc)


def _evidence(ctx: Context, question: str) -> tuple[Analysis, list[RecordEvidence], Verdict]:
    analysis = _analyse(ctx, question)
    ranked, _ = gather(analysis, ctx)
    return analysis, ranked, check_evidence(analysis, ranked)


def _task_text(ctx: Context, no: int) -> str:
    task = ctx.doc.task(no)
    assert task is not None
    return task.city_task + task.district_measure


# ---------------------------------------------------------------- scope


@pytest.mark.parametrize(
    "question",
    [
        "北京的用气报装要多久？",
        "成都开办企业要几天？",
        "渝中区不动产登记由谁负责？",
        "How long does gas connection take in Shanghai?",
    ],
)
def test_check_scope_refuses_a_foreign_place(ctx: Context, question: str) -> None:
    verdict = check_scope(_analyse(ctx, question))
    assert (verdict.answerable, verdict.reason) == (False, "foreign_anchor")


@pytest.mark.parametrize(
    "question", ["2030年用气报装要多久？", "2018年开办企业有哪些措施？", "What changed in 2015?"]
)
def test_check_scope_refuses_a_foreign_year(ctx: Context, question: str) -> None:
    verdict = check_scope(_analyse(ctx, question))
    assert (verdict.answerable, verdict.reason) == (False, "foreign_anchor")


@pytest.mark.parametrize(
    "question", ["《重庆市火锅产业发展条例》规定了什么？", "《九龙坡区夜间经济三年行动计划》由谁牵头？"]
)
def test_check_scope_refuses_a_quoted_title_the_document_lacks(ctx: Context, question: str) -> None:
    verdict = check_scope(_analyse(ctx, question))
    assert (verdict.answerable, verdict.reason) == (False, "foreign_anchor")


def test_check_scope_accepts_a_quoted_title_the_document_has(ctx: Context) -> None:
    verdict = check_scope(_analyse(ctx, "《优化营商环境条例》在方案里起什么作用？"))
    assert verdict.answerable


@pytest.mark.parametrize(
    "question",
    [
        "明天重庆天气怎么样？",
        "九龙坡今天会下雨吗？",
        "帮我写一首关于春天的诗",
        "茅台的股票价格是多少？",
        "What is the weather like tomorrow?",
        "What is the stock price of Apple?",  # asks a price (amount) the document never states
        "Write me a poem about autumn.",  # a request to produce something, whatever its words gloss into
    ],
)
def test_check_scope_refuses_off_domain_topics(ctx: Context, question: str) -> None:
    verdict = check_scope(_analyse(ctx, question))
    assert not verdict.answerable
    assert verdict.reason in ("foreign_topic", "no_topic", "task_request")


@pytest.mark.parametrize(
    "question",
    [
        "用气报装要多久？",
        "谁负责不动产登记？",
        "天然气报装要多久？",  # everyday word for the document's 用气
        "九龙坡区开办企业有什么便利？",  # the document's own district
        "2025年要实现什么目标？",  # a year the document names
        "How long does gas connection take?",
        "区税务局牵头哪些任务？",
    ],
)
def test_check_scope_accepts_document_topics(ctx: Context, question: str) -> None:
    assert check_scope(_analyse(ctx, question)) == Verdict(True, "ok")


def test_every_notice_item_title_is_in_scope(ctx: Context) -> None:
    refused = [
        i.title for i in ctx.doc.items if not check_scope(_analyse(ctx, f"{i.title}有哪些要求？")).answerable
    ]
    assert refused == []


def test_every_task_title_is_in_scope(ctx: Context) -> None:
    from assistant.compose import task_title

    refused = [
        t.no for t in ctx.doc.tasks if not check_scope(_analyse(ctx, f"{task_title(t)}由谁牵头？")).answerable
    ]
    assert refused == []


# ---------------------------------------------------------------- evidence


def test_gas_connection_time_is_stated(ctx: Context) -> None:
    assert "13个工作日" in _task_text(ctx, 34)
    analysis, ranked, verdict = _evidence(ctx, "用气报装要多久？")
    assert verdict == Verdict(True, "ok")
    assert ranked[0].key == ("task", 34)
    assert any("13个工作日" in s.sentence.text for s in ranked[0].value_sentences())


def test_a_stated_rate_is_ok(ctx: Context) -> None:
    assert "30%" in _task_text(ctx, 25)
    analysis, ranked, verdict = _evidence(ctx, "政府采购预付款比例是多少？")
    assert verdict.answerable
    assert ranked[0].key == ("task", 25)


def test_the_gas_connection_fee_is_not_stated(ctx: Context) -> None:
    # The gas rows speak of time and one-stop service; neither states an amount of money.
    for no in (34, 35):
        assert not has_value("amount", _task_text(ctx, no))
    analysis, ranked, verdict = _evidence(ctx, "用气报装要交多少钱？")
    assert {r.key for r in ranked[:2]} <= {("task", 34), ("task", 35), ("task", 36)}
    assert verdict == Verdict(False, "value_not_stated", missing_kind="amount")


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("用气报装的咨询电话是多少？", "contact"),
        ("不动产登记中心的电话是多少？", "contact"),
        ("不动产登记中心的办公地址在哪？", "contact"),
        ("企业注销要交多少钱？", "amount"),
        ("去年开办企业实际办了多少家？", "statistic"),
    ],
)
def test_a_value_the_document_never_states_is_not_stated(ctx: Context, question: str, kind: str) -> None:
    # No record of the document states a phone number other than the 12345 hotline, an address, a fee for
    # deregistration, or an achieved figure.
    texts = [s.text for v in record_sentences(ctx.doc).values() for s in v]
    if kind == "contact":
        assert not [t for t in texts if has_value("contact", t) and "12345" not in t]
    elif kind == "amount":
        assert not [t for t in texts if "注销" in t and has_value("amount", t)]
    else:
        assert not [t for t in texts if has_value(kind, t)]
    _, _, verdict = _evidence(ctx, question)
    assert verdict == Verdict(False, "value_not_stated", missing_kind=kind)


def test_a_value_in_a_given_record_is_found_by_evidence_for(ctx: Context) -> None:
    analysis = _analyse(ctx, "第34项用气报装要多少个工作日？")
    ranked = evidence_for(analysis, ctx, [("task", 34)])
    assert check_evidence(analysis, ranked).answerable
    analysis = _analyse(ctx, "第34项用气报装要交多少钱？")
    ranked = evidence_for(analysis, ctx, [("task", 34)])
    assert check_evidence(analysis, ranked) == Verdict(False, "value_not_stated", missing_kind="amount")


@pytest.mark.parametrize("question", ["第34项多少个工作日？", "How long does task 34 take?"])
def test_a_value_of_a_numbered_row_needs_no_topic_words(ctx: Context, question: str) -> None:
    analysis = _analyse(ctx, question)
    ranked = evidence_for(analysis, ctx, [("task", 34)])
    assert check_evidence(analysis, ranked).answerable


def test_no_evidence_is_weak_evidence(ctx: Context) -> None:
    assert check_evidence(_analyse(ctx, "用气报装要多久？"), []) == Verdict(False, "weak_evidence")


@pytest.mark.parametrize(
    "question",
    [
        "审批系统有没有临期统计和超时统计功能？",  # task 137: 增设……临期统计和超时统计功能
        "干部怎么帮助企业解决实际困难？",  # task 173
        "能不能通过电话辅导纳税人开具电子专票？",  # task 150: 通过网格化服务、电话……辅导纳税人
    ],
)
def test_a_question_in_the_documents_own_words_is_answerable(ctx: Context, question: str) -> None:
    _, _, verdict = _evidence(ctx, question)
    assert verdict.answerable


# ---------------------------------------------------------------- sentences and evidence scoring


@pytest.mark.parametrize(
    "text",
    [
        "压减用气接入时间，获得用气用户办理总用时不超过13个工作日。",
        "一是简化流程；二是压缩时限；三是降低成本",
        "能网上办吗？可以！全程网办。",
    ],
)
def test_split_sentences_is_verbatim(text: str) -> None:
    parts = split_sentences(text)
    assert "".join(parts) == text
    assert all(p[-1] in "。；！？" for p in parts[:-1])


def test_split_sentences_splits_at_sentence_ends_only() -> None:
    assert split_sentences("一是简化流程；二是压缩时限。三是降低成本，提高效率") == [
        "一是简化流程；",
        "二是压缩时限。",
        "三是降低成本，提高效率",
    ]


def test_record_sentences_cover_every_record_verbatim(ctx: Context) -> None:
    table = record_sentences(ctx.doc)
    assert {("task", t.no) for t in ctx.doc.tasks} <= set(table)
    assert {("item", i.index) for i in ctx.doc.items} <= set(table)
    assert {("meta", 2), ("meta", 3), ("meta", 4)} <= set(table)
    task = ctx.doc.task(34)
    assert task is not None
    sentences = table[("task", 34)]
    assert "".join(s.text for s in sentences if s.cell == "city") == task.city_task
    assert "".join(s.text for s in sentences if s.cell == "district") == task.district_measure
    assert [s.position for s in sentences] == list(range(len(sentences)))


def test_topic_overlap_weighs_the_rare_words(ctx: Context) -> None:
    analysis = _analyse(ctx, "用气报装要多久？")
    assert topic_overlap(analysis, record_text(ctx.doc, "task", 34)) == pytest.approx(1.0)
    assert topic_overlap(analysis, record_text(ctx.doc, "task", 146)) == pytest.approx(0.0)
    partial = topic_overlap(analysis, "提高用户报装效率")  # 报装 without 用气
    assert 0.0 < partial < 1.0


def test_score_record_marks_the_sentence_with_the_value(ctx: Context) -> None:
    analysis = _analyse(ctx, "用气报装要多久？")
    record = score_record(analysis, ctx.doc, ctx.sentences[("task", 34)], "task", 34)
    stating = [s.sentence.text for s in record.value_sentences()]
    assert any("13个工作日" in s for s in stating)
    assert record.coverage == pytest.approx(1.0)
    best = record.best(1)[0]
    assert best.value


def test_rank_records_puts_the_record_about_the_topic_first(ctx: Context) -> None:
    analysis = _analyse(ctx, "用气报装要多久？")
    records = [
        score_record(analysis, ctx.doc, ctx.sentences[("task", n)], "task", n, retrieval=r)
        for n, r in ((146, 1.0), (34, 0.8))
    ]
    assert [r.ref for r in rank_records(records)] == [34, 146]
