"""The FastAPI application: the REST and OpenAI-compatible API plus the Gradio UI at "/"."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import gradio as gr
from fastapi import Depends, FastAPI
from fastapi.middleware.cors import CORSMiddleware

from assistant.config import Settings
from assistant.service import PolicyQAService, build_service
from web.auth import AuthMiddleware
from web.deps import AppState, ServiceFactory, ServiceHolder, require_api_key
from web.errors import StoreFaultMiddleware, install_error_handlers
from web.limits import BodyLimitMiddleware, ClientLimitMiddleware
from web.routes import feedback, health, openai_compat, policy
from web.sessions import StoreHolder
from web.ui import CSS, build_ui

logger = logging.getLogger(__name__)
UI_QUEUE_SIZE = 64
UI_CONCURRENCY = 2
MAX_UI_FILE_BYTES = 1

DESCRIPTION = """Citation-grounded answers about the Jiulongpo District 2021 business-environment plan.

Errors always have the shape `{"detail": {"code": "...", "message": "..."}}`.
When the server has an API key, every route but /healthz, /readyz and /login needs
`Authorization: Bearer <key>` (or the session cookie the /login form sets), this page included."""


def create_app(
    settings: Settings,
    service: PolicyQAService | None = None,
    *,
    service_factory: ServiceFactory = build_service,
    mount_ui: bool = True,
) -> FastAPI:
    """Build the app; without `service` it is built once at start-up (or lazily, when the index appears)."""
    holder = ServiceHolder(settings, service, service_factory)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(holder.start)
        await anyio.to_thread.run_sync(state.store.start)
        yield
        state.store.close()

    app = FastAPI(
        title="policyqa",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
    )
    state = AppState(settings, holder)
    app.state.policyqa = state
    install_error_handlers(app)
    # Outermost last: CORS preflight, then the key (before any body is read), then the per-client limits.
    app.add_middleware(StoreFaultMiddleware)
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    app.add_middleware(ClientLimitMiddleware, limiter=state.limiter, concurrency=state.concurrency)
    app.add_middleware(AuthMiddleware, api_key=settings.api_key, login_limiter=state.limiter)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
        )
    guarded = [Depends(require_api_key)]  # the middlewares check first; this documents 401 per route
    app.include_router(health.router)
    app.include_router(policy.router, dependencies=guarded)
    app.include_router(openai_compat.router, dependencies=guarded)
    app.include_router(feedback.router, dependencies=guarded)
    if mount_ui:
        _mount_ui(app, holder, settings, state.store)
    return app


def _mount_ui(app: FastAPI, holder: ServiceHolder, settings: Settings, store: StoreHolder) -> None:
    """Mount the Gradio UI at "/" (after the API routes, which therefore take precedence)."""
    blocks = build_ui(holder.get, settings, store)
    # Bounded queue: a flood of UI events is refused instead of piling up (each event runs one at a time).
    blocks.queue(max_size=UI_QUEUE_SIZE, default_concurrency_limit=UI_CONCURRENCY)
    theme = gr.themes.Soft(font=["system-ui", "Noto Sans CJK SC", "sans-serif"], font_mono=["monospace"])
    gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        theme=theme,
        css=CSS,
        footer_links=[],
        ssr_mode=False,
        show_error=False,
        max_file_size=MAX_UI_FILE_BYTES,  # uploads are refused by AuthMiddleware; this is a second fence
        mcp_server=False,
    )
