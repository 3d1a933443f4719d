"""any directive: issuer and document kind, drafts awaiting confirmation, passages, deadline kinds

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

UTC_DATETIME = sa.DateTime(timezone=True)
DIRECTIVE_COLUMNS: tuple[sa.Column[object], ...] = (
    sa.Column("status", sa.String(20), nullable=False, server_default="live"),
    sa.Column("issuer_kind", sa.String(30), nullable=False, server_default="other"),
    sa.Column("doc_kind", sa.String(30), nullable=False, server_default="cong_van"),
    sa.Column("tet_year", sa.Integer(), nullable=True),
    sa.Column("province_source", sa.String(20), nullable=False, server_default=""),
    sa.Column("restates", sa.String(300), nullable=True),
    sa.Column("source_title", sa.Text(), nullable=True),
    sa.Column("source_site", sa.String(200), nullable=True),
    sa.Column("published", sa.String(10), nullable=True),
    sa.Column("ocr", sa.Boolean(), nullable=False, server_default=sa.false()),
    sa.Column("ocr_confidence", sa.Float(), nullable=True),
    sa.Column("hints", sa.JSON(), nullable=True),
)
DEADLINE_COLUMNS: tuple[sa.Column[object], ...] = (
    sa.Column("kind", sa.String(10), nullable=False, server_default="once"),
    sa.Column("starts_at", UTC_DATETIME, nullable=True),
    sa.Column("until_on", sa.Date(), nullable=True),
)


def upgrade() -> None:
    with op.batch_alter_table("directives", schema=None) as batch_op:
        for column in DIRECTIVE_COLUMNS:
            batch_op.add_column(column.copy())
        batch_op.create_index("ix_directives_status", ["status"])
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        for column in DEADLINE_COLUMNS:
            batch_op.add_column(column.copy())
    op.create_table(
        "passages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "directive_id",
            sa.Integer(),
            sa.ForeignKey("directives.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("heading", sa.Text(), nullable=True),
        sa.Column("audiences", sa.String(300), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_passages_directive_id", "passages", ["directive_id"])
    op.create_table(
        "directive_drafts",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("source_name", sa.String(255), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("hints", sa.JSON(), nullable=True),
        sa.Column("ocr", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("ocr_confidence", sa.Float(), nullable=True),
        sa.Column("read_warnings", sa.Text(), nullable=False, server_default=""),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("created_by", sa.String(100), nullable=True),
    )
    # Stored directives are parsed again at the next start (parser_version 2) and fill the rest.


def downgrade() -> None:
    op.drop_table("directive_drafts")
    op.drop_index("ix_passages_directive_id", table_name="passages")
    op.drop_table("passages")
    with op.batch_alter_table("deadlines", schema=None) as batch_op:
        for column in reversed(DEADLINE_COLUMNS):
            batch_op.drop_column(column.name)
    with op.batch_alter_table("directives", schema=None) as batch_op:
        batch_op.drop_index("ix_directives_status")
        for column in reversed(DIRECTIVE_COLUMNS):
            batch_op.drop_column(column.name)
