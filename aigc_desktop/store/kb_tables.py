"""The knowledge base's tables (migration 0014), as SQLAlchemy Core tables like the writing studio's.

``knowledge_bases`` and ``kb_sources`` are the person's definitions (they carry a ``uid`` and
travel with sync); ``kb_files``, ``kb_chunks``, ``kb_fts`` and ``kb_vectors`` are derived from
the files and rebuilt by an index run on each device (:mod:`aigc_desktop.kb.sync`).
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Float, ForeignKey, Integer, LargeBinary, MetaData, Table, Text

_meta = MetaData()
knowledge_bases = Table(
    "knowledge_bases", _meta,
    Column("id", Integer, primary_key=True),
    Column("uid", Text, nullable=False, unique=True),
    Column("name", Text, nullable=False, unique=True),
    Column("embedding_model", Text),  # a model file's name or path; NULL: keyword search only
    Column("created_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True)),  # bumped on every index change (the vector cache's key)
)
kb_sources = Table(
    "kb_sources", _meta,
    Column("id", Integer, primary_key=True),
    Column("uid", Text, nullable=False, unique=True),
    Column("kb_id", Integer, ForeignKey("knowledge_bases.id", ondelete="CASCADE"), nullable=False),
    Column("path", Text, nullable=False),  # a file or a folder (read recursively)
)
kb_files = Table(
    "kb_files", _meta,
    Column("id", Integer, primary_key=True),
    Column("kb_id", Integer, ForeignKey("knowledge_bases.id", ondelete="CASCADE"), nullable=False),
    Column("path", Text, nullable=False),
    Column("size", Integer),
    Column("mtime", Float),
    Column("sha256", Text),
    Column("chunks", Integer),
    Column("indexed_at", DateTime(timezone=True)),
    Column("error", Text),  # why it could not be read (NULL: indexed)
)
kb_chunks = Table(
    "kb_chunks", _meta,
    Column("id", Integer, primary_key=True),
    Column("kb_id", Integer, ForeignKey("knowledge_bases.id", ondelete="CASCADE"), nullable=False),
    Column("file_id", Integer, ForeignKey("kb_files.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("heading", Text),  # the heading path, "A › B"
    Column("page", Integer),  # 1-based (PDF); NULL elsewhere
    Column("start", Integer, nullable=False),  # offsets into the file's parsed text (kb/parse.py)
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("text_hash", Text, nullable=False),  # of what is embedded (heading + text): the vector's key
)
kb_vectors = Table(
    "kb_vectors", _meta,
    Column("id", Integer, primary_key=True),
    Column("kb_id", Integer, ForeignKey("knowledge_bases.id", ondelete="CASCADE"), nullable=False),
    Column("model", Text, nullable=False),
    Column("text_hash", Text, nullable=False),
    Column("dim", Integer, nullable=False),
    Column("vector", LargeBinary, nullable=False),  # float32, L2-normalised
)

__all__ = ["kb_chunks", "kb_files", "kb_sources", "kb_vectors", "knowledge_bases"]
