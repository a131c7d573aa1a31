"""Knowledge bases (kb/): bases, sources, files, chunks, the keyword index, vectors; citations on replies and section versions.

``kb_fts`` is a plain FTS5 table (unicode61) whose ``tokens`` column holds text already cut
by jieba plus CJK character bigrams (``kb/segment.py``): SQLite's own tokenizers find no
two-character Chinese word. A trigger drops a chunk's row when the chunk goes, also when
it goes by ON DELETE CASCADE (a file, a knowledge base). Vectors are keyed by the text they
embed (``text_hash``) per model, so a renamed file or an unchanged chunk of an edited file
needs no new embedding.

Revision ID: 0014
Revises: 0013
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "knowledge_bases",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.Text(), nullable=False, unique=True),
        sa.Column("name", sa.Text(), nullable=False, unique=True),
        sa.Column("embedding_model", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True)),
        sa.Column("updated_at", sa.DateTime(timezone=True)),
    )
    op.create_table(
        "kb_sources",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("uid", sa.Text(), nullable=False, unique=True),
        sa.Column("kb_id", sa.Integer(), sa.ForeignKey("knowledge_bases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.UniqueConstraint("kb_id", "path", name="uq_kb_sources_kb_path"),
    )
    op.create_table(
        "kb_files",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kb_id", sa.Integer(), sa.ForeignKey("knowledge_bases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("path", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer()),
        sa.Column("mtime", sa.Float()),
        sa.Column("sha256", sa.Text()),
        sa.Column("chunks", sa.Integer(), server_default="0"),
        sa.Column("indexed_at", sa.DateTime(timezone=True)),
        sa.Column("error", sa.Text()),
        sa.UniqueConstraint("kb_id", "path", name="uq_kb_files_kb_path"),
    )
    op.create_table(
        "kb_chunks",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kb_id", sa.Integer(), sa.ForeignKey("knowledge_bases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("file_id", sa.Integer(), sa.ForeignKey("kb_files.id", ondelete="CASCADE"), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("heading", sa.Text(), server_default=""),
        sa.Column("page", sa.Integer()),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.Text(), nullable=False),
    )
    op.create_index("ix_kb_chunks_kb", "kb_chunks", ["kb_id", "text_hash"])
    op.create_index("ix_kb_chunks_file", "kb_chunks", ["file_id"])
    op.create_table(
        "kb_vectors",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kb_id", sa.Integer(), sa.ForeignKey("knowledge_bases.id", ondelete="CASCADE"), nullable=False),
        sa.Column("model", sa.Text(), nullable=False),
        sa.Column("text_hash", sa.Text(), nullable=False),
        sa.Column("dim", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.UniqueConstraint("kb_id", "model", "text_hash", name="uq_kb_vectors_text"),
    )
    op.execute("CREATE VIRTUAL TABLE kb_fts USING fts5(tokens, kb_id UNINDEXED, tokenize='unicode61')")
    op.execute("CREATE TRIGGER kb_chunks_fts_ad AFTER DELETE ON kb_chunks BEGIN "
               "DELETE FROM kb_fts WHERE rowid = old.id; END")
    # Plain ADD COLUMNs: a batch rebuild of messages, conversations or documents would cascade.
    op.add_column("messages", sa.Column("citations", sa.JSON(), nullable=True))
    op.add_column("conversations", sa.Column("kbs", sa.JSON(), nullable=True))
    op.add_column("documents", sa.Column("kbs", sa.JSON(), nullable=True))
    op.add_column("section_versions", sa.Column("citations", sa.JSON(), nullable=True))


def downgrade() -> None:
    for table, column in (("section_versions", "citations"), ("documents", "kbs"), ("conversations", "kbs"),
                          ("messages", "citations")):
        op.execute(f"ALTER TABLE {table} DROP COLUMN {column}")
    op.execute("DROP TRIGGER IF EXISTS kb_chunks_fts_ad")
    op.execute("DROP TABLE IF EXISTS kb_fts")
    for table in ("kb_vectors", "kb_chunks", "kb_files", "kb_sources", "knowledge_bases"):
        op.drop_table(table)
