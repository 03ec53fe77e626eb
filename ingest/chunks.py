"""Records -> retrieval chunks: one per task row, one per notice item, a few meta chunks."""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, Field

from ingest.records import NoticeItem, PolicyDocument, Task
from ingest.sentences import split_sentences

# 4: the stored document gained parts, annex sections, cover and closing; 5: a record's vector is the mean of
# its sentences' (and its units line's) vectors
CHUNK_SCHEMA_VERSION = 5
EnglishName = Callable[[str], str]


class Chunk(BaseModel):
    """A retrievable unit of text with flat metadata (Chroma `where` filters work on it)."""

    id: str
    type: str
    ref: int
    text: str = Field(description="The record's own words, stored with its vector (compact)")
    lexical_text: str = Field(description="What BM25 indexes: labelled columns plus English unit names")
    metadata: dict[str, str | int | bool]
    parts: list[str] = Field(
        description="Passages whose mean vector is the chunk's dense vector: a record's sentences (the ones "
        "the sentence index embeds anyway) and a row's units line; a meta chunk is its own one part"
    )


def chunk_id(kind: str, ref: int) -> str:
    """Stable chunk id, e.g. task-34, item-3, meta-1."""
    return f"{kind}-{ref}"


def parse_chunk_id(value: str) -> tuple[str, int]:
    """Inverse of chunk_id."""
    kind, _, ref = value.rpartition("-")
    return kind, int(ref)


def build_chunks(doc: PolicyDocument, english: EnglishName | None = None) -> list[Chunk]:
    """All chunks of the document, in document order (meta, items, tasks)."""
    return [
        *_meta_chunks(doc),
        *(_item_chunk(i) for i in doc.items),
        *(_task_chunk(t, english) for t in doc.tasks),
    ]


def _units_line(label: str, units: list[str], english: EnglishName | None) -> str:
    if not units:
        return f"{label}：无"
    names = "、".join(units)
    if english is None:
        return f"{label}：{names}"
    return f"{label}：{names}（{'; '.join(english(u) for u in units)}）"


def _task_chunk(task: Task, english: EnglishName | None) -> Chunk:
    coop = "、".join(task.coop_units) or "无"
    units = f"牵头：{'、'.join(task.lead_units)}；配合：{coop}"
    dense = f"{task.city_task}\n{task.district_measure}\n{units}"
    lexical = "\n".join(
        [
            f"任务{task.no}｜{task.section}",
            f"市级工作任务：{task.city_task}",
            f"区级贯彻措施：{task.district_measure}",
            _units_line("牵头单位", task.lead_units, english),
            _units_line("配合单位", task.coop_units, english),
        ]
    )
    meta: dict[str, str | int | bool] = {
        "type": "task",
        "ref": task.no,
        "section": task.section,
        "lead_units": "、".join(task.lead_units),
        "coop_units": "、".join(task.coop_units),
    }
    meta.update({f"lead:{u}": True for u in task.lead_units})
    meta.update({f"coop:{u}": True for u in task.coop_units})
    return Chunk(
        id=chunk_id("task", task.no),
        type="task",
        ref=task.no,
        text=dense,
        lexical_text=lexical,
        metadata=meta,
        parts=[*split_sentences(task.city_task), *split_sentences(task.district_measure), units],
    )


def _item_chunk(item: NoticeItem) -> Chunk:
    text = f"通知第{item.index}项｜{item.part}\n{item.text}"
    meta: dict[str, str | int | bool] = {
        "type": "item",
        "ref": item.index,
        "section": item.part,
        "title": item.title,
        "lead_units": "、".join(item.responsible_units),
        "coop_units": "",
    }
    meta.update({f"lead:{u}": True for u in item.responsible_units})
    return Chunk(
        id=chunk_id("item", item.index),
        type="item",
        ref=item.index,
        text=item.text,
        lexical_text=text,
        metadata=meta,
        parts=split_sentences(item.text) or [item.text],
    )


def meta_texts(doc: PolicyDocument) -> list[tuple[str, str]]:
    """(title, text) of each meta chunk; the order defines meta ids 1..n."""
    m = doc.meta
    sections: dict[str, int] = {}
    for task in doc.tasks:
        sections[task.section] = sections.get(task.section, 0) + 1
    overview = "；".join(f"{name}{count}项" for name, count in sections.items())
    return [
        (
            "发文信息",
            f"{m.title}。发文单位：{'、'.join(m.issuers)}。发文日期：{m.date}。主送：{m.recipients}。",
        ),
        ("制定依据", m.preamble),
        ("指导思想", m.guiding_ideology),
        ("工作目标", m.goals),
        ("附件任务清单", f"附件：{m.annex_title}，共{len(doc.tasks)}项任务：{overview}。"),
    ]


def _meta_chunks(doc: PolicyDocument) -> list[Chunk]:
    chunks = []
    for idx, (title, text) in enumerate(meta_texts(doc), start=1):
        meta: dict[str, str | int | bool] = {"type": "meta", "ref": idx, "section": "", "title": title}
        full = f"{title}｜{text}"
        chunks.append(
            Chunk(
                id=chunk_id("meta", idx),
                type="meta",
                ref=idx,
                text=full,
                lexical_text=full,
                metadata=meta,
                parts=[full],
            )
        )
    return chunks
