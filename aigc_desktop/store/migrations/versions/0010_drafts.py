"""Each conversation keeps the unsent text of its message box: typing in one chat
and switching to another no longer carries the text along (it was once sent into
the wrong chat), and a draft survives a restart.

A table rather than a column of ``conversations``: saving a draft as the person
types must not touch the conversation row (its ``updated_at`` orders the
sidebar, and every write to it refreshes the list).

Revision ID: 0010
Revises: 0009
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "drafts",
        sa.Column("conversation_id", sa.Integer,
                  sa.ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
    )


def downgrade() -> None:
    op.drop_table("drafts")
