"""Run the app with uvicorn (called by `policyqa serve`)."""

from __future__ import annotations

import logging

import uvicorn

from assistant.config import Settings
from web.app import create_app

logger = logging.getLogger(__name__)


def serve(settings: Settings, host: str | None = None, port: int | None = None) -> None:
    """Serve the API and UI on host:port (default: settings.host / settings.port) until interrupted."""
    bind_host = host or settings.host
    bind_port = port or settings.port
    logger.info("serving policyqa on http://%s:%d (API docs at /docs)", bind_host, bind_port)
    trusted = ",".join(settings.trusted_proxies)
    uvicorn.run(
        create_app(settings),
        host=bind_host,
        port=bind_port,
        log_level="info",
        # X-Forwarded-For only from configured proxies: uvicorn's default trusts loopback, which would let
        # any local client pick its own address and so dodge the per-client limits
        proxy_headers=bool(trusted),
        forwarded_allow_ips=trusted,
    )
