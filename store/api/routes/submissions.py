"""Duty rosters, incident reports and results reports: idempotent POSTs, lists, exports, on-duty.

Roles: the service token (actions, gateway) may post, list an enterprise's own records (with
submitter_channel + submitter_id), ask who is on duty and read alerts; staff tokens may also list
everything and export.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from store.api.deps import Role, RoleDep, SessionDep, forbid
from store.models import Alert, Submission
from store.submissions import crud, exports
from store.submissions.schemas import (
    AlertOut,
    IncidentCreated,
    IncidentIn,
    IncidentOut,
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
    vietnamese_message,
)
from vntext.normalize import clean_message, fold
from vntext.provinces import resolve
from vntext.timefmt import VN_TZ, now

router = APIRouter(prefix="/api", tags=["submissions"])
OUTREACH_PATHS = (
    "/api/profiles",
    "/api/staff",
    "/api/audit",
    "/api/subscriptions",
    "/api/broadcasts",
    "/api/outbox",
    "/api/reminders",
    "/api/stats",
    "/api/pending",
    "/api/export",
    "/api/organisations",
)
PATHS = (
    "/api/roster-entries",
    "/api/incidents",
    "/api/results-reports",
    "/api/on-duty",
    "/api/alerts",
)
ExportFormat = Annotated[Literal["csv", "xlsx"], Query(alias="format")]
OWN_ONLY = (
    "Mã truy cập dịch vụ chỉ xem được hồ sơ của chính người gửi: "
    "cần submitter_channel và submitter_id."
)
STAFF_ONLY = "Chỉ cán bộ của Sở (mã truy cập cán bộ) mới được xuất danh sách."


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
    date_from: date | None = None,
    date_to: date | None = None,
    submitter_channel: Annotated[str | None, Query(max_length=30)] = None,
    submitter_id: Annotated[str | None, Query(max_length=100)] = None,
    reference: Annotated[str | None, Query(max_length=30)] = None,
    limit: Annotated[int, Query(ge=1, le=10000)] = 1000,
    offset: Annotated[int, Query(ge=0)] = 0,
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


def _scope(request: Request, role: Role, filters: crud.Filters) -> crud.Filters:
    """The service token sees one submitter's records only; staff see everything."""
    if role != "staff" and filters.submitter_id is None:
        raise forbid(request, OWN_ONLY)
    return filters


def _export_scope(request: Request, role: Role, filters: crud.Filters) -> crud.Filters:
    if role != "staff":
        raise forbid(request, STAFF_ONLY)
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


@router.post("/roster-entries", status_code=201, response_model=RosterSubmissionOut)
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


@router.get("/roster-entries", response_model=list[RosterEntryOut])
def get_roster(
    request: Request, session: SessionDep, role: RoleDep, filters: FiltersDep
) -> list[RosterEntryOut]:
    """Roster lines by date; dates filter on the duty date."""
    entries = crud.list_roster(session, _scope(request, role, filters))
    return [roster_entry_out(entry) for entry in entries]


@router.get("/roster-entries/export")
def export_roster(
    request: Request,
    session: SessionDep,
    role: RoleDep,
    filters: FiltersDep,
    fmt: ExportFormat = "xlsx",
) -> Response:
    entries = crud.list_roster(session, _export_scope(request, role, filters))
    return _file(exports.roster_table(entries), fmt)


@router.get("/on-duty", response_model=list[RosterEntryOut])
def get_on_duty(
    session: SessionDep,
    _role: RoleDep,
    organisation: Annotated[str | None, Query(max_length=300)] = None,
    province: Annotated[str | None, Query(max_length=100)] = None,
    at: datetime | None = None,
) -> list[RosterEntryOut]:
    """Who is on duty at an instant (default now; a time without offset is Vietnam time)."""
    moment = now() if at is None else (at if at.tzinfo else at.replace(tzinfo=VN_TZ))
    filters = crud.Filters(province=_current_province(province), organisation=_folded(organisation))
    return [roster_entry_out(e) for e in crud.on_duty(session, moment, filters)]


# --- incident reports -----------------------------------------------------------------------


@router.post("/incidents", status_code=201, response_model=IncidentCreated)
def post_incident(
    request: Request, response: Response, session: SessionDep, _role: RoleDep, body: IncidentIn
) -> IncidentOut:
    """An incident report; updates and closings name the initial report's reference."""
    submission, duplicate = _accept(
        request, response, lambda forward: crud.create_incident(session, body, forward)
    )
    alert = bool(submission.incident and submission.incident.alerts)
    return incident_out(submission, IncidentCreated, duplicate=duplicate, alert=alert)


@router.get("/incidents", response_model=list[IncidentOut])
def get_incidents(
    request: Request, session: SessionDep, role: RoleDep, filters: FiltersDep
) -> list[IncidentOut]:
    """Incident reports; dates filter on the detection day (Vietnam time)."""
    submissions = crud.list_incidents(session, _scope(request, role, filters))
    return [incident_out(submission) for submission in submissions]


@router.get("/incidents/export")
def export_incidents(
    request: Request,
    session: SessionDep,
    role: RoleDep,
    filters: FiltersDep,
    fmt: ExportFormat = "xlsx",
) -> Response:
    submissions = crud.list_incidents(session, _export_scope(request, role, filters))
    return _file(exports.incidents_table(submissions), fmt)


# --- results reports ------------------------------------------------------------------------


@router.post("/results-reports", status_code=201, response_model=ResultsReportCreated)
def post_results(
    request: Request, response: Response, session: SessionDep, _role: RoleDep, body: ResultsReportIn
) -> ResultsReportOut:
    """A results report, judged against its directive's deadline (late when after it)."""
    submission, duplicate = _accept(
        request, response, lambda forward: crud.create_results(session, body, forward)
    )
    return results_out(submission, ResultsReportCreated, duplicate=duplicate)


@router.get("/results-reports", response_model=list[ResultsReportOut])
def get_results(
    request: Request, session: SessionDep, role: RoleDep, filters: FiltersDep
) -> list[ResultsReportOut]:
    """Results reports; dates filter on the day they were sent."""
    submissions = crud.list_results(session, _scope(request, role, filters))
    return [results_out(submission) for submission in submissions]


@router.get("/results-reports/export")
def export_results(
    request: Request,
    session: SessionDep,
    role: RoleDep,
    filters: FiltersDep,
    fmt: ExportFormat = "xlsx",
) -> Response:
    submissions = crud.list_results(session, _export_scope(request, role, filters))
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


@router.post("/alerts/{alert_id}/delivered", response_model=AlertOut)
def alert_delivered(session: SessionDep, _role: RoleDep, alert_id: int) -> AlertOut:
    """The gateway pushed it; calling again keeps the first delivery time."""
    alert = crud.mark_alert_delivered(session, alert_id)
    if alert is None:
        raise HTTPException(status_code=404, detail=f"Không có cảnh báo số {alert_id}.")
    return _alert_out(alert)


# --- Vietnamese validation errors -----------------------------------------------------------


async def validation_error_handler(request: Request, error: Exception) -> Response:
    """422 with a Vietnamese detail on these routes; other routes keep FastAPI's default."""
    assert isinstance(error, RequestValidationError)
    if not request.url.path.startswith(PATHS + OUTREACH_PATHS):
        return await request_validation_exception_handler(request, error)
    errors = []
    for item in error.errors():
        loc = [str(p) for p in item.get("loc", ()) if p not in ("body", "query", "path")]
        errors.append({"field": ".".join(loc), "message": vietnamese_message(item)})
    messages = list(dict.fromkeys(e["message"] for e in errors))
    return JSONResponse(status_code=422, content={"detail": " ".join(messages), "errors": errors})
