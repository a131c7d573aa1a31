"""The person's own prompt templates (提示词模板): a name, a body with ``{name}``
variables and the language it is written in. The built-ins are data in
``writing/templates.py``, not rows, so an update can improve them.

Ids come from ``id_high_water`` like every other table's, so a deleted
template's id is never given to the next one (a picker or a script holding it
would otherwise open the wrong template).

Revision ID: 0008
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "prompt_templates",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("language", sa.String(8), nullable=False, server_default="zh"),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.execute("INSERT INTO id_high_water (name, value) VALUES ('prompt_templates', 0)")


def downgrade() -> None:
    op.execute("DELETE FROM id_high_water WHERE name = 'prompt_templates'")
    op.drop_table("prompt_templates")
