"""Tools through MCP (tools/): the calls a reply made and their results; which servers a conversation uses.

Revision ID: 0015
Revises: 0014
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: a batch rebuild of messages would cascade through its own foreign keys.
    op.add_column("messages", sa.Column("tool_calls", sa.JSON(), nullable=False, server_default="[]"))
    op.add_column("conversations", sa.Column("tools", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    op.execute("ALTER TABLE conversations DROP COLUMN tools")
    op.execute("ALTER TABLE messages DROP COLUMN tool_calls")
