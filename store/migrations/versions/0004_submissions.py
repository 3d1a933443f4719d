"""submissions: duty rosters, incident reports (with alerts) and results reports

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Same storage as store.models.UTCDateTime (migrations never import the models).
UTC_DATETIME = sa.DateTime(timezone=True)


def _submissions() -> None:
    op.create_table(
        "submissions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=30), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("submitter_channel", sa.String(length=30), nullable=False),
        sa.Column("submitter_id", sa.String(length=100), nullable=False),
        sa.Column("submitter_name", sa.String(length=200), nullable=True),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.Column("organisation_folded", sa.String(length=300), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("directive_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("late", sa.Boolean(), nullable=False),
        sa.Column("forward_status", sa.String(length=10), nullable=True),
        sa.Column("forward_attempts", sa.Integer(), nullable=False),
        sa.Column("forward_next_at", UTC_DATETIME, nullable=True),
        sa.Column("forward_last_error", sa.Text(), nullable=True),
        sa.Column("forwarded_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(["directive_id"], ["directives.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "idempotency_key", name="uq_submissions_kind_key"),
        sa.UniqueConstraint("kind", "year", "seq", name="uq_submissions_kind_year_seq"),
        sa.UniqueConstraint("reference"),
    )
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_submissions_created_at"), ["created_at"])
        batch_op.create_index(batch_op.f("ix_submissions_directive_id"), ["directive_id"])
        batch_op.create_index(batch_op.f("ix_submissions_forward_status"), ["forward_status"])
        batch_op.create_index(
            batch_op.f("ix_submissions_organisation_folded"), ["organisation_folded"]
        )
        batch_op.create_index(batch_op.f("ix_submissions_province"), ["province"])
        batch_op.create_index(
            "ix_submissions_submitter", ["submitter_channel", "submitter_id"], unique=False
        )


def _counters() -> None:
    op.create_table(
        "submission_counters",
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year"),
    )


def _incident_reports() -> None:
    op.create_table(
        "incident_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=10), nullable=False),
        sa.Column("parent_submission_id", sa.Integer(), nullable=True),
        sa.Column("contact_name", sa.String(length=200), nullable=False),
        sa.Column("contact_phone_e164", sa.String(length=20), nullable=False),
        sa.Column("contact_phone_display", sa.String(length=40), nullable=False),
        sa.Column("category", sa.String(length=30), nullable=False),
        sa.Column("detected_at", UTC_DATETIME, nullable=False),
        sa.Column("area", sa.Text(), nullable=False),
        sa.Column("services_affected", sa.Text(), nullable=False),
        sa.Column("bts_down", sa.Integer(), nullable=True),
        sa.Column("bts_total", sa.Integer(), nullable=True),
        sa.Column("routes_cut", sa.Integer(), nullable=True),
        sa.Column("subscribers_affected", sa.Integer(), nullable=True),
        sa.Column("severity", sa.String(length=20), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=True),
        sa.Column("actions_taken", sa.Text(), nullable=True),
        sa.Column("support_needed", sa.Text(), nullable=True),
        sa.Column("restored_at", UTC_DATETIME, nullable=True),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["parent_submission_id"], ["submissions.id"], ondelete="RESTRICT"),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id"),
    )
    with op.batch_alter_table("incident_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_reports_detected_at"), ["detected_at"])
        batch_op.create_index(
            batch_op.f("ix_incident_reports_parent_submission_id"), ["parent_submission_id"]
        )


def _results_reports() -> None:
    op.create_table(
        "results_reports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("file_reference", sa.String(length=500), nullable=True),
        sa.Column("deadline", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("submission_id"),
    )


def _roster_entries() -> None:
    op.create_table(
        "roster_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.Column("organisation_folded", sa.String(length=300), nullable=False),
        sa.Column("province", sa.String(length=100), nullable=False),
        sa.Column("duty_type", sa.String(length=30), nullable=False),
        sa.Column("duty_date", sa.Date(), nullable=False),
        sa.Column("lunar_text", sa.String(length=50), nullable=True),
        sa.Column("shift_start", sa.Time(), nullable=True),
        sa.Column("shift_end", sa.Time(), nullable=True),
        sa.Column("all_day", sa.Boolean(), nullable=False),
        sa.Column("overnight", sa.Boolean(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=False),
        sa.Column("phone_e164", sa.String(length=20), nullable=False),
        sa.Column("phone_display", sa.String(length=40), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("substitute", sa.String(length=300), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("roster_entries", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_roster_entries_duty_date"), ["duty_date"])
        batch_op.create_index(
            batch_op.f("ix_roster_entries_organisation_folded"), ["organisation_folded"]
        )
        batch_op.create_index(batch_op.f("ix_roster_entries_province"), ["province"])
        batch_op.create_index(batch_op.f("ix_roster_entries_submission_id"), ["submission_id"])


def _alerts() -> None:
    op.create_table(
        "alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("delivered_at", UTC_DATETIME, nullable=True),
        sa.ForeignKeyConstraint(["incident_id"], ["incident_reports.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_alerts_delivered_at"), ["delivered_at"])
        batch_op.create_index(batch_op.f("ix_alerts_incident_id"), ["incident_id"])


def upgrade() -> None:
    _submissions()
    _counters()
    _incident_reports()
    _results_reports()
    _roster_entries()
    _alerts()


def downgrade() -> None:
    for table in (
        "alerts",
        "roster_entries",
        "results_reports",
        "incident_reports",
        "submission_counters",
    ):
        op.drop_table(table)  # their indexes go with them
    op.drop_table("submissions")
