"""The document repository of the writing studio (tables from migration 0005).

A document is a title, a brief and an ordered outline of sections; each section
keeps its text as versions, and its ``current_version_id`` says which one the
article shows (like a conversation's current branch). Like
:mod:`aigc_desktop.store.conversations` it returns frozen records, never rows
or ORM objects, so no caller holds a session across a generation.

The tables are SQLAlchemy Core tables declared here rather than ORM classes in
``schema.py``: the writing studio's queries are few and plain, and ids are
taken explicitly with :func:`aigc_desktop.store.db.reserve_ids` (never reused).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import (JSON, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text, delete,
                        func, select, update)

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.store.db import Database, reserve_ids
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
    Column("stats", JSON),
    Column("rating", Integer),  # migration 0007: 1 👍, -1 👎, NULL unrated (as messages.rating)
)

# The store speaks "up" / "down" / None; the column keeps messages' integers.
RATINGS = {"up": 1, "down": -1, None: None}
_RATING_NAMES = {v: k for k, v in RATINGS.items()}


def _aware(dt: datetime | None) -> datetime | None:
    if dt is None or dt.tzinfo is not None:
        return dt
    return dt.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class VersionRecord:
    id: int
    section_id: int
    text: str
    prompt: str
    created_at: datetime
    stats: dict = field(default_factory=dict)
    rating: str | None = None  # "up" 👍, "down" 👎, None unrated


@dataclass(frozen=True)
class SectionRecord:
    id: int
    document_id: int
    position: int  # 0-based order in the outline
    title: str
    notes: str
    status: str
    current_version_id: int | None
    text: str = ""  # the current version's text ("" when there is none)
    prompt: str = ""  # the prompt that produced the current version
    version_count: int = 0
    rating: str | None = None  # the current version's rating

    @property
    def index(self) -> int:
        """1-based, as people and the CLI count sections."""
        return self.position + 1


@dataclass(frozen=True)
class DocumentRecord:
    id: int
    title: str
    brief: str
    model: str | None
    created_at: datetime
    updated_at: datetime
    sections: tuple[SectionRecord, ...] = ()
    lead: str = ""  # the paragraph under the article's title
    toc: bool = False  # the article lists its sections under the title
    prompt_template: str = ""  # its own section prompt template; "" = the built-in one


class DocumentNotFound(UserError, LookupError):
    """No document or section with that id or number; the message is fit to show."""


class DocumentStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- documents --------------------------------------------------------------
    def create(self, title: str, *, brief: str = "", outline: list[str] = (),
               model: str | None = None) -> DocumentRecord:
        now = utcnow()
        with self.db.transaction() as s:
            conn = s.connection()
            doc_id = reserve_ids(conn, "documents", 1)
            conn.execute(documents.insert().values(id=doc_id, title=title, brief=brief or "", model=model,
                                                   created_at=now, updated_at=now))
            self._insert_sections(conn, doc_id, 0, list(outline))
        return self.get(doc_id)

    def _insert_sections(self, conn, doc_id: int, start: int, titles: list[str]) -> None:
        if not titles:
            return
        first = reserve_ids(conn, "sections", len(titles))
        conn.execute(sections.insert(), [
            {"id": first + i, "document_id": doc_id, "position": start + i, "title": t, "notes": "",
             "status": "empty", "current_version_id": None}
            for i, t in enumerate(titles)
        ])

    def get(self, doc_id: int) -> DocumentRecord:
        with self.db.connect() as conn:
            row = conn.execute(select(documents).where(documents.c.id == doc_id)).first()
            if row is None:
                raise DocumentNotFound(_("No document with id {id}.").format(id=doc_id))
            counts = (select(versions.c.section_id, func.count(versions.c.id).label("n"))
                      .group_by(versions.c.section_id).subquery())
            rows = conn.execute(
                select(sections, versions.c.text, versions.c.prompt, func.coalesce(counts.c.n, 0),
                       versions.c.rating)
                .outerjoin(versions, versions.c.id == sections.c.current_version_id)
                .outerjoin(counts, counts.c.section_id == sections.c.id)
                .where(sections.c.document_id == doc_id)
                .order_by(sections.c.position, sections.c.id)
            ).all()
        secs = tuple(
            SectionRecord(id=r.id, document_id=r.document_id, position=r.position, title=r.title,
                          notes=r.notes or "", status=r.status, current_version_id=r.current_version_id,
                          text=r[7] or "", prompt=r[8] or "", version_count=r[9],
                          rating=_RATING_NAMES.get(r[10]))
            for r in rows
        )
        return DocumentRecord(id=row.id, title=row.title, brief=row.brief or "", model=row.model,
                              created_at=_aware(row.created_at), updated_at=_aware(row.updated_at),
                              sections=secs, lead=row.lead or "", toc=bool(row.toc),
                              prompt_template=row.prompt_template or "")

    def list(self) -> list[DocumentRecord]:
        """Newest first, without their sections' text."""
        with self.db.connect() as conn:
            rows = conn.execute(select(documents).order_by(documents.c.updated_at.desc(),
                                                           documents.c.id.desc())).all()
        return [DocumentRecord(id=r.id, title=r.title, brief=r.brief or "", model=r.model,
                               created_at=_aware(r.created_at), updated_at=_aware(r.updated_at),
                               lead=r.lead or "", toc=bool(r.toc))
                for r in rows]

    def update(self, doc_id: int, **fields) -> DocumentRecord:
        """Change ``title``, ``brief``, ``model``, ``lead``, ``toc`` or ``prompt_template`` (others are ignored)."""
        allowed = {k: v for k, v in fields.items() if k in ("title", "brief", "model", "lead", "toc", "prompt_template")}
        if "toc" in allowed:
            allowed["toc"] = 1 if allowed["toc"] else 0
        with self.db.transaction() as s:
            s.connection().execute(update(documents).where(documents.c.id == doc_id)
                                   .values(**allowed, updated_at=utcnow()))
        return self.get(doc_id)

    def delete(self, doc_id: int) -> None:
        with self.db.transaction() as s:
            s.connection().execute(delete(documents).where(documents.c.id == doc_id))

    def _touch(self, conn, section_id: int) -> None:
        doc = select(sections.c.document_id).where(sections.c.id == section_id).scalar_subquery()
        conn.execute(update(documents).where(documents.c.id == doc).values(updated_at=utcnow()))

    # -- the outline --------------------------------------------------------------
    def section(self, doc_id: int, index: int) -> SectionRecord:
        """Section number ``index`` (1-based) of the document."""
        for sec in self.get(doc_id).sections:
            if sec.index == index:
                return sec
        raise DocumentNotFound(_("Document {id} has no section {index}.").format(id=doc_id, index=index))

    def set_outline(self, doc_id: int, titles: list[str]) -> DocumentRecord:
        """Rename, add and drop sections by position: the first ``len(titles)`` keep their text."""
        current = self.get(doc_id).sections
        with self.db.transaction() as s:
            conn = s.connection()
            for sec, title in zip(current, titles):
                conn.execute(update(sections).where(sections.c.id == sec.id).values(title=title))
            for sec in current[len(titles):]:
                conn.execute(delete(sections).where(sections.c.id == sec.id))
            self._insert_sections(conn, doc_id, len(current), list(titles[len(current):]))
            conn.execute(update(documents).where(documents.c.id == doc_id).values(updated_at=utcnow()))
        return self.get(doc_id)

    def move_section(self, doc_id: int, index: int, to: int) -> DocumentRecord:
        """Move section ``index`` to position ``to`` (both 1-based)."""
        order = [s.id for s in self.get(doc_id).sections]
        if not (1 <= index <= len(order) and 1 <= to <= len(order)):
            raise DocumentNotFound(_("Document {id} has no section {index}.").format(id=doc_id, index=index))
        order.insert(to - 1, order.pop(index - 1))
        with self.db.transaction() as s:
            for pos, sid in enumerate(order):
                s.connection().execute(update(sections).where(sections.c.id == sid).values(position=pos))
        return self.get(doc_id)

    def rename_section(self, doc_id: int, index: int, title: str) -> DocumentRecord:
        """Section ``index`` (1-based) gets ``title``; its text and versions stay."""
        if not title.strip():
            raise UserError(_("A section needs a title."))
        sec = self.section(doc_id, index)
        with self.db.transaction() as s:
            conn = s.connection()
            conn.execute(update(sections).where(sections.c.id == sec.id).values(title=title.strip()))
            self._touch(conn, sec.id)
        return self.get(doc_id)

    def add_section(self, doc_id: int, title: str = "", *, at: int | None = None) -> DocumentRecord:
        """A new empty section at number ``at`` (1-based; default: last), the ones from there moved down."""
        count = len(self.get(doc_id).sections)
        at = count + 1 if at is None else at
        if not 1 <= at <= count + 1:
            raise DocumentNotFound(_("Document {id} has no section {index}.").format(id=doc_id, index=at))
        with self.db.transaction() as s:
            conn = s.connection()
            conn.execute(update(sections).where(sections.c.document_id == doc_id, sections.c.position >= at - 1)
                         .values(position=sections.c.position + 1))
            self._insert_sections(conn, doc_id, at - 1, [title.strip() or _("New section")])
            conn.execute(update(documents).where(documents.c.id == doc_id).values(updated_at=utcnow()))
        return self.get(doc_id)

    def delete_section(self, doc_id: int, index: int) -> DocumentRecord:
        """Remove section ``index`` (1-based) with all its versions; the ones after it move up.

        In one transaction, where removing by position with :meth:`set_outline` needed
        a move to the end first. The last section is kept: a document has an outline."""
        doc = self.get(doc_id)
        sec = self.section(doc_id, index)
        if len(doc.sections) <= 1:
            raise UserError(_("A document keeps at least one section."))
        with self.db.transaction() as s:
            conn = s.connection()
            conn.execute(delete(sections).where(sections.c.id == sec.id))  # its versions go by the foreign key
            conn.execute(update(sections).where(sections.c.document_id == doc_id, sections.c.position > sec.position)
                         .values(position=sections.c.position - 1))
            conn.execute(update(documents).where(documents.c.id == doc_id).values(updated_at=utcnow()))
        return self.get(doc_id)

    def set_notes(self, section_id: int, notes: str) -> None:
        """The section's notes: points the draft prompt tells the model to cover."""
        with self.db.transaction() as s:
            conn = s.connection()
            conn.execute(update(sections).where(sections.c.id == section_id).values(notes=notes.strip()))
            self._touch(conn, section_id)

    def set_status(self, section_id: int, status: str) -> None:
        assert status in SECTION_STATUSES, status
        with self.db.transaction() as s:
            conn = s.connection()
            conn.execute(update(sections).where(sections.c.id == section_id).values(status=status))
            self._touch(conn, section_id)

    # -- versions -----------------------------------------------------------------
    def add_version(self, section_id: int, text: str = "", *, prompt: str = "", stats: dict | None = None,
                    status: str | None = None) -> VersionRecord:
        """A new version, made current (optionally setting the section's status in the same commit)."""
        now = utcnow()
        with self.db.transaction() as s:
            conn = s.connection()
            vid = reserve_ids(conn, "section_versions", 1)
            conn.execute(versions.insert().values(id=vid, section_id=section_id, text=text, prompt=prompt,
                                                  created_at=now, stats=dict(stats or {})))
            values = {"current_version_id": vid}
            if status is not None:
                values["status"] = status
            conn.execute(update(sections).where(sections.c.id == section_id).values(**values))
            self._touch(conn, section_id)
        return VersionRecord(vid, section_id, text, prompt, now, dict(stats or {}))

    def update_version(self, version_id: int, *, text: str | None = None, stats: dict | None = None) -> None:
        values = {k: v for k, v in (("text", text), ("stats", stats)) if v is not None}
        with self.db.transaction() as s:
            s.connection().execute(update(versions).where(versions.c.id == version_id).values(**values))

    def finish_version(self, section_id: int, version_id: int, text: str, stats: dict, status: str) -> None:
        """The last write of a run: its text, stats and the section's status, in one commit."""
        with self.db.transaction() as s:
            conn = s.connection()
            conn.execute(update(versions).where(versions.c.id == version_id).values(text=text, stats=stats))
            conn.execute(update(sections).where(sections.c.id == section_id).values(status=status))
            self._touch(conn, section_id)

    def versions(self, section_id: int) -> list[VersionRecord]:
        with self.db.connect() as conn:
            rows = conn.execute(select(versions).where(versions.c.section_id == section_id)
                                .order_by(versions.c.id)).all()
        return [VersionRecord(r.id, r.section_id, r.text, r.prompt, _aware(r.created_at), dict(r.stats or {}),
                              _RATING_NAMES.get(r.rating))
                for r in rows]

    def rate_version(self, version_id: int, rating: str | None) -> None:
        """👍 ("up"), 👎 ("down") or no rating (None) on a section version."""
        if rating not in RATINGS:
            raise UserError(_('A rating is "up", "down" or none, not "{rating}".').format(rating=rating))
        with self.db.transaction() as s:
            res = s.connection().execute(update(versions).where(versions.c.id == version_id)
                                         .values(rating=RATINGS[rating]))
            if not res.rowcount:
                raise DocumentNotFound(_("No section version with id {id}.").format(id=version_id))

    def select_version(self, section_id: int, version_id: int) -> None:
        with self.db.transaction() as s:
            s.connection().execute(update(sections).where(sections.c.id == section_id)
                                   .values(current_version_id=version_id))

    # -- start-up -------------------------------------------------------------------
    def recover(self) -> int:
        """Sections left ``drafting`` by a killed app become ``interrupted`` (their text was checkpointed)."""
        with self.db.transaction() as s:
            res = s.connection().execute(update(sections).where(sections.c.status == "drafting")
                                         .values(status="interrupted"))
            return res.rowcount or 0
