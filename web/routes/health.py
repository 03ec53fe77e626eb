"""Liveness and readiness probes."""

from __future__ import annotations

from fastapi import APIRouter

from vectorstore.errors import PolicyQAError
from web.deps import StateDep
from web.errors import UNAVAILABLE, ServiceUnavailableError
from web.routes.common import error_doc
from web.schemas import HealthOut, ReadyOut

router = APIRouter(tags=["health"])


@router.get("/healthz", response_model=HealthOut, summary="Liveness")
def healthz() -> HealthOut:
    """Always 200 while the process serves requests."""
    return HealthOut()


@router.get(
    "/readyz",
    response_model=ReadyOut,
    responses={503: error_doc("Index missing or vector store unavailable")},
    summary="Readiness",
)
def readyz(state: StateDep) -> ReadyOut:
    """200 when the index is loaded and the store answers; 503 with the reason otherwise."""
    service = state.holder.get()
    try:
        service.check_ready()
    except UNAVAILABLE:
        raise
    except PolicyQAError as exc:
        raise ServiceUnavailableError(str(exc)) from exc
    return ReadyOut(index_version=service.index_version)
