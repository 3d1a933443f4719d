"""Duty rosters, incident reports and results reports: idempotent POSTs, lists, exports, on-duty.

Roles: the service token (actions, gateway) may post, read alerts, list the acting user's own
records (X-Acting-User) and, for a duty officer or staff member acting, ask who is on duty; staff
tokens may list everything; exports need a staff token or a granted staff member acting.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Request, Response

from store.api.deps import (
    Acting,
    DutyDep,
    OwnerDep,
    RoleDep,
    SessionDep,
    StaffDep,
    forbid,
)
from store.api.errors import file_response, problems, replayed
from store.models import Alert, Submission
from store.outreach.people import folded_name
from store.submissions import crud, exports
from store.submissions.schemas import (
    FIRST_DAY,
    LAST_DAY,
    MAX_ROW_ID,
    AlertOut,
    IncidentCreated,
    IncidentIn,
    IncidentOut,
    LocalDateTime,
    ResultsReportCreated,
    ResultsReportIn,
    ResultsReportOut,
    RosterEntryOut,
    RosterSubmissionIn,
    RosterSubmissionOut,
    incident_out,
    results_out,
    roster_entry_out,
    roster_out,
)
from vntext.normalize import clean_message, fold
from vntext.provinces import resolve
from vntext.timefmt import now

router = APIRouter(prefix="/api", tags=["submissions"], responses=problems(401, 422))
ExportFormat = Annotated[Literal["csv", "xlsx"], Query(alias="format")]
EXPORTED = file_response("text/csv", exports.XLSX_MEDIA_TYPE) | problems(403)
OTHER_SUBMITTER = "Mã truy cập dịch vụ chỉ xem được hồ sơ của chính người dùng đang hỏi."
OTHER_ORGANISATION = "Cán bộ trực chỉ xem được người đang trực của đơn vị mình ({own})."
RowIdPath = Annotated[int, Path(ge=1, le=MAX_ROW_ID)]
DayQuery = Annotated[date | None, Query(ge=FIRST_DAY, le=LAST_DAY)]


# --- helpers --------------------------------------------------------------------------------


def _unprocessable(detail: str) -> HTTPException:
    return HTTPException(status_code=422, detail=detail)


def _current_province(name: str | None) -> str | None:
    """Any spelling or former name ("bac giang", "TP HCM") to today's province."""
    if name is None or not name.strip():
        return None
    mention = resolve(name)
    if mention is None:
        raise _unprocessable(f"Không biết tỉnh/thành phố «{name}». Ví dụ: Bắc Ninh, Hà Tĩnh.")
    return mention.current


def _folded(text: str | None) -> str | None:
    return fold(clean_message(text)) if text and text.strip() else None


def list_filters(
    province: Annotated[str | None, Query(max_length=100)] = None,
    organisation: Annotated[str | None, Query(max_length=300)] = None,
    date_from: DayQuery = None,
    date_to: DayQuery = None,
    submitter_channel: Annotated[str | None, Query(max_length=30)] = None,
    submitter_id: Annotated[str | None, Query(max_length=100)] = None,
    reference: Annotated[str | None, Query(max_length=30)] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=MAX_ROW_ID)] = 0,
) -> crud.Filters:
    """Query parameters shared by the three lists and their exports."""
    if (submitter_channel is None) != (submitter_id is None):
        raise _unprocessable(
            "Cần cả submitter_channel và submitter_id để xem hồ sơ của một người gửi."
        )
    if date_from and date_to and date_from > date_to:
        raise _unprocessable("Từ ngày (date_from) phải trước hoặc bằng đến ngày (date_to).")
    return crud.Filters(
        province=_current_province(province),
        organisation=_folded(organisation),
        date_from=date_from,
        date_to=date_to,
        submitter_channel=submitter_channel,
        submitter_id=submitter_id,
        reference=reference.strip().upper() if reference else None,
        limit=limit,
        offset=offset,
    )


FiltersDep = Annotated[crud.Filters, Depends(list_filters)]


def _scope(request: Request, owner: Acting | None, filters: crud.Filters) -> crud.Filters:
    """A staff token sees everything; the service token only the acting user's own records."""
    if owner is None:
        return filters
    named = (filters.submitter_channel, filters.submitter_id)
    if filters.submitter_id is not None and named != (owner.channel, owner.user_id):
        raise forbid(request, OTHER_SUBMITTER)
    return dataclasses.replace(filters, submitter_channel=owner.channel, submitter_id=owner.user_id)


def _everything(filters: crud.Filters) -> crud.Filters:
    return dataclasses.replace(filters, limit=None, offset=0)


def _accept(
    request: Request, response: Response, create: Callable[[bool], tuple[Submission, bool]]
) -> tuple[Submission, bool]:
    """Run an idempotent create; 201 the first time, 200 for a repeat; wake the forwarder."""
    forwarder = getattr(request.app.state, "forwarder", None)
    try:
        submission, duplicate = create(forwarder is not None)
    except crud.KeyReusedError as error:
        raise HTTPException(status_code=409, detail=str(error)) from error
    except crud.SubmissionError as error:
        raise _unprocessable(str(error)) from error
    response.status_code = 200 if duplicate else 201
    if forwarder is not None and not duplicate:
        forwarder.wake()
    return submission, duplicate


def _file(table: exports.Table, fmt: str) -> Response:
    stamp = f"{now():%Y%m%d-%H%M}"
    if fmt == "csv":
        content, media_type = exports.to_csv(table), exports.CSV_MEDIA_TYPE
    else:
        content, media_type = exports.to_xlsx(table), exports.XLSX_MEDIA_TYPE
    disposition = f'attachment; filename="{table.file_stem}-{stamp}.{fmt}"'
    return Response(content, media_type=media_type, headers={"Content-Disposition": disposition})


# --- duty rosters ---------------------------------------------------------------------------


@router.post(
    "/roster-entries",
    status_code=201,
    response_model=RosterSubmissionOut,
    responses=replayed(RosterSubmissionOut) | problems(409),
)
def post_roster(
    request: Request,
    response: Response,
    session: SessionDep,
    _role: RoleDep,
    body: RosterSubmissionIn,
) -> RosterSubmissionOut:
    """A duty roster of 1..200 people; the same idempotency_key again returns the same roster."""
    submission, duplicate = _accept(
        request, response, lambda forward: crud.create_roster(session, body, forward)
    )
    return roster_out(submission, duplicate)


@router.get("/roster-entries", response_model=list[RosterEntryOut], responses=problems(403))
def get_roster(
    request: Request, session: SessionDep, owner: OwnerDep, filters: FiltersDep
) -> list[RosterEntryOut]:
    """Roster lines by date; dates filter on the duty date."""
    entries = crud.list_roster(session, _scope(request, owner, filters))
    return [roster_entry_out(entry) for entry in entries]


@router.get("/roster-entries/export", response_class=Response, responses=EXPORTED)
def export_roster(
    session: SessionDep, _staff: StaffDep, filters: FiltersDep, fmt: ExportFormat = "xlsx"
) -> Response:
    entries = crud.list_roster(session, _everything(filters))
    return _file(exports.roster_table(entries), fmt)


@router.get("/on-duty", response_model=list[RosterEntryOut], responses=problems(403))
def get_on_duty(
    request: Request,
    session: SessionDep,
    scope: DutyDep,
    organisation: Annotated[str | None, Query(max_length=300)] = None,
    province: Annotated[str | None, Query(max_length=100)] = None,
    at: Annotated[LocalDateTime | None, Query()] = None,
) -> list[RosterEntryOut]:
    """Who is on duty at an instant (default now; a time without offset is Vietnam time).

    A duty officer sees their own organisation only, asked for or not ("VNPT" asked by someone of
    VNPT Hà Tĩnh is their own; another organisation is a 403); staff see everyone.
    """
    if scope.folded is not None:
        if organisation and (folded_name(organisation) or "") not in scope.folded:
            raise forbid(request, OTHER_ORGANISATION.format(own=scope.organisation))
        organisation = scope.organisation
    filters = crud.Filters(province=_current_province(province), organisation=_folded(organisation))
    rows = [roster_entry_out(e) for e in crud.on_duty(session, at or now(), filters)]
    return [r for r in rows if scope.folded in (None, folded_name(r.organisation))]


# --- incident reports -----------------------------------------------------------------------


@router.post(
    "/incidents",
    status_code=201,
    response_model=IncidentCreated,
    responses=replayed(IncidentCreated) | problems(409),
)
def post_incident(
    request: Request, response: Response, session: SessionDep, _role: RoleDep, body: IncidentIn
) -> IncidentOut:
    """An incident report; updates and closings name the initial report's reference."""
    submission, duplicate = _accept(
        request, response, lambda forward: crud.create_incident(session, body, forward)
    )
    alert = bool(submission.incident and submission.incident.alerts)
    return incident_out(submission, IncidentCreated, duplicate=duplicate, alert=alert)


@router.get("/incidents", response_model=list[IncidentOut], responses=problems(403))
def get_incidents(
    request: Request, session: SessionDep, owner: OwnerDep, filters: FiltersDep
) -> list[IncidentOut]:
    """Incident reports; dates filter on the detection day (Vietnam time)."""
    submissions = crud.list_incidents(session, _scope(request, owner, filters))
    return [incident_out(submission) for submission in submissions]


@router.get("/incidents/export", response_class=Response, responses=EXPORTED)
def export_incidents(
    session: SessionDep, _staff: StaffDep, filters: FiltersDep, fmt: ExportFormat = "xlsx"
) -> Response:
    submissions = crud.list_incidents(session, _everything(filters))
    return _file(exports.incidents_table(submissions), fmt)


# --- results reports ------------------------------------------------------------------------


@router.post(
    "/results-reports",
    status_code=201,
    response_model=ResultsReportCreated,
    responses=replayed(ResultsReportCreated) | problems(409),
)
def post_results(
    request: Request, response: Response, session: SessionDep, _role: RoleDep, body: ResultsReportIn
) -> ResultsReportOut:
    """A results report, judged against its directive's deadline (late when after it)."""
    submission, duplicate = _accept(
        request, response, lambda forward: crud.create_results(session, body, forward)
    )
    return results_out(submission, ResultsReportCreated, duplicate=duplicate)


@router.get("/results-reports", response_model=list[ResultsReportOut], responses=problems(403))
def get_results(
    request: Request, session: SessionDep, owner: OwnerDep, filters: FiltersDep
) -> list[ResultsReportOut]:
    """Results reports; dates filter on the day they were sent."""
    submissions = crud.list_results(session, _scope(request, owner, filters))
    return [results_out(submission) for submission in submissions]


@router.get("/results-reports/export", response_class=Response, responses=EXPORTED)
def export_results(
    session: SessionDep, _staff: StaffDep, filters: FiltersDep, fmt: ExportFormat = "xlsx"
) -> Response:
    submissions = crud.list_results(session, _everything(filters))
    return _file(exports.results_table(submissions), fmt)


# --- alerts for the gateway -----------------------------------------------------------------


def _alert_out(alert: Alert) -> AlertOut:
    return AlertOut(
        id=alert.id,
        created_at=alert.created_at,
        delivered_at=alert.delivered_at,
        incident=incident_out(alert.incident.submission),
    )


@router.get("/alerts", response_model=list[AlertOut])
def get_alerts(session: SessionDep, _role: RoleDep, pending: bool = True) -> list[AlertOut]:
    """Severe incidents to push to the department (pending=false: every alert)."""
    return [_alert_out(alert) for alert in crud.list_alerts(session, pending)]


@router.post("/alerts/{alert_id}/delivered", response_model=AlertOut, responses=problems(404))
def alert_delivered(session: SessionDep, _role: RoleDep, alert_id: RowIdPath) -> AlertOut:
    """The gateway pushed it; calling again keeps the first delivery time."""
    alert = crud.mark_alert_delivered(session, alert_id)
    if alert is None:
        raise HTTPException(status_code=404, detail=f"Không có cảnh báo số {alert_id}.")
    return _alert_out(alert)
