"""Reads and writes of submissions: idempotent creation, yearly references, filters, on-duty.

Creation never trusts a read-then-write check alone: the unique constraint on (kind,
idempotency_key) is the arbiter, and a losing concurrent writer rolls back and re-reads, so ten
identical POSTs in parallel leave exactly one row. Reference numbers come from a locked counter
row per kind and year, so they are consecutive even under concurrent writers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, cast

from sqlalchemy import Select, Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session, contains_eager, selectinload

from common.vocabulary import SEVERE
from store import crud as directives_crud
from store.models import (
    Alert,
    Directive,
    IncidentReport,
    ResultsReport,
    RosterEntry,
    Submission,
    SubmissionCounter,
)
from store.submissions.schemas import (
    KIND_PREFIX,
    IncidentIn,
    ResultsReportIn,
    RosterEntryIn,
    RosterSubmissionIn,
    SubmissionIn,
    phone_parts,
)
from vntext.normalize import fold
from vntext.provinces import ProvinceMention
from vntext.timefmt import VN_TZ, now

log = logging.getLogger(__name__)
CREATE_ATTEMPTS = 8


class SubmissionError(ValueError):
    """A submission that is well-formed but cannot be accepted (unknown parent, directive...)."""


class KeyReusedError(SubmissionError):
    """An idempotency key already used by another submitter: never hand their record out."""


@dataclass(frozen=True)
class Filters:
    """List filters; province is already the current province, organisation already folded."""

    province: str | None = None
    organisation: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    submitter_channel: str | None = None
    submitter_id: str | None = None
    reference: str | None = None
    limit: int | None = None
    offset: int = 0


# --- creation -------------------------------------------------------------------------------


def reference_of(kind: str, year: int, seq: int) -> str:
    """A reference such as TR-2026-000123: kind prefix, year, six-digit yearly sequence."""
    return f"{KIND_PREFIX[kind]}-{year}-{seq:06d}"


def _by_key(session: Session, kind: str, key: str) -> Submission | None:
    query = select(Submission).where(Submission.kind == kind, Submission.idempotency_key == key)
    return session.scalar(query.options(*record_loads()))


def record_loads() -> tuple[Any, ...]:
    """Eager loads for building any record's response without one query per row."""
    return (
        selectinload(Submission.entries),
        selectinload(Submission.incident).selectinload(IncidentReport.parent),
        selectinload(Submission.results_report),
    )


def _next_seq(session: Session, kind: str, year: int) -> int:
    """Increment the (kind, year) counter inside the caller's transaction.

    The UPDATE locks the counter row until commit, so concurrent writers take turns instead of
    colliding; a rolled-back submission rolls its number back too, leaving no gap.
    """
    # __table__ is typed FromClause (a class may map a join); a plain declarative class has a Table.
    table = cast(Table, SubmissionCounter.__table__)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(insert(table).values(kind=kind, year=year, last=0).on_conflict_do_nothing())
    statement = (
        update(table)
        .where(table.c.kind == kind, table.c.year == year)
        .values(last=table.c.last + 1)
        .returning(table.c.last)
    )
    return int(session.execute(statement).scalar_one())


def _envelope(session: Session, kind: str, body: SubmissionIn, forward: bool) -> Submission:
    """A new envelope with the next reference of this kind and year (local Vietnam year)."""
    created = now()
    year = created.astimezone(VN_TZ).year
    seq = _next_seq(session, kind, year)
    return Submission(
        kind=kind,
        reference=reference_of(kind, year, seq),
        year=year,
        seq=seq,
        idempotency_key=body.idempotency_key,
        submitter_channel=body.submitter_channel,
        submitter_id=body.submitter_id,
        submitter_name=body.submitter_name,
        organisation=body.organisation,
        organisation_folded=fold(body.organisation),
        province=body.province,
        directive_id=body.directive_id,
        created_at=created,
        late=False,
        forward_status="pending" if forward else None,
        forward_attempts=0,
    )


def _same_submitter(existing: Submission, body: SubmissionIn) -> Submission:
    if (existing.submitter_channel, existing.submitter_id) != (
        body.submitter_channel,
        body.submitter_id,
    ):
        raise KeyReusedError("Mã chống gửi trùng (idempotency_key) này đã được người khác dùng.")
    return existing


def _create(
    session: Session,
    kind: str,
    body: SubmissionIn,
    forward: bool,
    fill: Callable[[Submission], None],
) -> tuple[Submission, bool]:
    """Insert once per (kind, idempotency_key); returns (record, duplicate)."""
    for _ in range(CREATE_ATTEMPTS):
        existing = _by_key(session, kind, body.idempotency_key)
        if existing is not None:
            return _same_submitter(existing, body), True
        submission = _envelope(session, kind, body, forward)
        fill(submission)
        session.add(submission)
        try:
            session.commit()
        except (IntegrityError, OperationalError) as error:
            # Lost a race on the key: the re-read at the top of the loop finds the winner.
            session.rollback()
            log.info("retrying %s submission after %s", kind, type(error).__name__)
            continue
        return submission, False
    raise SubmissionError("Hệ thống đang bận, vui lòng gửi lại sau ít phút.")


def _directive(session: Session, directive_id: int | None) -> Directive | None:
    if directive_id is None:
        return None
    directive = session.get(Directive, directive_id)
    if directive is None:
        raise SubmissionError(f"Không có công văn mã {directive_id} trong hệ thống.")
    return directive


def _entry(submission: Submission, line_no: int, entry: RosterEntryIn) -> RosterEntry:
    e164, display = phone_parts(entry.phone)
    return RosterEntry(
        line_no=line_no,
        organisation=submission.organisation,
        organisation_folded=submission.organisation_folded,
        province=submission.province,
        duty_type=entry.duty_type,
        duty_date=entry.duty_date,
        lunar_text=entry.lunar_text,
        shift_start=entry.shift_start,
        shift_end=entry.shift_end,
        all_day=entry.all_day,
        overnight=bool(entry.overnight),
        full_name=entry.full_name,
        position=entry.position,
        phone_e164=e164,
        phone_display=display,
        email=entry.email,
        substitute=entry.substitute,
        note=entry.note,
    )


def create_roster(
    session: Session, body: RosterSubmissionIn, forward: bool
) -> tuple[Submission, bool]:
    """A roster submission with its entries, in the order they were sent."""
    _directive(session, body.directive_id)

    def fill(submission: Submission) -> None:
        submission.entries = [_entry(submission, i + 1, e) for i, e in enumerate(body.entries)]

    return _create(session, "roster", body, forward, fill)


def _parent(session: Session, reference: str | None) -> Submission | None:
    if reference is None:
        return None
    query = select(Submission).where(
        Submission.reference == reference, Submission.kind == "incident"
    )
    parent = session.scalar(query)
    if parent is None:
        raise SubmissionError(
            f"Không tìm thấy sự cố {reference}. Kiểm tra lại mã sự cố đã được cấp "
            "khi gửi báo cáo ban đầu."
        )
    return parent


def create_incident(session: Session, body: IncidentIn, forward: bool) -> tuple[Submission, bool]:
    """An incident report; a severe one also queues an alert for the gateway."""
    _directive(session, body.directive_id)
    parent = _parent(session, body.parent_reference)
    e164, display = phone_parts(body.contact_phone)
    columns = body.model_dump(
        exclude=set(SubmissionIn.model_fields) | {"parent_reference", "contact_phone"}
    )

    def fill(submission: Submission) -> None:
        incident = IncidentReport(
            **columns,
            parent_submission_id=parent.id if parent else None,
            contact_phone_e164=e164,
            contact_phone_display=display,
        )
        submission.incident = incident
        if body.severity in SEVERE:
            incident.alerts = [Alert(created_at=now())]

    return _create(session, "incident", body, forward, fill)


def _results_deadline(directive: Directive | None) -> datetime | None:
    """The deadline a results report answers: the first one about a report, else the first."""
    if directive is None or not directive.deadlines:
        return None
    for deadline in directive.deadlines:
        if "ket qua" in fold(deadline.what) or "bao cao" in fold(deadline.what):
            return deadline.due_at
    return directive.deadlines[0].due_at


def _directive_for_results(session: Session, body: ResultsReportIn) -> Directive | None:
    """The directive named, else the latest one answering for the submitter's province."""
    if body.directive_id is not None:
        return _directive(session, body.directive_id)
    mention = ProvinceMention(named=body.province, current=body.province)
    return directives_crud.directive_for(session, mention)


def create_results(
    session: Session, body: ResultsReportIn, forward: bool
) -> tuple[Submission, bool]:
    """A results report, marked late when it arrives after the directive's deadline."""
    directive = _directive_for_results(session, body)
    deadline = _results_deadline(directive)

    def fill(submission: Submission) -> None:
        submission.directive_id = directive.id if directive else None
        submission.late = deadline is not None and submission.created_at > deadline
        submission.results_report = ResultsReport(
            summary=body.summary or "", file_reference=body.file_reference, deadline=deadline
        )

    return _create(session, "results", body, forward, fill)


# --- reading --------------------------------------------------------------------------------


def _day_start(day: date) -> datetime:
    """Midnight in Vietnam of a calendar day, as an aware datetime."""
    return datetime.combine(day, time(0, 0), tzinfo=VN_TZ)


def _submission_filters(query: Select[Any], filters: Filters) -> Select[Any]:
    if filters.submitter_channel is not None:
        query = query.where(Submission.submitter_channel == filters.submitter_channel)
    if filters.submitter_id is not None:
        query = query.where(Submission.submitter_id == filters.submitter_id)
    if filters.reference is not None:
        query = query.where(Submission.reference == filters.reference)
    return query.offset(filters.offset).limit(filters.limit)


def _place_filters(query: Select[Any], filters: Filters, model: Any) -> Select[Any]:
    if filters.province is not None:
        query = query.where(model.province == filters.province)
    if filters.organisation:
        query = query.where(
            model.organisation_folded.contains(filters.organisation, autoescape=True)
        )
    return query


def _time_range(query: Select[Any], column: Any, filters: Filters) -> Select[Any]:
    """date_from/date_to are whole Vietnam days, both included."""
    if filters.date_from is not None:
        query = query.where(column >= _day_start(filters.date_from))
    if filters.date_to is not None:
        query = query.where(column < _day_start(filters.date_to + timedelta(days=1)))
    return query


def list_roster(session: Session, filters: Filters) -> list[RosterEntry]:
    """Roster lines by date and shift, with their submission (reference, submitter) loaded."""
    query = (
        select(RosterEntry)
        .join(RosterEntry.submission)
        .options(contains_eager(RosterEntry.submission))
        .order_by(
            RosterEntry.duty_date,
            RosterEntry.shift_start.nulls_first(),
            RosterEntry.submission_id,
            RosterEntry.line_no,
        )
    )
    query = _place_filters(query, filters, RosterEntry)
    if filters.date_from is not None:
        query = query.where(RosterEntry.duty_date >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(RosterEntry.duty_date <= filters.date_to)
    return list(session.scalars(_submission_filters(query, filters)))


def list_incidents(session: Session, filters: Filters) -> list[Submission]:
    """Incident reports, oldest first (an export reads as the night unfolded)."""
    query = (
        select(Submission)
        .join(IncidentReport, IncidentReport.submission_id == Submission.id)
        .where(Submission.kind == "incident")
        .options(*record_loads())
        .order_by(Submission.created_at, Submission.id)
    )
    query = _time_range(
        _place_filters(query, filters, Submission), IncidentReport.detected_at, filters
    )
    return list(session.scalars(_submission_filters(query, filters)))


def list_results(session: Session, filters: Filters) -> list[Submission]:
    """Results reports in the order they arrived; dates filter on the day they were sent."""
    query = (
        select(Submission)
        .where(Submission.kind == "results")
        .options(*record_loads())
        .order_by(Submission.created_at, Submission.id)
    )
    query = _time_range(_place_filters(query, filters, Submission), Submission.created_at, filters)
    return list(session.scalars(_submission_filters(query, filters)))


def shift_window(entry: RosterEntry) -> tuple[datetime, datetime]:
    """[start, end) of a roster line in naive Vietnam time.

    24/24 or no hours: the whole day; an end written 23:59 means midnight; an overnight
    shift ends on the next day.
    """
    day = datetime.combine(entry.duty_date, time(0, 0))
    start_time, end_time = entry.shift_start, entry.shift_end
    if entry.all_day or start_time is None or end_time is None:
        return day, day + timedelta(days=1)
    start = datetime.combine(entry.duty_date, start_time)
    end = datetime.combine(entry.duty_date, end_time)
    if end_time == time(23, 59):
        end += timedelta(minutes=1)
    if entry.overnight:
        end += timedelta(days=1)
    return start, end


def on_duty(session: Session, at: datetime, filters: Filters) -> list[RosterEntry]:
    """Roster lines whose date and shift cover the instant at (yesterday's overnight shifts too)."""
    local = at.astimezone(VN_TZ).replace(tzinfo=None)
    day = local.date()
    window = Filters(
        province=filters.province,
        organisation=filters.organisation,
        date_from=day - timedelta(days=1),
        date_to=day,
    )
    return [e for e in list_roster(session, window) if _covers(shift_window(e), local)]


def _covers(window: tuple[datetime, datetime], moment: datetime) -> bool:
    start, end = window
    return start <= moment < end


# --- alerts ---------------------------------------------------------------------------------


def _alerts_query() -> Select[Any]:
    incident = selectinload(Alert.incident)
    return (
        select(Alert)
        .options(incident.selectinload(IncidentReport.submission).options(*record_loads()))
        .order_by(Alert.id)
    )


def list_alerts(session: Session, pending_only: bool) -> list[Alert]:
    """Alerts for severe incidents, oldest first; pending ones are what the gateway must push."""
    query = _alerts_query()
    if pending_only:
        query = query.where(Alert.delivered_at.is_(None))
    return list(session.scalars(query))


def mark_alert_delivered(session: Session, alert_id: int) -> Alert | None:
    """Idempotent: a second call keeps the first delivery time."""
    alert = session.scalar(_alerts_query().where(Alert.id == alert_id))
    if alert is not None and alert.delivered_at is None:
        alert.delivered_at = datetime.now(timezone.utc)
        session.commit()
    return alert
