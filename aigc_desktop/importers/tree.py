"""The format-neutral shape of an imported conversation, and writing it in one transaction."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import DateTime, String, Text, insert, text

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.llm.reasoning import split_stored
from aigc_desktop.store.db import Database, reserve_ids
from aigc_desktop.store.schema import MESSAGE_STATUSES, Conversation, Message, utcnow
from aigc_desktop.store.uids import new_uid


class ImportCancelled(UserError):
    """The person cancelled; the transaction was rolled back."""


@dataclass
class ImportedMessage:
    key: str
    parent_key: str | None
    role: str
    content: str
    status: str = "done"
    created_at: datetime | None = None
    model: str | None = None
    stats: dict = field(default_factory=dict)
    reasoning: str = ""  # a format that keeps thinking apart; inline <think> is split out on insert
    tool_calls: list = field(default_factory=list)  # a reply's tool calls and results (tools/loop.py)


@dataclass
class ImportedConversation:
    title: str
    messages: list[ImportedMessage]  # parents before children
    current_key: str | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None
    model: str | None = None
    system_prompt: str | None = None
    sampling: dict = field(default_factory=dict)
    pinned: bool = False


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(value: str | None) -> str | None:
    """JSON allows lone surrogates ("\\ud800") but UTF-8 cannot store them: use U+FFFD."""
    return _SURROGATE.sub("\ufffd", value) if value is not None else None


def optional_text(value) -> str | None:
    """Optional metadata (a model name, a title) of any other type is treated as missing."""
    return value if isinstance(value, str) else None


def to_datetime(value) -> datetime | None:
    """Accept ISO strings and Unix timestamps, as UTC; anything else is 'unknown'.

    A time outside years 1900–9000 is 'unknown' too: at the edges of what ``datetime``
    holds, moving it to UTC or to the reader's time zone overflows."""
    try:
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            dt = datetime.fromtimestamp(float(value), tz=timezone.utc)
        else:
            dt = datetime.fromisoformat(str(value))
            dt = dt.astimezone(timezone.utc) if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None
    return dt if 1900 <= dt.year <= 9000 else None


def _status(status: str) -> str:
    if status == "streaming":  # cut off when it was exported
        return "interrupted"
    return status if status in MESSAGE_STATUSES else "done"


class ImportResult(list):
    """The ids of the new conversations; ``skipped`` counts those already in the history."""

    skipped: int = 0


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


_EXISTING = text(
    "SELECT c.title, c.created_at, "
    "(SELECT m.content FROM messages m WHERE m.conversation_id = c.id ORDER BY m.id LIMIT 1) AS first "
    "FROM conversations c WHERE c.title IN (SELECT value FROM json_each(:titles))"
).columns(title=String, created_at=DateTime, first=Text)


class _Seen:
    """Conversations already in the history or earlier in this import, by title and first
    message: a conversation matching one of them within a second of its creation time
    was imported before. The history is read with one query, not one per chat."""

    def __init__(self, conn, titles: set[str]) -> None:
        self._times: dict[tuple[str, str | None], list[datetime]] = {}
        if titles:
            for row in conn.execute(_EXISTING, {"titles": json.dumps(sorted(titles))}):
                self._times.setdefault((row.title, row.first), []).append(_utc(row.created_at))

    def add_unless_seen(self, title: str, conv: ImportedConversation) -> bool:
        """False if the conversation is already there; otherwise remember it."""
        if conv.created_at is None or not conv.messages:
            return True
        created = _utc(conv.created_at)
        times = self._times.setdefault((title, clean_text(conv.messages[0].content)), [])
        if any(abs((created - t).total_seconds()) < 1 for t in times):
            return False
        times.append(created)
        return True


def write_conversations(db: Database, convs: list[ImportedConversation], cancel=None) -> ImportResult:
    """Insert all conversations in one transaction; ids of the new conversations.
    A conversation imported before (the same file twice) is skipped, not duplicated.

    Rows go in as two bulk inserts with ids reserved above the high-water mark
    (:func:`~aigc_desktop.store.db.reserve_ids`): ORM objects flushed one by one
    took minutes for 100,000 messages. The search index follows through its triggers."""
    ids = ImportResult()
    now = utcnow()
    titled = [(clean_text(conv.title or _("Imported chat"))[:500], conv) for conv in convs]
    with db.transaction() as s:
        conn = s.connection()
        seen = _Seen(conn, {title for title, conv in titled if conv.created_at is not None and conv.messages})
        new = []
        for title, conv in titled:
            if seen.add_unless_seen(title, conv):
                new.append((title, conv))
            else:
                ids.skipped += 1
        if not new:
            return ids
        next_conv = reserve_ids(conn, Conversation.__tablename__, len(new))
        n_messages = sum(len(conv.messages) for _id, conv in new)
        next_msg = reserve_ids(conn, Message.__tablename__, n_messages) if n_messages else 0
        conv_rows: list[dict] = []
        msg_rows: list[dict] = []
        for title, conv in new:
            conv_id = next_conv
            next_conv += 1
            created = _utc(conv.created_at) if conv.created_at else now
            id_of: dict[str, int] = {}
            for m in conv.messages:
                content, reasoning = clean_text(m.content), clean_text(m.reasoning) or ""
                if m.role == "assistant" and not reasoning:
                    content, reasoning = split_stored(content)  # a reasoning model's inline <think>…</think>
                msg_rows.append({
                    "id": next_msg,
                    "uid": new_uid(),
                    "conversation_id": conv_id,
                    "parent_id": id_of.get(m.parent_key) if m.parent_key else None,
                    "role": m.role,
                    "content": content,
                    "reasoning": reasoning or "",
                    "status": _status(m.status),
                    "created_at": _utc(m.created_at) if m.created_at else created,
                    "model": clean_text(m.model),
                    "stats": dict(m.stats or {}),
                    "tool_calls": [c for c in m.tool_calls or [] if isinstance(c, dict)],
                })
                id_of[m.key] = next_msg
                next_msg += 1
            leaf = id_of.get(conv.current_key) if conv.current_key else None
            if leaf is None and conv.messages:
                leaf = id_of[conv.messages[-1].key]
            conv_rows.append({
                "id": conv_id,
                "title": title,
                "created_at": created,
                "updated_at": _utc(conv.updated_at) if conv.updated_at else created,
                "model": clean_text(conv.model),
                "system_prompt": clean_text(conv.system_prompt),
                "sampling": dict(conv.sampling or {}),
                "pinned": bool(conv.pinned),
                "current_leaf_id": leaf,
            })
            ids.append(conv_id)
        if cancel is not None and cancel.is_set():  # still inside the transaction: nothing is kept
            raise ImportCancelled(_("The import was cancelled; nothing was added."))
        conn.execute(insert(Conversation.__table__), conv_rows)
        if msg_rows:
            _insert_messages(conn, msg_rows)
    return ids


_COLUMNS = [c.name for c in Message.__table__.columns]


def _insert_messages(conn, rows: list[dict]) -> None:
    """Insert messages through a temporary table and one ``INSERT … SELECT``.

    The search index's insert trigger fires per row either way, but one row per
    statement makes FTS5 write its pending index to disk at every statement
    (a savepoint each), which took most of the import's time; in a single
    statement the index is written in a few large pieces. Values are converted
    by the columns' own SQLAlchemy types (datetimes, JSON), and the staging
    columns are untyped so that ``messages`` applies its types as on any insert."""
    cols = ", ".join(_COLUMNS)
    convert = [(c.name, c.type.bind_processor(conn.dialect)) for c in Message.__table__.columns]
    values = [tuple(p(r.get(name)) if p else r.get(name) for name, p in convert) for r in rows]  # absent: NULL
    conn.exec_driver_sql("DROP TABLE IF EXISTS temp.import_messages")
    conn.exec_driver_sql(f"CREATE TEMP TABLE import_messages ({cols})")
    conn.exec_driver_sql(f"INSERT INTO temp.import_messages VALUES ({', '.join('?' * len(_COLUMNS))})", values)
    conn.exec_driver_sql(f"INSERT INTO messages ({cols}) SELECT {cols} FROM temp.import_messages ORDER BY id")
    conn.exec_driver_sql("DROP TABLE temp.import_messages")
