"""A reply's reasoning (a reasoning model's thinking) is stored beside its answer.

Replies saved before this kept the thinking inline, as ``<think>…</think>`` at the
start of their content; it moves into the new column, so the window, the exports
and the next prompt see only the answer. The pattern is copied here rather than
imported, so this migration means the same thing whatever the code becomes.

Revision ID: 0011
Revises: 0010
"""
import re

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_INLINE = re.compile(r"^\s*<think>(.*?)(?:</think>\s*|$)", re.S)


def upgrade() -> None:
    op.add_column("messages", sa.Column("reasoning", sa.Text, nullable=False, server_default=""))
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT id, content FROM messages WHERE role = 'assistant' AND ltrim(content) LIKE '<think>%'")).all()
    for row in rows:
        match = _INLINE.match(row.content)
        if match:
            conn.execute(sa.text("UPDATE messages SET content = :c, reasoning = :r WHERE id = :id"),
                         {"c": row.content[match.end():], "r": match.group(1).strip(), "id": row.id})


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("reasoning")
