"""Tables of the outreach package (same metadata as store.models, so Alembic sees one schema)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from store.models import Base, UTCDateTime, utcnow


class Profile(Base):
    """What a chat user told the bot at /start; declared_role never grants staff rights."""

    __tablename__ = "profiles"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_profiles_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[str] = mapped_column(String(100))
    chat_id: Mapped[str | None] = mapped_column(String(100))
    username: Mapped[str | None] = mapped_column(String(100), index=True)
    display_name: Mapped[str | None] = mapped_column(String(200))
    declared_role: Mapped[str | None] = mapped_column(String(20))
    organisation: Mapped[str | None] = mapped_column(String(300))
    organisation_folded: Mapped[str | None] = mapped_column(String(300))
    province: Mapped[str | None] = mapped_column(String(100), index=True)
    sector: Mapped[str | None] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StaffMember(Base):
    """A department staff member, granted by an admin (never self-declared)."""

    __tablename__ = "staff_members"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_staff_user"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[str] = mapped_column(String(100))
    granted_by: Mapped[str] = mapped_column(String(100))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class AuditEntry(Base):
    """Who tried what restricted action, and whether it was allowed."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    channel: Mapped[str] = mapped_column(String(30))
    user_id: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(50))
    allowed: Mapped[bool] = mapped_column(Boolean)
    detail: Mapped[str] = mapped_column(Text, default="")


class Subscription(Base):
    """A chat that receives broadcasts and reminders (of its province, sector, organisation)."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("channel", "chat_id", name="uq_subscriptions_chat"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(30))
    chat_id: Mapped[str] = mapped_column(String(100))
    chat_type: Mapped[str] = mapped_column(String(20), default="private")
    user_id: Mapped[str | None] = mapped_column(String(100))
    province: Mapped[str | None] = mapped_column(String(100), index=True)
    sector: Mapped[str | None] = mapped_column(String(20))
    organisation: Mapped[str | None] = mapped_column(String(300))
    organisation_folded: Mapped[str | None] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    reason: Mapped[str | None] = mapped_column(String(20))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Organisation(Base):
    """An organisation the department expects rosters and reports from."""

    __tablename__ = "organisations"
    __table_args__ = (UniqueConstraint("folded", "province", name="uq_organisations_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    folded: Mapped[str] = mapped_column(String(300))
    province: Mapped[str] = mapped_column(String(100), index=True)
    sector: Mapped[str | None] = mapped_column(String(20))
    source: Mapped[str] = mapped_column(String(20), default="profile")


class Broadcast(Base):
    """A notice from staff: drafted with a recipient count, then confirmed into the outbox."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(30))
    created_by: Mapped[str] = mapped_column(String(100))
    audience_kind: Mapped[str] = mapped_column(String(20))
    audience_value: Mapped[str | None] = mapped_column(String(100))
    audience_label: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    recipient_count: Mapped[int] = mapped_column(Integer, default=0)
    progress_chat_id: Mapped[str | None] = mapped_column(String(100))
    progress_message_id: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    items: Mapped[list[OutboxItem]] = relationship(back_populates="broadcast")


class OutboxItem(Base):
    """One message to one chat; (dedupe_key, chat_id) is unique so nothing is queued twice."""

    __tablename__ = "outbox"
    __table_args__ = (
        UniqueConstraint("dedupe_key", "chat_id", name="uq_outbox_key_chat"),
        Index("ix_outbox_claim", "channel", "status", "not_before", "id"),
        Index("ix_outbox_broadcast", "broadcast_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(30))
    chat_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE")
    )
    dedupe_key: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    parse_mode: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    broadcast: Mapped[Broadcast | None] = relationship(back_populates="items")


class ReminderRun(Base):
    """A deadline reminder that has been run (queued once, never again)."""

    __tablename__ = "reminder_runs"
    __table_args__ = (UniqueConstraint("deadline_id", "offset_label", name="uq_reminder_runs"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"))
    offset_label: Mapped[str] = mapped_column(String(20))
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    enqueued: Mapped[int] = mapped_column(Integer, default=0)
