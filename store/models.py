"""SQLAlchemy 2 models of the store."""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text
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
