"""The document repository of the writing studio (tables from migration 0005).

A document is a title, a brief and an ordered outline of sections; each section
keeps its text as versions, and its ``current_version_id`` says which one the
article shows (like a conversation's current branch). Each version keeps how the
run that wrote it ended (``stats["status"]``), and a section's status is its chosen
version's, except ``drafting`` while a run writes. A run that stops or fails never
takes a finished chosen version's place (:mod:`~aigc_desktop.store.section_runs`):
its text is kept as another version to pick. Like
:mod:`aigc_desktop.store.conversations` it returns frozen records, never rows
or ORM objects, so no caller holds a session across a generation.

The tables are :mod:`~aigc_desktop.store.document_tables`' (SQLAlchemy Core).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import delete, func, select, update

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.store import section_runs
from aigc_desktop.store.db import Database, reserve_ids
from aigc_desktop.store.document_tables import (SECTION_STATUSES, documents, sections, touch, version_status,
                                                versions)
from aigc_desktop.store.schema import utcnow

__all__ = ["SECTION_STATUSES", "DocumentNotFound", "DocumentRecord", "DocumentStore", "SectionRecord",
           "VersionRecord", "version_status"]

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
    citations: list = field(default_factory=list)  # a grounded run's passages, numbered "n" (kb/citations.py)

    @property
    def status(self) -> str | None:
        """How the run that wrote it ended (:func:`version_status`)."""
        return version_status(self.stats)


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
    finished: bool = False  # one of its versions is finished text (Draft all leaves it alone)
    citations: list = field(default_factory=list)  # the current version's sources (a grounded run's)

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
    thinking: bool = False  # sections drafted with a hybrid model's thinking on (off: faster)
    kbs: tuple = ()  # uids of the knowledge bases its sections are grounded in (kb/)


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
                       versions.c.rating, versions.c.citations.label("v_citations"))
                .outerjoin(versions, versions.c.id == sections.c.current_version_id)
                .outerjoin(counts, counts.c.section_id == sections.c.id)
                .where(sections.c.document_id == doc_id)
                .order_by(sections.c.position, sections.c.id)
            ).all()
            finished = {sid for sid, stats in conn.execute(
                select(versions.c.section_id, versions.c.stats).join(sections, sections.c.id == versions.c.section_id)
                .where(sections.c.document_id == doc_id)) if version_status(stats) == "done"}
        secs = tuple(
            SectionRecord(id=r.id, document_id=r.document_id, position=r.position, title=r.title,
                          notes=r.notes or "", status=r.status, current_version_id=r.current_version_id,
                          text=r[7] or "", prompt=r[8] or "", version_count=r[9],
                          rating=_RATING_NAMES.get(r[10]),
                          # an older database's versions may not say; a done section's chosen one is finished
                          finished=r.id in finished or (r.status == "done" and r.current_version_id is not None),
                          citations=list(r.v_citations or []))
            for r in rows
        )
        return DocumentRecord(id=row.id, title=row.title, brief=row.brief or "", model=row.model,
                              created_at=_aware(row.created_at), updated_at=_aware(row.updated_at),
                              sections=secs, lead=row.lead or "", toc=bool(row.toc),
                              prompt_template=row.prompt_template or "", thinking=bool(row.thinking),
                              kbs=tuple(row.kbs or ()))

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
        """Change ``title``, ``brief``, ``model``, ``lead``, ``toc``, ``prompt_template``, ``thinking`` or
        ``kbs`` (knowledge-base uids; others are ignored)."""
        allowed = {k: v for k, v in fields.items()
                   if k in ("title", "brief", "model", "lead", "toc", "prompt_template", "thinking", "kbs")}
        if "kbs" in allowed:
            allowed["kbs"] = list(dict.fromkeys(allowed["kbs"] or ()))
        for flag in ("toc", "thinking"):
            if flag in allowed:
                allowed[flag] = 1 if allowed[flag] else 0
        with self.db.transaction() as s:
            s.connection().execute(update(documents).where(documents.c.id == doc_id)
                                   .values(**allowed, updated_at=utcnow()))
        return self.get(doc_id)

    def delete(self, doc_id: int) -> None:
        with self.db.transaction() as s:
            s.connection().execute(delete(documents).where(documents.c.id == doc_id))

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
            touch(conn, sec.id)
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
            touch(conn, section_id)

    def set_status(self, section_id: int, status: str) -> None:
        assert status in SECTION_STATUSES, status
        with self.db.transaction() as s:
            conn = s.connection()
            conn.execute(update(sections).where(sections.c.id == section_id).values(status=status))
            touch(conn, section_id)

    # -- versions -----------------------------------------------------------------
    def add_version(self, section_id: int, text: str = "", *, prompt: str = "", stats: dict | None = None,
                    status: str | None = None) -> VersionRecord:
        """A new version, made current (a hand edit; optionally setting the section's status, which the
        version keeps as its own, in the same commit)."""
        stats = dict(stats or {})
        if status is not None:
            stats.setdefault("status", status)
        with self.db.transaction() as s:
            conn = s.connection()
            now = utcnow()
            vid = reserve_ids(conn, "section_versions", 1)
            conn.execute(versions.insert().values(id=vid, section_id=section_id, text=text, prompt=prompt,
                                                  created_at=now, stats=stats))
            version = VersionRecord(vid, section_id, text, prompt, now, dict(stats))
            values = {"current_version_id": version.id}
            if status is not None:
                values["status"] = status
            conn.execute(update(sections).where(sections.c.id == section_id).values(**values))
            touch(conn, section_id)
        return version

    def begin_run(self, section_id: int, text: str = "", *, prompt: str = "",
                  stats: dict | None = None) -> VersionRecord:
        """A run's version, stored ``drafting`` with the section before any token
        (:func:`section_runs.begin_run`: a finished chosen version stays chosen meanwhile)."""
        with self.db.transaction() as s:
            vid, now = section_runs.begin_run(s.connection(), section_id, text, prompt, dict(stats or {}))
        return VersionRecord(vid, section_id, text, prompt, now, {**(stats or {}), "status": "drafting"})

    def update_version(self, version_id: int, *, text: str | None = None, stats: dict | None = None) -> None:
        """A running version's checkpoint (its text so far)."""
        values = {k: v for k, v in (("text", text), ("stats", stats)) if v is not None}
        with self.db.transaction() as s:
            s.connection().execute(update(versions).where(versions.c.id == version_id).values(**values))

    def finish_run(self, section_id: int, version_id: int, text: str, stats: dict, status: str, *,
                   prefix: str = "") -> bool:
        """A run's last write, in one commit (:func:`section_runs.finish_run`): a finished run
        becomes the chosen version, a stopped or failed one does not replace a finished one, and
        one that added nothing to ``prefix`` keeps no version. True when its version is kept."""
        with self.db.transaction() as s:
            return section_runs.finish_run(s.connection(), section_id, version_id, text, stats, status, prefix)

    def versions(self, section_id: int) -> list[VersionRecord]:
        with self.db.connect() as conn:
            rows = conn.execute(select(versions).where(versions.c.section_id == section_id)
                                .order_by(versions.c.id)).all()
        return [VersionRecord(r.id, r.section_id, r.text, r.prompt, _aware(r.created_at), dict(r.stats or {}),
                              _RATING_NAMES.get(r.rating), list(r.citations or []))
                for r in rows]

    def set_version_citations(self, version_id: int, citations: list[dict]) -> None:
        """The passages a grounded run was given (numbered ``n``), kept with the version it wrote."""
        with self.db.transaction() as s:
            s.connection().execute(update(versions).where(versions.c.id == version_id)
                                   .values(citations=list(citations)))

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
        """The person's choice of what the article shows; the section takes that version's status
        (a stopped text chosen shows as stopped, and Draft all still skips the section when
        another of its versions is finished)."""
        with self.db.transaction() as s:
            conn = s.connection()
            row = conn.execute(select(versions.c.stats).where(versions.c.id == version_id,
                                                              versions.c.section_id == section_id)).first()
            if row is None:
                raise DocumentNotFound(_("No section version with id {id}.").format(id=version_id))
            conn.execute(update(sections).where(sections.c.id == section_id).values(current_version_id=version_id))
            status = version_status(row.stats)
            if status in SECTION_STATUSES and status != "drafting":  # a run writing it keeps "drafting"
                conn.execute(update(sections).where(sections.c.id == section_id, sections.c.status != "drafting")
                             .values(status=status))

    # -- start-up -------------------------------------------------------------------
    def recover(self) -> int:
        """Sections left ``drafting`` by a killed app (:func:`section_runs.recover`): the run's text,
        checkpointed, is kept ``interrupted``; a finished version it could not replace stays chosen."""
        with self.db.transaction() as s:
            return section_runs.recover(s.connection())
