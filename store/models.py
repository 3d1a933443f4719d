"""SQLAlchemy 2 models of the store."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> datetime:
    return datetime.now(UTC)


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
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="directive", cascade="all, delete-orphan", order_by="Contact.position"
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
