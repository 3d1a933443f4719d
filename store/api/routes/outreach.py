"""The gateway's API: profiles, staff, audit, subscriptions, broadcasts, outbox, reminders, stats.

Every route needs a token; routes that show or send to many people (drafting, confirming and
cancelling broadcasts, statistics, the pending list, exports, the audit log) are staff-only: a
staff token, or the service token acting for a granted staff member (X-Acting-User). Granting,
revoking and listing staff is for admins only: the service token acting for a configured admin.
Reading a broadcast, listing those in progress, setting its progress message and the chats that
alerts go to need only the service token: the gateway's workers do that on their own, for nobody
in particular.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from sqlalchemy.orm import Session

from store.api.deps import AdminDep, RoleDep, SessionDep, StaffDep
from store.api.errors import file_response, problems
from store.api.routes.submissions import FiltersDep
from store.outreach import delivery, organisations, people, progress, reminders, stats
from store.outreach.people import NotFound, OutreachError
from store.outreach.schemas import (
    AuditIn,
    AuditOut,
    BroadcastIn,
    BroadcastOut,
    BroadcastPatch,
    BroadcastStatus,
    ChannelIn,
    ClaimIn,
    OrganisationOut,
    OrganisationsIn,
    OrganisationsLoaded,
    OutboxIn,
    OutboxItemOut,
    ProfileIn,
    ProfileOut,
    ReminderOut,
    ResultIn,
    ResultsIn,
    RunIn,
    StaffChatOut,
    StaffIn,
    StaffOut,
    SubscriptionIn,
    SubscriptionOut,
)
from store.submissions import crud as submissions_crud
from store.submissions import exports
from store.submissions.schemas import MAX_ROW_ID, LocalDateTime
from vntext.organisation_table import Listed
from vntext.timefmt import now

router = APIRouter(prefix="/api", tags=["outreach"], responses=problems(401, 422))
Channel = Annotated[str, Query(pattern=r"^[a-z0-9_-]{1,30}$")]
ChannelPath = Annotated[str, Path(pattern=r"^[a-z0-9_-]{1,30}$")]
IdPath = Annotated[str, Path(min_length=1, max_length=100)]
RowIdPath = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
STAFF_ROUTE = problems(403)
FOUND = problems(404)
BROADCAST = problems(403, 404, 409)
SETTLED = problems(404, 409)


def _http(error: Exception) -> HTTPException:
    if isinstance(error, NotFound):
        return HTTPException(status_code=404, detail=str(error))
    if isinstance(error, delivery.Conflict):
        return HTTPException(status_code=409, detail=str(error))
    return HTTPException(status_code=422, detail=str(error))


def _province(name: str | None) -> str | None:
    try:
        return people.current_province(name)
    except OutreachError as error:
        raise _http(error) from error


# --- profiles and staff ---------------------------------------------------------------------


@router.put("/profiles/{channel}/{user_id}", response_model=ProfileOut)
def put_profile(
    session: SessionDep, _role: RoleDep, channel: ChannelPath, user_id: IdPath, body: ProfileIn
) -> ProfileOut:
    try:
        profile = people.upsert_profile(session, channel, user_id, body)
    except OutreachError as error:
        session.rollback()
        raise _http(error) from error
    return people.profile_out(session, profile)


@router.get("/profiles/{channel}/{user_id}", response_model=ProfileOut, responses=FOUND)
def get_profile(
    session: SessionDep, _role: RoleDep, channel: ChannelPath, user_id: IdPath
) -> ProfileOut:
    profile = people.get_profile(session, channel, user_id)
    if profile is None:
        raise HTTPException(status_code=404, detail="Chưa có hồ sơ của người dùng này.")
    return people.profile_out(session, profile)


@router.get("/profiles", response_model=list[ProfileOut])
def find_profiles(
    session: SessionDep,
    _role: RoleDep,
    channel: Channel,
    username: Annotated[str, Query(max_length=100)],
) -> list[ProfileOut]:
    return [
        people.profile_out(session, p) for p in people.profiles_named(session, channel, username)
    ]


@router.put("/staff/{channel}/{user_id}", response_model=StaffOut, responses=STAFF_ROUTE)
def put_staff(
    session: SessionDep,
    admin: AdminDep,
    channel: ChannelPath,
    user_id: IdPath,
    body: StaffIn | None = None,
) -> StaffOut:
    """Grant staff rights; the store records the acting admin, whatever the body says."""
    return people.grant(session, channel, user_id, admin.channel, admin.user_id)


@router.delete(
    "/staff/{channel}/{user_id}",
    status_code=204,
    response_class=Response,
    responses=problems(403, 404),
)
def delete_staff(
    session: SessionDep, admin: AdminDep, channel: ChannelPath, user_id: IdPath
) -> Response:
    try:
        people.revoke(session, channel, user_id, admin.channel, admin.user_id)
    except NotFound as error:
        raise _http(error) from error
    return Response(status_code=204)


@router.get("/staff", response_model=list[StaffOut], responses=STAFF_ROUTE)
def get_staff(
    session: SessionDep,
    _admin: AdminDep,
    channel: Annotated[str | None, Query(max_length=30)] = None,
) -> list[StaffOut]:
    """Who is staff, who granted it and when (admins only)."""
    return people.list_staff(session, channel)


@router.get("/staff/chats", response_model=list[StaffChatOut])
def get_staff_chats(session: SessionDep, _role: RoleDep, channel: Channel) -> list[StaffChatOut]:
    """Staff of a channel with their chats, and nothing else: the gateway pushes severe
    incidents there and recognises staff who never sent /start."""
    return [
        StaffChatOut(user_id=s.user_id, chat_id=s.chat_id)
        for s in people.list_staff(session, channel)
    ]


@router.post("/organisations", response_model=OrganisationsLoaded, responses=STAFF_ROUTE)
def post_organisations(
    session: SessionDep, _staff: StaffDep, body: OrganisationsIn
) -> OrganisationsLoaded:
    """The department's list of who must report; /stats and /pending count against it."""
    try:
        rows = [
            Listed(o.name, o.province, organisations.sector_key(o.sector))
            for o in body.organisations
        ]
        added, known = organisations.load(session, rows)
    except OutreachError as error:
        session.rollback()
        raise _http(error) from error
    return OrganisationsLoaded(added=added, known=known)


@router.get("/organisations", response_model=list[OrganisationOut], responses=STAFF_ROUTE)
def get_organisations(
    session: SessionDep,
    _staff: StaffDep,
    province: Annotated[str | None, Query(max_length=100)] = None,
) -> list[OrganisationOut]:
    return [
        OrganisationOut.model_validate(o) for o in progress.expected(session, _province(province))
    ]


@router.post("/audit", status_code=201, response_model=AuditOut)
def post_audit(session: SessionDep, _role: RoleDep, body: AuditIn) -> AuditOut:
    entry = people.add_audit(session, body)
    session.commit()
    return AuditOut.model_validate(entry)


@router.get("/audit", response_model=list[AuditOut], responses=STAFF_ROUTE)
def get_audit(
    session: SessionDep, _staff: StaffDep, limit: Annotated[int, Query(ge=1, le=5000)] = 500
) -> list[AuditOut]:
    return [AuditOut.model_validate(entry) for entry in people.list_audit(session, limit)]


# --- subscriptions --------------------------------------------------------------------------


@router.put("/subscriptions/{channel}/{chat_id}", response_model=SubscriptionOut)
def put_subscription(
    session: SessionDep, _role: RoleDep, channel: ChannelPath, chat_id: IdPath, body: SubscriptionIn
) -> SubscriptionOut:
    try:
        return SubscriptionOut.model_validate(people.subscribe(session, channel, chat_id, body))
    except OutreachError as error:
        session.rollback()
        raise _http(error) from error


@router.delete(
    "/subscriptions/{channel}/{chat_id}", response_model=SubscriptionOut, responses=FOUND
)
def delete_subscription(
    session: SessionDep,
    _role: RoleDep,
    channel: ChannelPath,
    chat_id: IdPath,
    reason: Literal["user", "blocked"] = "user",
) -> SubscriptionOut:
    try:
        return SubscriptionOut.model_validate(people.unsubscribe(session, channel, chat_id, reason))
    except NotFound as error:
        raise _http(error) from error


@router.get("/subscriptions/{channel}/{chat_id}", response_model=SubscriptionOut, responses=FOUND)
def get_subscription(
    session: SessionDep, _role: RoleDep, channel: ChannelPath, chat_id: IdPath
) -> SubscriptionOut:
    subscription = people.get_subscription(session, channel, chat_id)
    if subscription is None:
        raise HTTPException(
            status_code=404, detail="Cuộc trò chuyện này chưa đăng ký nhận thông báo."
        )
    return SubscriptionOut.model_validate(subscription)


# --- broadcasts -----------------------------------------------------------------------------


def _broadcast_call(session: Session, action: Any, *args: Any) -> BroadcastOut:
    try:
        broadcast = action(session, *args)
    except (OutreachError, NotFound, delivery.Conflict) as error:
        session.rollback()
        raise _http(error) from error
    return delivery.broadcast_out(session, broadcast)


@router.post("/broadcasts", status_code=201, response_model=BroadcastOut, responses=BROADCAST)
def post_broadcast(session: SessionDep, _staff: StaffDep, body: BroadcastIn) -> BroadcastOut:
    """A draft with its recipient count: the preview staff confirm."""
    return _broadcast_call(session, delivery.draft, body)


@router.get("/broadcasts/{broadcast_id}", response_model=BroadcastOut, responses=FOUND)
def get_broadcast(session: SessionDep, _role: RoleDep, broadcast_id: RowIdPath) -> BroadcastOut:
    """Status and delivery counts (the gateway edits its progress message from these)."""
    return _broadcast_call(session, delivery.get_broadcast, broadcast_id)


@router.patch("/broadcasts/{broadcast_id}", response_model=BroadcastOut, responses=SETTLED)
def patch_broadcast(
    session: SessionDep, _role: RoleDep, broadcast_id: RowIdPath, body: BroadcastPatch
) -> BroadcastOut:
    """Remember the progress message, so a restarted gateway keeps editing the same one."""
    return _broadcast_call(session, delivery.set_progress, broadcast_id, body.progress_message_id)


@router.post("/broadcasts/{broadcast_id}/confirm", response_model=BroadcastOut, responses=BROADCAST)
def confirm_broadcast(
    session: SessionDep, _staff: StaffDep, broadcast_id: RowIdPath
) -> BroadcastOut:
    """One outbox row per recipient (recomputed now); confirming twice queues nothing more."""
    return _broadcast_call(session, delivery.confirm, broadcast_id)


@router.post("/broadcasts/{broadcast_id}/cancel", response_model=BroadcastOut, responses=BROADCAST)
def cancel_broadcast(
    session: SessionDep, _staff: StaffDep, broadcast_id: RowIdPath
) -> BroadcastOut:
    """Drafts only: once confirmed, a broadcast is on its way."""
    return _broadcast_call(session, delivery.cancel, broadcast_id)


@router.get("/broadcasts", response_model=list[BroadcastOut])
def list_broadcasts(
    session: SessionDep, _role: RoleDep, status: BroadcastStatus | None = "sending"
) -> list[BroadcastOut]:
    """Broadcasts in one status, oldest first (default "sending": what a restarted gateway
    resumes showing progress for)."""
    return [delivery.broadcast_out(session, b) for b in delivery.sending(session, status)]


# --- the outbox -----------------------------------------------------------------------------


@router.post("/outbox", status_code=201)
def post_outbox(session: SessionDep, _role: RoleDep, body: OutboxIn) -> dict[str, int]:
    """Queue messages; one already queued for that chat under that dedupe_key is skipped."""
    queued, duplicates = delivery.enqueue(session, body.items)
    return {"queued": queued, "duplicates": duplicates}


@router.post("/outbox/claim", response_model=list[OutboxItemOut])
def claim(session: SessionDep, _role: RoleDep, body: ClaimIn) -> list[OutboxItemOut]:
    """Up to limit due rows, now "sending"; no row is ever given to two claimers."""
    return delivery.claim(session, body.channel, body.limit)


def _record(
    request: Request, session: SessionDep, results: list[tuple[int, ResultIn]]
) -> list[OutboxItemOut]:
    attempts = request.app.state.settings.outbox_max_attempts
    try:
        return delivery.record_results(session, results, attempts)
    except (NotFound, delivery.Conflict) as error:
        raise _http(error) from error


@router.post("/outbox/{item_id}/result", response_model=OutboxItemOut, responses=SETTLED)
def post_result(
    request: Request, session: SessionDep, _role: RoleDep, item_id: RowIdPath, body: ResultIn
) -> OutboxItemOut:
    """sent | blocked (the chat is unsubscribed) | failed | retry (again after retry_after
    seconds; failed after OUTBOX_MAX_ATTEMPTS). Only a row being sent takes a result (else 409)."""
    return _record(request, session, [(item_id, body)])[0]


@router.post("/outbox/results", response_model=list[OutboxItemOut], responses=SETTLED)
def post_results(
    request: Request, session: SessionDep, _role: RoleDep, body: ResultsIn
) -> list[OutboxItemOut]:
    """Several results at once, all or nothing (an unknown or settled row refuses the batch)."""
    return _record(request, session, [(entry.id, entry) for entry in body.results])


@router.post("/outbox/recover")
def recover(session: SessionDep, _role: RoleDep, body: ChannelIn) -> dict[str, int]:
    """At gateway start-up: rows a crash left "sending" become "uncertain" (never resent)."""
    return {"uncertain": delivery.recover(session, body.channel)}


# --- reminders ------------------------------------------------------------------------------


def _offsets(request: Request) -> list[Any]:
    try:
        return reminders.parse_offsets(request.app.state.settings.reminder_offsets)
    except ValueError as error:
        raise HTTPException(status_code=500, detail=str(error)) from error


def _moment(at: datetime | None) -> datetime:
    """The given instant (already in Vietnam time when it had no offset), else the store's clock."""
    return now() if at is None else at


def _due_out(due: reminders.Due) -> ReminderOut:
    return ReminderOut(
        deadline_id=due.deadline.id,
        offset_label=due.label,
        fire_at=due.fire_at,
        due_at=due.deadline.due_at,
        province=due.directive.province,
        what=due.deadline.what,
    )


@router.get("/reminders/upcoming", response_model=list[ReminderOut])
def upcoming(
    request: Request,
    session: SessionDep,
    _role: RoleDep,
    at: Annotated[LocalDateTime | None, Query(alias="now")] = None,
) -> list[ReminderOut]:
    """Reminders still to fire (fire_at > now, deadline ahead, not yet run), soonest first."""
    moment = _moment(at)
    return [_due_out(due) for due in reminders.upcoming(session, _offsets(request), moment)]


@router.post("/reminders/run")
def run_reminders(
    request: Request, session: SessionDep, _role: RoleDep, body: RunIn
) -> dict[str, Any]:
    """Queue every reminder due now, once each; safe to call again at any time."""
    runs, queued = reminders.run(session, _offsets(request), _moment(body.now))
    shown = [
        {"deadline_id": r.deadline_id, "offset_label": r.offset_label, "enqueued": r.enqueued}
        for r in runs
    ]
    return {"runs": shown, "enqueued": queued}


# --- statistics and export ------------------------------------------------------------------


@router.get("/stats", responses=STAFF_ROUTE)
def get_stats(
    session: SessionDep,
    _staff: StaffDep,
    province: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    return stats.stats(session, _province(province))


@router.get("/pending", responses=STAFF_ROUTE)
def get_pending(
    session: SessionDep,
    _staff: StaffDep,
    province: Annotated[str | None, Query(max_length=100)] = None,
    kind: Literal["results", "roster"] = "results",
) -> list[dict[str, Any]]:
    return stats.pending(session, _province(province), kind)


@router.get(
    "/export",
    response_class=Response,
    responses=file_response(exports.XLSX_MEDIA_TYPE) | STAFF_ROUTE,
)
def export_all(
    session: SessionDep,
    _staff: StaffDep,
    filters: FiltersDep,
    _fmt: Annotated[Literal["xlsx"], Query(alias="format")] = "xlsx",
) -> Response:
    """One workbook: duty rosters, incidents and results reports (filtered like the lists)."""
    everything = dataclasses.replace(filters, limit=None, offset=0)
    sheets = [
        ("Danh sách trực", exports.roster_table(submissions_crud.list_roster(session, everything))),
        ("Sự cố", exports.incidents_table(submissions_crud.list_incidents(session, everything))),
        (
            "Báo cáo kết quả",
            exports.results_table(submissions_crud.list_results(session, everything)),
        ),
    ]
    stamp = f"{now():%Y%m%d-%H%M}"
    return Response(
        exports.to_workbook(sheets),
        media_type=exports.XLSX_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="truc-tet-{stamp}.xlsx"'},
    )
