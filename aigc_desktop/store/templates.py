"""The person's own prompt templates (table from migration 0008).

Like :mod:`aigc_desktop.store.documents`: SQLAlchemy Core, frozen records (never
rows), ids taken with :func:`aigc_desktop.store.db.reserve_ids` so a deleted
template's id is never given out again. The built-ins are not stored (they
live in :mod:`aigc_desktop.writing.templates`); this holds only what the
person wrote or copied from one. The checks on a name, a body and a language
are here so the CLI and the window refuse the same things with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, Text, delete, select, update

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.store.db import Database, reserve_ids
from aigc_desktop.store.schema import utcnow

LANGUAGES = ("zh", "en")
MAX_NAME = 200

_meta = MetaData()
prompt_templates = Table(
    "prompt_templates", _meta,
    Column("id", Integer, primary_key=True),
    Column("name", String(MAX_NAME)),
    Column("body", Text),
    Column("language", String(8)),
    Column("created_at", DateTime(timezone=True)),
    Column("updated_at", DateTime(timezone=True)),
)


def _aware(dt: datetime | None) -> datetime | None:
    if dt is None or dt.tzinfo is not None:
        return dt
    return dt.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class TemplateRecord:
    id: int
    name: str
    body: str
    language: str  # "zh" | "en"
    created_at: datetime
    updated_at: datetime


class TemplateNotFound(UserError, LookupError):
    """No template with that id; the message is fit to show."""


def _checked(name: str | None, body: str | None, language: str | None) -> dict:
    values = {}
    if name is not None:
        name = name.strip()
        if not name:
            raise UserError(_("A template needs a name."))
        if len(name) > MAX_NAME:
            raise UserError(_("A template's name can be at most {n} characters.").format(n=MAX_NAME))
        values["name"] = name
    if body is not None:
        if not body.strip():
            raise UserError(_("A template needs some text."))
        values["body"] = body
    if language is not None:
        if language not in LANGUAGES:
            raise UserError(_("A template's language is zh or en, not {language}.").format(language=language))
        values["language"] = language
    return values


def _record(row) -> TemplateRecord:
    return TemplateRecord(id=row.id, name=row.name, body=row.body, language=row.language,
                          created_at=_aware(row.created_at), updated_at=_aware(row.updated_at))


class TemplateStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, name: str, body: str, language: str = "zh") -> TemplateRecord:
        values = _checked(name, body, language)
        now = utcnow()
        with self.db.transaction() as s:
            conn = s.connection()
            tid = reserve_ids(conn, "prompt_templates", 1)
            conn.execute(prompt_templates.insert().values(id=tid, created_at=now, updated_at=now, **values))
        return self.get(tid)

    def get(self, template_id: int) -> TemplateRecord:
        with self.db.connect() as conn:
            row = conn.execute(select(prompt_templates).where(prompt_templates.c.id == template_id)).first()
        if row is None:
            raise TemplateNotFound(_("No template with id {id}.").format(id=template_id))
        return _record(row)

    def list(self) -> list[TemplateRecord]:
        """By name, then oldest first (the order a picker shows them in)."""
        with self.db.connect() as conn:
            rows = conn.execute(select(prompt_templates)
                                .order_by(prompt_templates.c.name, prompt_templates.c.id)).all()
        return [_record(r) for r in rows]

    def update(self, template_id: int, *, name: str | None = None, body: str | None = None,
               language: str | None = None) -> TemplateRecord:
        values = _checked(name, body, language)
        with self.db.transaction() as s:
            res = s.connection().execute(update(prompt_templates).where(prompt_templates.c.id == template_id)
                                         .values(**values, updated_at=utcnow()))
            if not res.rowcount:
                raise TemplateNotFound(_("No template with id {id}.").format(id=template_id))
        return self.get(template_id)

    def delete(self, template_id: int) -> None:
        with self.db.transaction() as s:
            res = s.connection().execute(delete(prompt_templates).where(prompt_templates.c.id == template_id))
            if not res.rowcount:
                raise TemplateNotFound(_("No template with id {id}.").format(id=template_id))
