"""BM25 keyword search (bm25s) over jieba words plus CJK character bigrams; persisted without re-tokenizing."""

from __future__ import annotations

import json
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path

import bm25s
import jieba
import numpy as np

from vectorstore.errors import IndexCorruptError
from vectorstore.models import Hit

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it logs every index build at DEBUG to its own handler

logger = logging.getLogger(__name__)

# Bump when tokenize() changes: a saved index is only valid with the tokenizer that built it.
TOKENIZER_VERSION = 1
_META_FILE = "lexical.json"
_BM25_DIR = "bm25"
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_NO_WORD = re.compile(r"^[\W_]+$")

_jieba_lock = threading.Lock()
_jieba_ready = False


def init_jieba(cache_dir: Path | None = None) -> None:
    """Load jieba's dictionary once, quietly, keeping its prefix-dict cache in `cache_dir`/jieba."""
    global _jieba_ready
    with _jieba_lock:
        if _jieba_ready:
            return
        jieba.setLogLevel(logging.WARNING)
        if cache_dir is not None:
            folder = Path(cache_dir) / "jieba"
            folder.mkdir(parents=True, exist_ok=True)
            jieba.dt.tmp_dir = str(folder)
        jieba.initialize()
        _jieba_ready = True


def add_user_words(words: Iterable[str]) -> None:
    """Teach jieba words (e.g. unit names) that must stay one token; process-wide and idempotent."""
    init_jieba()
    with _jieba_lock:
        for raw in words:
            word = unicodedata.normalize("NFKC", raw).strip().lower()  # tokenize() sees text this way
            if word:
                jieba.add_word(word)


# A question's topic fits in its first few hundred characters; longer query text is cut before tokenizing.
MAX_QUERY_CHARS = 256


def tokenize(text: str) -> list[str]:
    """jieba search-mode words (ASCII lowercased, punctuation dropped) plus bigrams of every CJK run."""
    init_jieba()
    text = unicodedata.normalize("NFKC", text).lower()
    words = [word for word in jieba.cut_for_search(text) if word.strip() and not _NO_WORD.match(word)]
    # Bigrams let a partial or differently segmented word (实训基地 vs 实训 基地) still match.
    bigrams = [run[i : i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)]
    return words + bigrams


class LexicalIndex:
    """A BM25 index over (id, text) entries; scores are raw BM25 (higher is better, 0 = no shared term)."""

    def __init__(
        self, ids: list[str], texts: list[str], user_words: list[str], retriever: bm25s.BM25
    ) -> None:
        self.ids = ids
        self.texts = texts
        self.user_words = user_words
        self._retriever = retriever

    def __len__(self) -> int:
        return len(self.ids)

    @classmethod
    def build(
        cls,
        ids: Sequence[str],
        texts: Sequence[str],
        user_words: Sequence[str] = (),
        cache_dir: Path | None = None,
    ) -> LexicalIndex:
        """Tokenize `texts` (after adding `user_words` to jieba) and build the BM25 index."""
        if len(ids) != len(texts):
            raise ValueError("ids and texts must have the same length")
        if not ids:
            raise ValueError("Cannot build a lexical index over no texts")
        init_jieba(cache_dir)
        add_user_words(user_words)
        retriever = bm25s.BM25()
        retriever.index([tokenize(text) for text in texts], show_progress=False)
        return cls(list(ids), list(texts), sorted(set(user_words)), retriever)

    def search(self, query: str, k: int) -> list[Hit]:
        """The `k` best entries sharing at least one token with `query[:MAX_QUERY_CHARS]`, best first."""
        vocab = self._retriever.vocab_dict
        # jieba is pure Python and holds the GIL: an uncapped 2,000-character query stalls every other request
        token_ids = [vocab[token] for token in tokenize(query[:MAX_QUERY_CHARS]) if token in vocab]
        if not token_ids or k <= 0:
            return []
        scores = np.asarray(self._retriever.get_scores_from_ids(token_ids))
        order = np.argsort(-scores, kind="stable")[:k]
        return [
            Hit(id=self.ids[i], score=float(scores[i]), text=self.texts[i]) for i in order if scores[i] > 0
        ]

    def save(self, directory: Path) -> None:
        """Write ids, texts, user words and the BM25 matrix/vocabulary under `directory`."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(directory / _BM25_DIR), show_progress=False)
        meta = {
            "tokenizer_version": TOKENIZER_VERSION,
            "ids": self.ids,
            "texts": self.texts,
            "user_words": self.user_words,
        }
        (directory / _META_FILE).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path, cache_dir: Path | None = None) -> LexicalIndex:
        """Read an index written by `save`; raises IndexCorruptError naming the directory."""
        directory = Path(directory)
        try:
            meta = json.loads((directory / _META_FILE).read_text(encoding="utf-8"))
            retriever = bm25s.BM25.load(str(directory / _BM25_DIR), show_progress=False)
        except (OSError, ValueError, KeyError) as exc:
            raise IndexCorruptError(f"Lexical index in {directory} cannot be read: {exc}") from exc
        _check_meta(meta, directory, retriever)
        init_jieba(cache_dir)
        add_user_words(meta["user_words"])
        return cls(meta["ids"], meta["texts"], meta["user_words"], retriever)


def _check_meta(meta: object, directory: Path, retriever: bm25s.BM25) -> None:
    """Refuse an index written by another tokenizer version or whose parts disagree."""
    if not isinstance(meta, dict) or not {"tokenizer_version", "ids", "texts", "user_words"} <= meta.keys():
        raise IndexCorruptError(f"Lexical index in {directory} has an invalid {_META_FILE}")
    if meta["tokenizer_version"] != TOKENIZER_VERSION:
        raise IndexCorruptError(
            f"Lexical index in {directory} was built with tokenizer v{meta['tokenizer_version']}, "
            f"this code needs v{TOKENIZER_VERSION}; rebuild the index"
        )
    num_docs = int(retriever.scores["num_docs"])
    if not len(meta["ids"]) == len(meta["texts"]) == num_docs:
        raise IndexCorruptError(f"Lexical index in {directory} is inconsistent: {num_docs} rows vs ids/texts")
