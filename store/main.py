"""FastAPI application factory for the department store."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI
from fastapi.exceptions import RequestValidationError
from sqlalchemy.orm import Session, sessionmaker
from starlette.exceptions import HTTPException as StarletteHTTPException

from store import crud
from store.api.deps import caller_role
from store.api.errors import (
    RejectNul,
    http_error_handler,
    problems,
    validation_error_handler,
)
from store.api.routes import directives, health, outreach, submissions
from store.config import Settings
from store.db import make_engine, migrate, session_factory
from store.services import SearchService
from store.submissions.webhook import Forwarder

log = logging.getLogger("store")


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the app; migrations run and directives load before the first request is served."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        migrate(settings.database_url)
        engine = make_engine(settings.database_url)
        app.state.sessions = session_factory(engine)
        app.state.search = SearchService()
        with app.state.sessions() as session:
            changed = crud.load_directory(session, settings.directives_dir)
            reparsed = crud.reparse_stale(session)
        log.info("store ready: %d directive(s) new or changed, %d re-read", changed, reparsed)
        app.state.forwarder = _start_forwarder(settings, app.state.sessions)
        try:
            yield
        finally:
            if app.state.forwarder is not None:
                app.state.forwarder.stop()
            engine.dispose()

    app = FastAPI(title="Trực Tết store", lifespan=lifespan)
    app.state.settings = settings
    app.include_router(health.router)
    app.include_router(
        directives.router, dependencies=[Depends(caller_role)], responses=problems(401, 422)
    )
    app.include_router(submissions.router)  # each route checks the caller's role itself
    app.include_router(outreach.router)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_middleware(RejectNul)
    return app


def _start_forwarder(settings: Settings, sessions: sessionmaker[Session]) -> Forwarder | None:
    """Forward submissions when DEPARTMENT_WEBHOOK_URL is set; the URL is never logged (credentials)."""
    url = settings.department_webhook_url
    if not url:
        return None
    if not url.startswith(("http://", "https://")) or not settings.department_webhook_secret:
        log.error("DEPARTMENT_WEBHOOK_URL must be http(s) and have a secret; forwarding is off")
        return None
    forwarder = Forwarder(
        sessions,
        url,
        settings.department_webhook_secret,
        timeout=settings.webhook_timeout,
        max_attempts=settings.webhook_max_attempts,
        retry_seconds=settings.webhook_retry_seconds,
    )
    forwarder.start()
    log.info("forwarding submissions to the department webhook")
    return forwarder
