"""Documents of the writing studio: a title, a brief and an ordered outline of
sections, each section's text kept as versions (like sibling replies).

Ids come from ``id_high_water`` like conversations and messages, so a deleted
document's or version's id is never given out again.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("documents", "sections", "section_versions")


def upgrade() -> None:
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(500), nullable=False, server_default=""),
        sa.Column("brief", sa.Text, nullable=False, server_default=""),
        sa.Column("model", sa.String(1000)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False, index=True),
    )
    op.create_table(
        "sections",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("title", sa.String(500), nullable=False, server_default=""),
        sa.Column("notes", sa.Text, nullable=False, server_default=""),
        sa.Column("status", sa.String(16), nullable=False, server_default="empty", index=True),
        # Not a foreign key, like conversations.current_leaf_id: the two tables
        # then do not depend on each other for inserts and deletes.
        sa.Column("current_version_id", sa.Integer),
    )
    op.create_table(
        "section_versions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("section_id", sa.Integer, sa.ForeignKey("sections.id", ondelete="CASCADE"),
                  nullable=False, index=True),
        sa.Column("text", sa.Text, nullable=False, server_default=""),
        sa.Column("prompt", sa.Text, nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stats", sa.JSON, nullable=False, server_default="{}"),
    )
    for table in TABLES:
        op.execute(f"INSERT INTO id_high_water (name, value) VALUES ('{table}', 0)")


def downgrade() -> None:
    op.execute("DELETE FROM id_high_water WHERE name IN ('documents', 'sections', 'section_versions')")
    op.drop_table("section_versions")
    op.drop_table("sections")
    op.drop_table("documents")
