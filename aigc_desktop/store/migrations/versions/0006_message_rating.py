"""A rating on each message (👍 = 1, 👎 = -1, none = NULL): the feedback a person gives a
reply, kept on their own machine and exportable as preference pairs (``store/feedback.py``).

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: rebuilding the table (batch mode) would cascade-delete through
    # the foreign keys and drop the search triggers.
    op.add_column("messages", sa.Column("rating", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE messages DROP COLUMN rating")
