"""A rating on each section version (👍 = 1, 👎 = -1, none = NULL), as 0006 gave messages:
the writing studio's feedback, exported as preference pairs beside the replies'
(``store/feedback.py``). Stored as the same integers as ``messages.rating`` so one
meaning holds across both tables; ``DocumentStore`` speaks "up" / "down" / None.

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild of section_versions would cascade through
    # its foreign key to sections.
    op.add_column("section_versions", sa.Column("rating", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE section_versions DROP COLUMN rating")
