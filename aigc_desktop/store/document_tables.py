"""The writing studio's tables (migrations 0005, 0007, 0009, 0013) and the few rules on their rows
that both the document store and its runs (:mod:`~aigc_desktop.store.section_runs`) follow.

SQLAlchemy Core tables rather than ORM classes in ``schema.py``: the writing studio's
queries are few and plain, and ids are taken explicitly with
:func:`aigc_desktop.store.db.reserve_ids` (never reused).
"""

from __future__ import annotations

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text, select, update

from aigc_desktop.store.schema import utcnow

SECTION_STATUSES = ("empty", "drafting", "done", "stopped", "interrupted", "error")

_meta = MetaData()
documents = Table(
    "documents", _meta,
    Column("id", Integer, primary_key=True),
    Column("title", String(500)),
    Column("brief", Text),
    Column("model", String(1000)),
    Column("created_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True)),
    Column("lead", Text),  # migration 0009: the article's lead paragraph
    Column("toc", Integer),  # migration 0009: 1 when the article shows a table of contents
    Column("prompt_template", Text),  # migration 0009: the document's own section prompt ("" = default)
    Column("thinking", Integer),  # migration 0013: 1 when sections are drafted with thinking on (NULL, 0: off)
    Column("kbs", JSON),  # migration 0014: uids of the knowledge bases its sections are grounded in
)
sections = Table(
    "sections", _meta,
    Column("id", Integer, primary_key=True),
    Column("document_id", Integer, ForeignKey("documents.id", ondelete="CASCADE")),
    Column("position", Integer),
    Column("title", String(500)),
    Column("notes", Text),
    Column("status", String(16)),
    Column("current_version_id", Integer),
)
versions = Table(
    "section_versions", _meta,
    Column("id", Integer, primary_key=True),
    Column("section_id", Integer, ForeignKey("sections.id", ondelete="CASCADE")),
    Column("text", Text),
    Column("prompt", Text),
    Column("created_at", DateTime(timezone=True)),
    Column("stats", JSON),  # the run's stats; "status" says how it ended (version_status)
    Column("rating", Integer),  # migration 0007: 1 👍, -1 👎, NULL unrated (as messages.rating)
    Column("citations", JSON),  # migration 0014: the passages a grounded run was given, numbered "n"
)


def version_status(stats: dict | None) -> str | None:
    """How the run that wrote a version ended: ``done`` (a hand edit too), ``stopped``, ``error``,
    ``drafting`` or ``interrupted``; None for a version from before versions kept it whose
    stats do not tell either."""
    stats = stats or {}
    if stats.get("status"):
        return stats["status"]
    if stats.get("error"):
        return "error"
    if stats.get("finish_reason") == "cancelled":
        return "stopped"
    if stats.get("finish_reason") or stats.get("mode") == "edit":
        return "done"
    return None


def status_of(conn, version_id: int | None) -> str | None:
    """:func:`version_status` of a stored version (None for none)."""
    if version_id is None:
        return None
    return version_status(conn.execute(select(versions.c.stats).where(versions.c.id == version_id)).scalar())


def touch(conn, section_id: int) -> None:
    """The section's document was changed now (the document list is newest first)."""
    doc = select(sections.c.document_id).where(sections.c.id == section_id).scalar_subquery()
    conn.execute(update(documents).where(documents.c.id == doc).values(updated_at=utcnow()))
