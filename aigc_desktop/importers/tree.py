"""The format-neutral shape of an imported conversation, and writing it in one transaction."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select

from aigc_desktop.store.db import Database
from aigc_desktop.store.schema import MESSAGE_STATUSES, Conversation, Message, utcnow


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
    """Accept ISO strings and Unix timestamps; anything else is 'unknown'."""
    try:
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, (int, float)):
            return datetime.fromtimestamp(float(value), tz=timezone.utc)
        dt = datetime.fromisoformat(str(value))
        return dt if dt.tzinfo else dt.replace(tzinfo=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None


def _status(status: str) -> str:
    if status == "streaming":  # cut off when it was exported
        return "interrupted"
    return status if status in MESSAGE_STATUSES else "done"


class ImportResult(list):
    """The ids of the new conversations; ``skipped`` counts those already in the history."""

    skipped: int = 0


def _utc(dt: datetime) -> datetime:
    return dt.replace(tzinfo=timezone.utc) if dt.tzinfo is None else dt.astimezone(timezone.utc)


def _already_there(s, title: str, conv: ImportedConversation) -> bool:
    """Same title, same creation time and same first message: imported before."""
    if conv.created_at is None or not conv.messages:
        return False
    for cid, created in s.execute(
        select(Conversation.id, Conversation.created_at).where(Conversation.title == title)
    ).all():
        if abs((_utc(created) - _utc(conv.created_at)).total_seconds()) >= 1:
            continue
        first = s.execute(
            select(Message.content).where(Message.conversation_id == cid).order_by(Message.id).limit(1)
        ).scalar()
        if first == clean_text(conv.messages[0].content):
            return True
    return False


def write_conversations(db: Database, convs: list[ImportedConversation]) -> ImportResult:
    """Insert all conversations in one transaction; ids of the new conversations.
    A conversation imported before (the same file twice) is skipped, not duplicated."""
    ids = ImportResult()
    with db.transaction() as s:
        for conv in convs:
            now = utcnow()
            title = clean_text(conv.title or "Imported chat")[:500]
            if _already_there(s, title, conv):
                ids.skipped += 1
                continue
            row = Conversation(
                title=title,
                created_at=conv.created_at or now,
                updated_at=conv.updated_at or conv.created_at or now,
                model=clean_text(conv.model),
                system_prompt=clean_text(conv.system_prompt),
                sampling=dict(conv.sampling or {}),
                pinned=bool(conv.pinned),
            )
            s.add(row)
            s.flush()
            id_of: dict[str, int] = {}
            for m in conv.messages:
                msg = Message(
                    conversation_id=row.id,
                    parent_id=id_of.get(m.parent_key) if m.parent_key else None,
                    role=m.role,
                    content=clean_text(m.content),
                    status=_status(m.status),
                    created_at=m.created_at or row.created_at,
                    model=clean_text(m.model),
                    stats=dict(m.stats or {}),
                )
                s.add(msg)
                s.flush()
                id_of[m.key] = msg.id
            leaf = id_of.get(conv.current_key) if conv.current_key else None
            if leaf is None and conv.messages:
                leaf = id_of[conv.messages[-1].key]
            row.current_leaf_id = leaf
            ids.append(row.id)
    return ids
