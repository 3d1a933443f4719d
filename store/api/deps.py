"""Request dependencies: database session, bearer-token check and caller role."""

from __future__ import annotations

import hmac
import logging
from collections.abc import Iterator
from typing import Annotated, Literal, NoReturn

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session

from store.db import iter_session
from store.outreach.people import audit_refusal, is_staff

log = logging.getLogger("store.auth")


def get_session(request: Request) -> Iterator[Session]:
    yield from iter_session(request.app.state.sessions)


def _presented(request: Request) -> str:
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    return presented.strip() if scheme.lower() == "bearer" else ""


def _same(presented: str, expected: str) -> bool:
    """Constant-time comparison on bytes (a str with non-ASCII characters would raise)."""
    return bool(presented) and hmac.compare_digest(presented.encode(), expected.encode())


def _client(request: Request) -> str:
    return request.client.host if request.client else "?"


def _refuse(request: Request) -> NoReturn:
    header = request.headers.get("authorization", "")
    client = _client(request)
    reason = "missing" if not header else "invalid"
    log.warning("401 %s token for %s %s from %s", reason, request.method, request.url.path, client)
    raise HTTPException(
        status_code=status.HTTP_401_UNAUTHORIZED,
        detail="Cần mã truy cập hợp lệ (Authorization: Bearer …).",
        headers={"WWW-Authenticate": "Bearer"},
    )


SessionDep = Annotated[Session, Depends(get_session)]


Role = Literal["service", "staff"]


def caller_role(request: Request) -> Role:
    """Who is calling: the service token (actions, gateway) or a department staff token.

    Every staff token is compared (constant time each) so timing does not reveal which matched.
    """
    presented = _presented(request)
    settings = request.app.state.settings
    staff = False
    for token in settings.staff_tokens:
        staff |= _same(presented, token)
    if staff:
        return "staff"
    if _same(presented, settings.api_token):
        return "service"
    _refuse(request)


def forbid(request: Request, detail: str) -> HTTPException:
    """A 403 for a valid token that may not do this; logged with path and client only."""
    log.warning("403 for %s %s from %s", request.method, request.url.path, _client(request))
    return HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail=detail)


RoleDep = Annotated[Role, Depends(caller_role)]


def staff_caller(request: Request, role: RoleDep, session: SessionDep) -> str:
    """A staff token, or the service token acting for a granted staff member (X-Acting-User).

    The gateway authenticates users; the store still checks the grant itself, so a gateway bug
    cannot turn an enterprise user into staff (a declared role "can_bo_so" grants nothing).
    Returns who acts, for the audit trail. A refusal is logged with the path, the client and the
    acting user (never a token) and, when a user was named, written to the audit log.
    """
    if role == "staff":
        return "staff-token"
    acting = request.headers.get("x-acting-user", "").strip()
    channel, _, user_id = acting.partition(":")
    if channel and user_id and is_staff(session, channel, user_id):
        return acting
    log.warning(
        "403 staff-only %s %s from %s acting for %r",
        request.method,
        request.url.path,
        _client(request),
        acting[:120],
    )
    if channel and user_id:
        audit_refusal(session, channel, user_id, f"{request.method} {request.url.path}")
    raise HTTPException(
        status_code=status.HTTP_403_FORBIDDEN,
        detail="Chỉ cán bộ Sở đã được cấp quyền mới dùng được chức năng này.",
    )


StaffDep = Annotated[str, Depends(staff_caller)]
