"""Ids of deleted conversations and messages are never given out again.

SQLite gives a new row max(rowid) + 1, so deleting the newest chat and starting
another reused its id: a second window, or a search hit, still holding the old
id then pointed at the new chat. ``AUTOINCREMENT`` would need the tables rebuilt,
and dropping the old ``conversations`` table with foreign keys on cascades into
``messages``; instead this table keeps the highest id ever given per table, and
:func:`aigc_desktop.store.db.assign_ids` hands out ids above it.

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "id_high_water",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.Integer, nullable=False, server_default="0"),
    )
    for table in ("conversations", "messages"):
        op.execute(
            f"INSERT INTO id_high_water (name, value) SELECT '{table}', coalesce(max(id), 0) FROM {table}"
        )


def downgrade() -> None:
    op.drop_table("id_high_water")
