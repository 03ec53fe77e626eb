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
from web.deps import AppState, ServiceFactory, ServiceHolder, enforce_rate_limit, require_api_key
from web.errors import install_error_handlers
from web.limits import BodyLimitMiddleware
from web.routes import feedback, health, openai_compat, policy
from web.sessions import StoreHolder
from web.ui import CSS, build_ui

logger = logging.getLogger(__name__)

DESCRIPTION = """Citation-grounded answers about the Jiulongpo District 2021 business-environment plan.

Errors always have the shape `{"detail": {"code": "...", "message": "..."}}`.
Set `Authorization: Bearer <key>` on /v1/* when the server has an API key."""


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
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type"],
        )
    guarded = [Depends(enforce_rate_limit), Depends(require_api_key)]
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
    theme = gr.themes.Soft(font=["system-ui", "Noto Sans CJK SC", "sans-serif"], font_mono=["monospace"])
    gr.mount_gradio_app(
        app, blocks, path="/", theme=theme, css=CSS, footer_links=[], ssr_mode=False, show_error=False
    )
