"""Helpers shared by the API routes: question checks, conversions and documented error responses."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BeforeValidator

from assistant.config import Settings
from assistant.models import Answer, Citation
from assistant.question_input import screen_question
from web.schemas import AskResponse, CitationOut, ErrorResponse


def _plain_digits(value: object) -> object:
    """Path numbers are written with ASCII digits only: `34.0`, `+34` or `３４` are not task 34."""
    if isinstance(value, str) and not (value.isascii() and value.isdigit() and len(value) <= 6):
        raise ValueError("must be a whole number written with the digits 0-9")
    return value


RecordNo = Annotated[int, BeforeValidator(_plain_digits)]


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
    """Return the stripped question; raise InvalidQuestionError (empty, too long, unreadable)."""
    return screen_question(question, settings.max_question_chars)


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
