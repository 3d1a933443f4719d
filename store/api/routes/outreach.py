"""The gateway's API: profiles, staff, audit, subscriptions, broadcasts, outbox, reminders, stats.

Every route needs a token; routes that show or send to many people (drafting, confirming and
cancelling broadcasts, statistics, the pending list, exports, the audit log) are staff-only: a
staff token, or the service token acting for a granted staff member (X-Acting-User). Reading a
broadcast, listing those in progress and setting its progress message need only the service
token: the gateway's outbox worker does that on its own, for nobody in particular.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response
from sqlalchemy.orm import Session

from store.api.deps import RoleDep, SessionDep, StaffDep
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
    StaffIn,
    StaffOut,
    SubscriptionIn,
    SubscriptionOut,
)
from store.submissions import crud as submissions_crud
from store.submissions import exports
from vntext.timefmt import VN_TZ, now

router = APIRouter(prefix="/api", tags=["outreach"])
Channel = Annotated[str, Query(pattern=r"^[a-z0-9_-]{1,30}$")]
ChannelPath = Annotated[str, Path(pattern=r"^[a-z0-9_-]{1,30}$")]
IdPath = Annotated[str, Path(min_length=1, max_length=100)]


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


@router.get("/profiles/{channel}/{user_id}", response_model=ProfileOut)
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


@router.put("/staff/{channel}/{user_id}", response_model=StaffOut)
def put_staff(
    session: SessionDep, _role: RoleDep, channel: ChannelPath, user_id: IdPath, body: StaffIn
) -> StaffOut:
    return people.grant(session, channel, user_id, body.granted_by)


@router.delete("/staff/{channel}/{user_id}", status_code=204)
def delete_staff(
    session: SessionDep, _role: RoleDep, channel: ChannelPath, user_id: IdPath
) -> Response:
    try:
        people.revoke(session, channel, user_id)
    except NotFound as error:
        raise _http(error) from error
    return Response(status_code=204)


@router.get("/staff", response_model=list[StaffOut])
def get_staff(
    session: SessionDep, _role: RoleDep, channel: Annotated[str | None, Query(max_length=30)] = None
) -> list[StaffOut]:
    return people.list_staff(session, channel)


@router.post("/organisations", response_model=OrganisationsLoaded)
def post_organisations(
    session: SessionDep, _staff: StaffDep, body: OrganisationsIn
) -> OrganisationsLoaded:
    """The department's list of who must report; /stats and /pending count against it."""
    try:
        rows = [
            organisations.Expected(o.name, o.province, organisations.sector_key(o.sector))
            for o in body.organisations
        ]
        added, known = organisations.load(session, rows)
    except OutreachError as error:
        session.rollback()
        raise _http(error) from error
    return OrganisationsLoaded(added=added, known=known)


@router.get("/organisations", response_model=list[OrganisationOut])
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


@router.get("/audit", response_model=list[AuditOut])
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


@router.delete("/subscriptions/{channel}/{chat_id}", response_model=SubscriptionOut)
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


@router.get("/subscriptions/{channel}/{chat_id}", response_model=SubscriptionOut)
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


@router.post("/broadcasts", status_code=201, response_model=BroadcastOut)
def post_broadcast(session: SessionDep, _staff: StaffDep, body: BroadcastIn) -> BroadcastOut:
    """A draft with its recipient count: the preview staff confirm."""
    return _broadcast_call(session, delivery.draft, body)


@router.get("/broadcasts/{broadcast_id}", response_model=BroadcastOut)
def get_broadcast(session: SessionDep, _role: RoleDep, broadcast_id: int) -> BroadcastOut:
    """Status and delivery counts (the gateway edits its progress message from these)."""
    return _broadcast_call(session, delivery.get_broadcast, broadcast_id)


@router.patch("/broadcasts/{broadcast_id}", response_model=BroadcastOut)
def patch_broadcast(
    session: SessionDep, _role: RoleDep, broadcast_id: int, body: BroadcastPatch
) -> BroadcastOut:
    """Remember the progress message, so a restarted gateway keeps editing the same one."""
    return _broadcast_call(session, delivery.set_progress, broadcast_id, body.progress_message_id)


@router.post("/broadcasts/{broadcast_id}/confirm", response_model=BroadcastOut)
def confirm_broadcast(session: SessionDep, _staff: StaffDep, broadcast_id: int) -> BroadcastOut:
    """One outbox row per recipient (recomputed now); confirming twice queues nothing more."""
    return _broadcast_call(session, delivery.confirm, broadcast_id)


@router.post("/broadcasts/{broadcast_id}/cancel", response_model=BroadcastOut)
def cancel_broadcast(session: SessionDep, _staff: StaffDep, broadcast_id: int) -> BroadcastOut:
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


@router.post("/outbox/{item_id}/result", response_model=OutboxItemOut)
def post_result(
    request: Request, session: SessionDep, _role: RoleDep, item_id: int, body: ResultIn
) -> OutboxItemOut:
    """sent | blocked (the chat is unsubscribed) | failed | retry (again after retry_after
    seconds; failed after OUTBOX_MAX_ATTEMPTS). Only a row being sent takes a result (else 409)."""
    return _record(request, session, [(item_id, body)])[0]


@router.post("/outbox/results", response_model=list[OutboxItemOut])
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
    """The given instant (a time without offset is Vietnam time), else the store's clock."""
    if at is None:
        return now()
    return at if at.tzinfo else at.replace(tzinfo=VN_TZ)


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
    at: Annotated[datetime | None, Query(alias="now")] = None,
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


@router.get("/stats")
def get_stats(
    session: SessionDep,
    _staff: StaffDep,
    province: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    return stats.stats(session, _province(province))


@router.get("/pending")
def get_pending(
    session: SessionDep,
    _staff: StaffDep,
    province: Annotated[str | None, Query(max_length=100)] = None,
    kind: Literal["results", "roster"] = "results",
) -> list[dict[str, Any]]:
    return stats.pending(session, _province(province), kind)


@router.get("/export")
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
