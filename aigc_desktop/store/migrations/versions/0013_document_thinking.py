"""A document keeps whether its sections are drafted with the model's thinking on: a hybrid
model (Qwen3) writes faster with it off, the default (NULL); the person can turn it on
for one document, in the window or with `write draft --thinking on`.

Revision ID: 0013
Revises: 0012
"""
import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN: a batch rebuild of documents would cascade through the sections' foreign key.
    op.add_column("documents", sa.Column("thinking", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE documents DROP COLUMN thinking")
