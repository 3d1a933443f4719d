"""Request dependencies: database session, bearer-token check and caller role."""

from __future__ import annotations

import hmac
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated, Literal, NoReturn

from fastapi import Depends, HTTPException, Request, status
from sqlalchemy.orm import Session

from store.db import iter_session
from store.outreach.people import audit_refusal, confirmed_duty_officer, get_profile, is_staff

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


ACTING_RE = re.compile(r"^([a-z0-9_-]{1,30}):([^\x00-\x1f]{1,100})$")
STAFF_ONLY = "Chỉ cán bộ Sở đã được cấp quyền mới dùng được chức năng này."
ADMIN_ONLY = (
    "Chỉ quản trị viên (ADMIN_TELEGRAM_IDS) mới cấp, thu hồi hoặc xem danh sách cán bộ Sở; "
    "cần mã truy cập dịch vụ kèm X-Acting-User của quản trị viên."
)


@dataclass(frozen=True)
class Acting:
    """The chat user a service-token call is made for, as the gateway or the actions name them."""

    channel: str
    user_id: str

    def __str__(self) -> str:
        return f"{self.channel}:{self.user_id}"


def acting_user(request: Request) -> Acting | None:
    """X-Acting-User "<channel>:<id>" ("telegram:123", "console:x"); anything else is nobody."""
    match = ACTING_RE.match(request.headers.get("x-acting-user", "").strip())
    return Acting(match[1], match[2]) if match else None


def is_admin(request: Request, who: Acting | None) -> bool:
    """One of the admins configured for the store (ADMIN_TELEGRAM_IDS, ADMIN_ZALO_IDS)."""
    return who is not None and str(who) in request.app.state.settings.admin_ids


def granted(request: Request, session: Session, who: Acting | None) -> bool:
    """A granted staff member or an admin (admins are staff without needing a grant)."""
    if who is None:
        return False
    return is_admin(request, who) or is_staff(session, who.channel, who.user_id)


def refused(request: Request, session: Session, action: str, detail: str) -> HTTPException:
    """A 403 logged with path, client and acting user (never a token), and audited when the
    caller named a user."""
    who = acting_user(request)
    raw = request.headers.get("x-acting-user", "")
    log.warning(
        "403 %s %s %s from %s acting for %r",
        action,
        request.method,
        request.url.path,
        _client(request),
        raw[:120],
    )
    if who is not None:
        audit_refusal(
            session, who.channel, who.user_id, f"{request.method} {request.url.path}", action
        )
    return HTTPException(status_code=status.HTTP_403_FORBIDDEN, detail=detail)


def staff_caller(request: Request, role: RoleDep, session: SessionDep) -> str:
    """A staff token, or the service token acting for a granted staff member (X-Acting-User).

    The gateway authenticates users; the store still checks the grant itself, so a gateway bug
    cannot turn an enterprise user into staff (a declared role "can_bo_so" grants nothing).
    Returns who acts, for the audit trail.
    """
    if role == "staff":
        return "staff-token"
    who = acting_user(request)
    if granted(request, session, who):
        return str(who)
    raise refused(request, session, "staff_only", STAFF_ONLY)


StaffDep = Annotated[str, Depends(staff_caller)]


def admin_caller(request: Request, role: RoleDep, session: SessionDep) -> Acting:
    """The service token acting for a configured admin: grants name who made them.

    A staff token is refused too: it names nobody, and the audit log must say which admin
    granted or revoked.
    """
    who = acting_user(request)
    if role == "service" and who is not None and is_admin(request, who):
        return who
    raise refused(request, session, "admin_only", ADMIN_ONLY)


AdminDep = Annotated[Acting, Depends(admin_caller)]


# --- personal data: submitters' own records, who is on duty ---------------------------------

OWN_ONLY = (
    "Mã truy cập dịch vụ chỉ xem được hồ sơ của chính người dùng đang hỏi: "
    "cần X-Acting-User (kênh:mã người dùng)."
)
DUTY_ONLY = (
    "Danh sách người đang trực (họ tên, số điện thoại) chỉ dành cho cán bộ trực và cán bộ Sở."
)
UNCONFIRMED = (
    "Sở chưa xác nhận bạn là cán bộ trực của đơn vị này nên chưa hiện họ tên, số điện thoại. "
    "Quyền này mở khi danh sách trực của đơn vị có số điện thoại bạn đã khai báo, "
    "hoặc khi bạn gửi danh sách trực của đơn vị qua trợ lý."
)
NO_ORGANISATION = (
    "Bạn chưa khai báo đơn vị nên chưa xem được người đang trực. Gõ /start để khai báo đơn vị."
)


def own_records(request: Request, role: RoleDep, session: SessionDep) -> Acting | None:
    """Whose records a list shows: everyone's for a staff token (None), else the acting user's.

    The service token is shared by the gateway and the actions; it never reads another
    submitter's records, whatever query parameters it sends.
    """
    if role == "staff":
        return None
    who = acting_user(request)
    if who is None:
        raise refused(request, session, "own_records", OWN_ONLY)
    return who


OwnerDep = Annotated[Acting | None, Depends(own_records)]


@dataclass(frozen=True)
class DutyScope:
    """Whose people on duty a caller may see: every organisation (None), or their own."""

    organisation: str | None = None
    folded: str | None = None


def duty_scope(request: Request, role: RoleDep, session: SessionDep) -> DutyScope:
    """Names and phones of people on duty: staff and admins see all; a duty officer (declared
    at /start and confirmed by the store's own rosters) sees their own organisation; nobody else
    sees any.

    Decided here from the stored grant and profile, never from what a chat message carried.
    """
    who = acting_user(request)
    if role == "staff" or granted(request, session, who):
        return DutyScope()
    profile = get_profile(session, who.channel, who.user_id) if who else None
    if profile is None or profile.declared_role != "can_bo_truc":
        raise refused(request, session, "personal_data", DUTY_ONLY)
    if not profile.organisation_folded:
        raise refused(request, session, "personal_data", NO_ORGANISATION)
    if not confirmed_duty_officer(session, profile):
        raise refused(request, session, "personal_data", UNCONFIRMED)
    return DutyScope(profile.organisation, profile.organisation_folded)


DutyDep = Annotated[DutyScope, Depends(duty_scope)]
