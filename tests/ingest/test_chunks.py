"""Chunks: one per task row and notice item plus meta chunks, with flat metadata Chroma can filter on."""

from __future__ import annotations

from pathlib import Path

from assistant.config import REPO_ROOT
from ingest.chunks import build_chunks, parse_chunk_id
from ingest.parser import load_document
from ingest.units import load_unit_directory

DOC = load_document(REPO_ROOT / "data" / "jiulongpo-business-environment-2021.txt")


def test_one_chunk_per_row_and_item_plus_meta() -> None:
    chunks = build_chunks(DOC)
    kinds = [c.type for c in chunks]
    assert kinds.count("task") == 176 and kinds.count("item") == 21 and kinds.count("meta") == 5
    assert len({c.id for c in chunks}) == len(chunks)
    assert all(parse_chunk_id(c.id) == (c.type, c.ref) for c in chunks)


def test_task_chunk_carries_number_section_columns_and_units() -> None:
    chunk = next(
        c for c in build_chunks(DOC, english=load_unit_directory().english_for_entry) if c.id == "task-34"
    )
    for part in (
        "任务34",
        "一、营造优质有序的市场环境",
        "13个工作日",
        "渝经信发〔2019〕119号",
        "区经济信息委",
        "配合单位：无",
    ):
        assert part in chunk.lexical_text
    assert "District Economy and Information Technology Commission" in chunk.lexical_text
    assert "不超过13个工作日" in chunk.text and "区经济信息委" in chunk.text
    assert chunk.metadata["type"] == "task" and chunk.metadata["ref"] == 34
    assert chunk.metadata["lead:区经济信息委"] is True


def test_a_chunk_vector_is_built_from_the_record_sentences_and_its_units_line() -> None:
    chunks = {c.id: c for c in build_chunks(DOC)}
    task = DOC.task(34)
    assert task is not None
    parts = chunks["task-34"].parts
    assert "".join(parts[:-1]) == task.city_task + task.district_measure  # sentences, verbatim, in order
    assert parts[-1] == "牵头：区经济信息委；配合：无"
    item = chunks["item-5"]
    assert "".join(item.parts) == DOC.items[4].text and len(item.parts) > 1
    assert all(c.parts == [c.text] for c in chunks.values() if c.type == "meta")


def test_chroma_where_filters_on_unit_metadata(service, embeddings) -> None:  # type: ignore[no-untyped-def]
    dense = service.holder.get().dense
    vector = embeddings.embed_query("纳税")
    hits = dense.search_by_vector(vector, 200, where={"lead:区税务局": True})
    expected = {f"task-{t.no}" for t in DOC.tasks if "区税务局" in t.lead_units}
    expected |= {f"item-{i.index}" for i in DOC.items if "区税务局" in i.responsible_units}
    assert {h.id for h in hits} == expected
    only_items = dense.search_by_vector(vector, 50, where={"type": "item"})
    assert only_items and all(h.id.startswith("item-") for h in only_items)


def test_source_path_is_committed_in_the_repo() -> None:
    assert Path(REPO_ROOT / "data" / "jiulongpo-business-environment-2021.txt").stat().st_size > 100_000
