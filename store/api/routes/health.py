"""Liveness and readiness: the stack's start-up waits on this."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import func, select

from store.api.deps import SessionDep
from store.models import Directive
from store.schemas import Health

router = APIRouter()


@router.get("/health", response_model=Health)
def health(session: SessionDep) -> Health:
    count = session.scalar(select(func.count()).select_from(Directive)) or 0
    return Health(status="ok", database="ok", directives=count)
