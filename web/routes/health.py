"""Liveness and readiness probes; they never wait for the thread pool that answers questions."""

from __future__ import annotations

from collections.abc import Callable

import anyio
from fastapi import APIRouter, Request

from assistant.service import PolicyQAService
from vectorstore.errors import PolicyQAError
from web.deps import StateDep
from web.errors import UNAVAILABLE, ServiceUnavailableError
from web.routes.common import error_doc
from web.schemas import HealthOut, ReadyOut

router = APIRouter(tags=["health"])

READY_TIMEOUT_S = 5.0
# Readiness checks touch the store, which can hang (a stopped Chroma server): they get their own few
# threads, so a hung store neither starves them nor lets them starve the answers.
PROBE_THREADS = 2


def _probe_limiter(request: Request) -> anyio.CapacityLimiter:
    """The app's probe thread limiter (made on first use, inside the server's event loop)."""
    limiter: anyio.CapacityLimiter | None = getattr(request.app.state, "probe_threads", None)
    if limiter is None:
        limiter = anyio.CapacityLimiter(PROBE_THREADS)
        request.app.state.probe_threads = limiter
    return limiter


@router.get("/healthz", response_model=HealthOut, summary="Liveness")
async def healthz() -> HealthOut:
    """Always 200 while the process serves requests (runs on the event loop, no thread needed)."""
    return HealthOut()


@router.get(
    "/readyz",
    response_model=ReadyOut,
    responses={503: error_doc("Index missing or vector store unavailable")},
    summary="Readiness",
)
async def readyz(state: StateDep, request: Request) -> ReadyOut:
    """200 when the index is loaded and the store answers within a few seconds; 503 with the reason otherwise."""
    with anyio.move_on_after(READY_TIMEOUT_S):
        version = await anyio.to_thread.run_sync(
            _check_ready, state.holder.get, abandon_on_cancel=True, limiter=_probe_limiter(request)
        )
        return ReadyOut(index_version=version)
    raise ServiceUnavailableError(f"the index or vector store did not answer within {READY_TIMEOUT_S:g} s")


def _check_ready(get_service: Callable[[], PolicyQAService]) -> str:
    """Load the service and ask its store for a count; return the index version."""
    service = get_service()
    try:
        service.check_ready()
    except UNAVAILABLE:
        raise
    except PolicyQAError as exc:
        raise ServiceUnavailableError(str(exc)) from exc
    return service.index_version
