"""outreach: profiles, staff, audit log, subscriptions, organisations, broadcasts, outbox, reminders

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)


def _id() -> sa.Column:
    return sa.Column("id", sa.Integer(), primary_key=True)


def upgrade() -> None:
    op.create_table(
        "profiles",
        _id(),
        sa.Column("channel", sa.String(30), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("chat_id", sa.String(100), nullable=True),
        sa.Column("username", sa.String(100), nullable=True),
        sa.Column("display_name", sa.String(200), nullable=True),
        sa.Column("declared_role", sa.String(20), nullable=True),
        sa.Column("organisation", sa.String(300), nullable=True),
        sa.Column("organisation_folded", sa.String(300), nullable=True),
        sa.Column("province", sa.String(100), nullable=True),
        sa.Column("sector", sa.String(20), nullable=True),
        sa.Column("name", sa.String(200), nullable=True),
        sa.Column("phone", sa.String(40), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.UniqueConstraint("channel", "user_id", name="uq_profiles_user"),
    )
    op.create_index("ix_profiles_username", "profiles", ["username"])
    op.create_index("ix_profiles_province", "profiles", ["province"])
    op.create_table(
        "staff_members",
        _id(),
        sa.Column("channel", sa.String(30), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("granted_by", sa.String(100), nullable=False),
        sa.Column("granted_at", UTC_DATETIME, nullable=False),
        sa.UniqueConstraint("channel", "user_id", name="uq_staff_user"),
    )
    op.create_table(
        "audit_log",
        _id(),
        sa.Column("at", UTC_DATETIME, nullable=False),
        sa.Column("channel", sa.String(30), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=False),
        sa.Column("action", sa.String(50), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.create_table(
        "subscriptions",
        _id(),
        sa.Column("channel", sa.String(30), nullable=False),
        sa.Column("chat_id", sa.String(100), nullable=False),
        sa.Column("chat_type", sa.String(20), nullable=False),
        sa.Column("user_id", sa.String(100), nullable=True),
        sa.Column("province", sa.String(100), nullable=True),
        sa.Column("sector", sa.String(20), nullable=True),
        sa.Column("organisation", sa.String(300), nullable=True),
        sa.Column("organisation_folded", sa.String(300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(20), nullable=True),
        sa.Column("updated_at", UTC_DATETIME, nullable=False),
        sa.UniqueConstraint("channel", "chat_id", name="uq_subscriptions_chat"),
    )
    op.create_index("ix_subscriptions_province", "subscriptions", ["province"])
    op.create_index("ix_subscriptions_active", "subscriptions", ["active"])
    op.create_table(
        "organisations",
        _id(),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("folded", sa.String(300), nullable=False),
        sa.Column("province", sa.String(100), nullable=False),
        sa.Column("sector", sa.String(20), nullable=True),
        sa.Column("source", sa.String(20), nullable=False),
        sa.UniqueConstraint("folded", "province", name="uq_organisations_name"),
    )
    op.create_index("ix_organisations_province", "organisations", ["province"])
    op.create_table(
        "broadcasts",
        _id(),
        sa.Column("channel", sa.String(30), nullable=False),
        sa.Column("created_by", sa.String(100), nullable=False),
        sa.Column("audience_kind", sa.String(20), nullable=False),
        sa.Column("audience_value", sa.String(100), nullable=True),
        sa.Column("audience_label", sa.String(200), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("recipient_count", sa.Integer(), nullable=False),
        sa.Column("progress_chat_id", sa.String(100), nullable=True),
        sa.Column("progress_message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("confirmed_at", UTC_DATETIME, nullable=True),
        sa.Column("finished_at", UTC_DATETIME, nullable=True),
    )
    op.create_index("ix_broadcasts_status", "broadcasts", ["status"])
    op.create_table(
        "outbox",
        _id(),
        sa.Column("channel", sa.String(30), nullable=False),
        sa.Column("chat_id", sa.String(100), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column(
            "broadcast_id",
            sa.Integer(),
            sa.ForeignKey("broadcasts.id", ondelete="CASCADE"),
            nullable=True,
        ),
        sa.Column("dedupe_key", sa.String(100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("parse_mode", sa.String(20), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", UTC_DATETIME, nullable=False),
        sa.Column("claimed_at", UTC_DATETIME, nullable=True),
        sa.Column("sent_at", UTC_DATETIME, nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.UniqueConstraint("dedupe_key", "chat_id", name="uq_outbox_key_chat"),
    )
    op.create_index("ix_outbox_claim", "outbox", ["channel", "status", "not_before", "id"])
    op.create_index("ix_outbox_broadcast", "outbox", ["broadcast_id", "status"])
    op.create_table(
        "reminder_runs",
        _id(),
        sa.Column(
            "deadline_id",
            sa.Integer(),
            sa.ForeignKey("deadlines.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("offset_label", sa.String(20), nullable=False),
        sa.Column("fired_at", UTC_DATETIME, nullable=False),
        sa.Column("enqueued", sa.Integer(), nullable=False),
        sa.UniqueConstraint("deadline_id", "offset_label", name="uq_reminder_runs"),
    )


def downgrade() -> None:
    for table in ("reminder_runs", "outbox", "broadcasts", "organisations", "subscriptions",
                  "audit_log", "staff_members", "profiles"):  # fmt: skip
        op.drop_table(table)
