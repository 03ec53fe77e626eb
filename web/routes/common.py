"""Helpers shared by the API routes: question checks, conversions and documented error responses."""

from __future__ import annotations

from typing import Any

from assistant.config import Settings
from assistant.models import Answer, Citation
from vectorstore.errors import InvalidQuestionError
from web.schemas import AskResponse, CitationOut, ErrorResponse


def error_doc(description: str) -> dict[str, Any]:
    """Return an OpenAPI `responses` entry documenting the error shape."""
    return {"model": ErrorResponse, "description": description}


AUTH_ERRORS: dict[int | str, dict[str, Any]] = {
    401: error_doc("Missing or invalid API key"),
    422: error_doc("Invalid request (the body or a parameter failed validation)"),
    429: error_doc("Rate limit exceeded (see Retry-After)"),
}
SERVICE_ERRORS: dict[int | str, dict[str, Any]] = {
    **AUTH_ERRORS,
    503: error_doc("Index missing or vector store unavailable"),
}
QUESTION_ERRORS: dict[int | str, dict[str, Any]] = {
    **SERVICE_ERRORS,
    413: error_doc("Request body too large"),
    422: error_doc("Invalid request or question (empty, too long)"),
}


def check_question(question: str, settings: Settings) -> str:
    """Return the stripped question; raise InvalidQuestionError when empty or too long."""
    text = question.strip()
    if not text:
        raise InvalidQuestionError("The question is empty.")
    if len(text) > settings.max_question_chars:
        raise InvalidQuestionError(
            f"The question has {len(text)} characters; the limit is {settings.max_question_chars}."
        )
    return text


def to_citations_out(citations: list[Citation]) -> list[CitationOut]:
    """Convert the service's citations to the API schema."""
    return [CitationOut.model_validate(citation.model_dump()) for citation in citations]


def to_ask_response(answer: Answer, session_id: str | None) -> AskResponse:
    """Convert the service's Answer to the /v1/ask response."""
    return AskResponse(
        answer=answer.answer,
        citations=to_citations_out(answer.citations),
        refused=answer.refused,
        language=answer.language,
        intent=answer.intent,
        timings=answer.timings,
        index_version=answer.index_version,
        session_id=session_id,
    )
