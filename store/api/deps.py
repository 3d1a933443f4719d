"""Request dependencies: database session and bearer-token check."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session

from store.db import iter_session

log = logging.getLogger("store.auth")


def get_session(request: Request) -> Iterator[Session]:
    yield from iter_session(request.app.state.sessions)


def require_token(request: Request) -> None:
    """Every /api/ route needs the store token; failures are logged without the token itself."""
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    expected: str = request.app.state.settings.api_token
    if scheme.lower() == "bearer" and presented and hmac.compare_digest(presented, expected):
        return
    client = request.client.host if request.client else "?"
    reason = "missing" if not header else "invalid"
    log.warning("401 %s token for %s %s from %s", reason, request.method, request.url.path, client)
    raise HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Cần mã truy cập hợp lệ (Authorization: Bearer …).",
        headers={"WWW-Authenticate": "Bearer"},
    )


SessionDep = Annotated[Session, Depends(get_session)]
