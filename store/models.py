"""SQLAlchemy 2 models of the store."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC; SQLite keeps no offset, so it is re-attached on read."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(timezone.utc)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


class Base(DeclarativeBase):
    """Declarative base; Alembic migrations are written against this metadata."""


class Directive(Base):
    """A department's Tết directive (công văn), kept with its full text."""

    __tablename__ = "directives"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_name: Mapped[str] = mapped_column(String(255), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    issuing_province: Mapped[str] = mapped_column(String(100), index=True)
    province: Mapped[str] = mapped_column(String(100), index=True)
    department: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(100))
    issued_text: Mapped[str] = mapped_column(String(100))
    issued_sort: Mapped[int] = mapped_column(Integer, index=True)
    subject: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    loaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    issued_day: Mapped[int | None] = mapped_column(Integer)
    issued_month: Mapped[int | None] = mapped_column(Integer)
    issued_year: Mapped[int | None] = mapped_column(Integer, index=True)
    tet_name: Mapped[str | None] = mapped_column(String(50))
    signer: Mapped[str | None] = mapped_column(String(200))
    recipients: Mapped[str] = mapped_column(Text, default="")  # one per line
    warnings: Mapped[str] = mapped_column(Text, default="")  # one per line
    parser_version: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(20), default="live", index=True)  # live | retired
    issuer_kind: Mapped[str] = mapped_column(String(30), default="other")
    doc_kind: Mapped[str] = mapped_column(String(30), default="cong_van")
    tet_year: Mapped[int | None] = mapped_column(Integer)
    province_source: Mapped[str] = mapped_column(String(20), default="")
    restates: Mapped[str | None] = mapped_column(String(300))
    source_title: Mapped[str | None] = mapped_column(Text)
    source_site: Mapped[str | None] = mapped_column(String(200))
    published: Mapped[str | None] = mapped_column(String(10))
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    ocr_confidence: Mapped[float | None] = mapped_column(Float)
    # What staff said (province, tet_year, issuer) and the container's metadata, re-applied
    # whenever the text is parsed again.
    hints: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", order_by="Contact.position"
    )
    legal_bases: Mapped[list[LegalBasis]] = relationship(
        cascade="all, delete-orphan", order_by="LegalBasis.position"
    )
    sections: Mapped[list[Section]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", order_by="Section.position"
    )
    deadlines: Mapped[list[Deadline]] = relationship(
        cascade="all, delete-orphan", order_by="Deadline.position"
    )
    holidays: Mapped[list[Holiday]] = relationship(
        cascade="all, delete-orphan", order_by="Holiday.position"
    )
    passages: Mapped[list[Passage]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", order_by="Passage.position"
    )


class Contact(Base):
    """A phone or e-mail a directive gives, with the person and unit when it names them."""

    __tablename__ = "contacts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    directive_id: Mapped[int] = mapped_column(
        ForeignKey("directives.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(300))
    phone_e164: Mapped[str | None] = mapped_column(String(20))
    phone_display: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    context: Mapped[str] = mapped_column(Text)

    directive: Mapped[Directive] = relationship(back_populates="contacts")


class LegalBasis(Base):
    """A chỉ thị, công văn, thông tư or nghị định the directive cites."""

    __tablename__ = "legal_bases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    directive_id: Mapped[int] = mapped_column(
        ForeignKey("directives.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))
    number: Mapped[str] = mapped_column(String(100))
    issued_on: Mapped[date | None] = mapped_column(Date)
    issuer: Mapped[str | None] = mapped_column(String(300))


class Section(Base):
    """A part of the directive addressed to some kinds of organisation, with its duty items."""

    __tablename__ = "sections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    directive_id: Mapped[int] = mapped_column(
        ForeignKey("directives.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str] = mapped_column(Text)
    audiences: Mapped[str] = mapped_column(String(300))  # comma-separated codes (vntext.audiences)

    directive: Mapped[Directive] = relationship(back_populates="sections")
    items: Mapped[list[DutyItem]] = relationship(
        back_populates="section", cascade="all, delete-orphan", order_by="DutyItem.position"
    )


class DutyItem(Base):
    """One duty, in the directive's order."""

    __tablename__ = "duty_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)

    section: Mapped[Section] = relationship(back_populates="items")


class Deadline(Base):
    """Something due by a date (and hour), to someone, by some channel."""

    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    directive_id: Mapped[int] = mapped_column(
        ForeignKey("directives.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    what: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    has_time: Mapped[bool] = mapped_column(Boolean)
    lunar_text: Mapped[str | None] = mapped_column(String(100))
    who: Mapped[str | None] = mapped_column(Text)
    recipient: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(30))
    email: Mapped[str | None] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10), default="once")  # once|daily|window|period
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    until_on: Mapped[date | None] = mapped_column(Date)


class Passage(Base):
    """A sentence or short paragraph of a directive with its section, for retrieval."""

    __tablename__ = "passages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    directive_id: Mapped[int] = mapped_column(
        ForeignKey("directives.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    heading: Mapped[str | None] = mapped_column(Text)
    audiences: Mapped[str] = mapped_column(String(300))  # comma-separated codes
    text: Mapped[str] = mapped_column(Text)

    directive: Mapped[Directive] = relationship(back_populates="passages")


class DirectiveDraft(Base):
    """A document staff loaded but have not confirmed: its preview is parsed from it on demand.

    Kept apart from directives so nothing answers from it, reminds from it or counts it.
    """

    __tablename__ = "directive_drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_name: Mapped[str] = mapped_column(String(255))
    text: Mapped[str] = mapped_column(Text)
    hints: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=dict)
    ocr: Mapped[bool] = mapped_column(Boolean, default=False)
    ocr_confidence: Mapped[float | None] = mapped_column(Float)
    read_warnings: Mapped[str] = mapped_column(Text, default="")  # one per line
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(100))


class Holiday(Base):
    """A holiday (nghỉ) or flag-flying (treo cờ) period the directive announces."""

    __tablename__ = "holidays"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    directive_id: Mapped[int] = mapped_column(
        ForeignKey("directives.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))  # "nghi" | "treo_co"
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)


# --- What enterprises send back: duty rosters, incident reports, results reports -------------


class Submission(Base):
    """The envelope every roster, incident or results report arrives in.

    One row per accepted POST: the idempotency key makes retries return it instead of a second
    row, the reference is what the enterprise quotes back, and the forward_* columns let the
    webhook worker resume after a restart.
    """

    __tablename__ = "submissions"
    __table_args__ = (
        UniqueConstraint("kind", "idempotency_key", name="uq_submissions_kind_key"),
        UniqueConstraint("kind", "year", "seq", name="uq_submissions_kind_year_seq"),
        Index("ix_submissions_submitter", "submitter_channel", "submitter_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))  # "roster" | "incident" | "results"
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    idempotency_key: Mapped[str] = mapped_column(String(100))
    submitter_channel: Mapped[str] = mapped_column(String(30))
    submitter_id: Mapped[str] = mapped_column(String(100))
    submitter_name: Mapped[str | None] = mapped_column(String(200))
    organisation: Mapped[str] = mapped_column(String(300))
    organisation_folded: Mapped[str] = mapped_column(String(300), index=True)
    province: Mapped[str] = mapped_column(String(100), index=True)
    directive_id: Mapped[int | None] = mapped_column(
        ForeignKey("directives.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    late: Mapped[bool] = mapped_column(Boolean, default=False)
    forward_status: Mapped[str | None] = mapped_column(String(10), index=True)
    forward_attempts: Mapped[int] = mapped_column(Integer, default=0)
    forward_next_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    forward_last_error: Mapped[str | None] = mapped_column(Text)
    forwarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    entries: Mapped[list[RosterEntry]] = relationship(
        back_populates="submission", cascade="all, delete-orphan", order_by="RosterEntry.line_no"
    )
    incident: Mapped[IncidentReport | None] = relationship(
        back_populates="submission",
        cascade="all, delete-orphan",
        foreign_keys="IncidentReport.submission_id",
    )
    results_report: Mapped[ResultsReport | None] = relationship(
        back_populates="submission", cascade="all, delete-orphan"
    )


class SubmissionCounter(Base):
    """Last sequence number used per kind and year; its row lock serialises reference numbers."""

    __tablename__ = "submission_counters"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last: Mapped[int] = mapped_column(Integer)


class RosterEntry(Base):
    """One person on duty for one date and shift (a line of the roster departments receive)."""

    __tablename__ = "roster_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), index=True
    )
    line_no: Mapped[int] = mapped_column(Integer)
    organisation: Mapped[str] = mapped_column(String(300))
    organisation_folded: Mapped[str] = mapped_column(String(300), index=True)
    province: Mapped[str] = mapped_column(String(100), index=True)
    duty_type: Mapped[str] = mapped_column(String(30))
    duty_date: Mapped[date] = mapped_column(Date, index=True)
    lunar_text: Mapped[str | None] = mapped_column(String(50))
    shift_start: Mapped[time | None] = mapped_column(Time)
    shift_end: Mapped[time | None] = mapped_column(Time)
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    overnight: Mapped[bool] = mapped_column(Boolean, default=False)
    full_name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200))  # chức vụ
    phone_e164: Mapped[str] = mapped_column(String(20))
    phone_display: Mapped[str] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(200))
    substitute: Mapped[str | None] = mapped_column(String(300))
    note: Mapped[str | None] = mapped_column(Text)

    submission: Mapped[Submission] = relationship(back_populates="entries")


class IncidentReport(Base):
    """An incident report after Thông tư 20/2017 Mẫu 03: initial, update or closing."""

    __tablename__ = "incident_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), unique=True
    )
    stage: Mapped[str] = mapped_column(String(10))  # "ban_dau" | "cap_nhat" | "ket_thuc"
    parent_submission_id: Mapped[int | None] = mapped_column(
        ForeignKey("submissions.id", ondelete="RESTRICT"), index=True
    )
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_phone_e164: Mapped[str] = mapped_column(String(20))
    contact_phone_display: Mapped[str] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(30))
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    area: Mapped[str] = mapped_column(Text)
    services_affected: Mapped[str] = mapped_column(Text)
    bts_down: Mapped[int | None] = mapped_column(Integer)
    bts_total: Mapped[int | None] = mapped_column(Integer)
    routes_cut: Mapped[int | None] = mapped_column(Integer)
    subscribers_affected: Mapped[int | None] = mapped_column(Integer)
    severity: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    cause: Mapped[str | None] = mapped_column(Text)
    actions_taken: Mapped[str | None] = mapped_column(Text)
    support_needed: Mapped[str | None] = mapped_column(Text)
    restored_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confidential: Mapped[bool] = mapped_column(Boolean, default=False)

    submission: Mapped[Submission] = relationship(
        back_populates="incident", foreign_keys=[submission_id]
    )
    parent: Mapped[Submission | None] = relationship(foreign_keys=[parent_submission_id])
    alerts: Mapped[list[Alert]] = relationship(
        back_populates="incident", cascade="all, delete-orphan", order_by="Alert.id"
    )


class Alert(Base):
    """A severe incident the gateway still has to push to the department's staff."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident_reports.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    incident: Mapped[IncidentReport] = relationship(back_populates="alerts")


class ResultsReport(Base):
    """A results report (báo cáo kết quả thực hiện), judged against the directive's deadline."""

    __tablename__ = "results_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(
        ForeignKey("submissions.id", ondelete="CASCADE"), unique=True
    )
    summary: Mapped[str] = mapped_column(Text)
    file_reference: Mapped[str | None] = mapped_column(String(500))
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[Submission] = relationship(back_populates="results_report")
