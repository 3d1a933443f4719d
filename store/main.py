"""FastAPI application factory for the department store."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, FastAPI

from store import crud
from store.api.deps import require_token
from store.api.routes import directives, health
from store.config import Settings
from store.db import make_engine, migrate, session_factory
from store.services import SearchService

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
        log.info("store ready: %d directive(s) new or changed", changed)
        yield
        engine.dispose()

    app = FastAPI(title="Trực Tết store", lifespan=lifespan)
    app.state.settings = settings
    app.include_router(health.router)
    app.include_router(directives.router, dependencies=[Depends(require_token)])
    return app
