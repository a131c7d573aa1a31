"""A document keeps its lead paragraph and whether the article shows a table of
contents, so an export made next week, from the CLI or another format, is the same
article the person assembled in the window (before, both lived only in the window);
and its own section prompt template, when the person edited the default one.

Revision ID: 0009
Revises: 0008
"""
import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: a batch rebuild of documents would cascade through the
    # sections' foreign key.
    op.add_column("documents", sa.Column("lead", sa.Text(), nullable=True))
    op.add_column("documents", sa.Column("toc", sa.Integer(), nullable=True))
    op.add_column("documents", sa.Column("prompt_template", sa.Text(), nullable=True))


def downgrade() -> None:
    op.execute("ALTER TABLE documents DROP COLUMN prompt_template")
    op.execute("ALTER TABLE documents DROP COLUMN toc")
    op.execute("ALTER TABLE documents DROP COLUMN lead")
