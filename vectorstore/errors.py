"""The project's error hierarchy; defined in the lowest layer so every package can raise and catch it."""

from __future__ import annotations


class PolicyQAError(Exception):
    """Base of every error this project raises on purpose."""

    code = "error"


class ConfigurationError(PolicyQAError):
    """A setting is missing or invalid."""

    code = "configuration_error"


class SourceError(PolicyQAError):
    """The source document failed to read or validate; nothing was written."""

    code = "source_error"

    def __init__(self, message: str, *, line: int | None = None, row: int | None = None) -> None:
        where = []
        if row is not None:
            where.append(f"row {row}")
        if line is not None:
            where.append(f"line {line}")
        super().__init__(f"{message} ({', '.join(where)})" if where else message)
        self.line = line
        self.row = row


class IndexNotFoundError(PolicyQAError):
    """No index has been built yet at the configured location."""

    code = "index_not_found"


class IndexCorruptError(PolicyQAError):
    """The index directory exists but cannot be loaded."""

    code = "index_corrupt"


class IndexBusyError(PolicyQAError):
    """Another ingest holds the index directory's build lock."""

    code = "index_busy"


class StoreUnavailableError(PolicyQAError):
    """The vector store (e.g. a Chroma server) cannot be reached."""

    code = "store_unavailable"


class EmbeddingError(PolicyQAError):
    """The embedding model failed to load or run."""

    code = "embedding_error"


class InvalidQuestionError(PolicyQAError):
    """The question is empty, too long or unreadable."""

    code = "invalid_question"


class LLMError(PolicyQAError):
    """The optional LLM endpoint failed or answered unusably."""

    code = "llm_error"
