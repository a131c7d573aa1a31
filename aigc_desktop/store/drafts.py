"""The unsent text of each conversation's message box (table from migration 0010).

One row per conversation that has a draft; an empty draft is no row. A draft
belongs to its chat: the row goes when the chat is deleted (``ON DELETE
CASCADE``). SQLAlchemy Core like :mod:`aigc_desktop.store.templates`; a draft is
plain text, so the store hands out strings, not records.
"""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, MetaData, Table, Text, delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.exc import IntegrityError

from aigc_desktop.store.db import Database
from aigc_desktop.store.schema import utcnow

_meta = MetaData()
Table("conversations", _meta, Column("id", Integer, primary_key=True))  # the foreign key's target
drafts = Table(
    "drafts", _meta,
    Column("conversation_id", Integer, ForeignKey("conversations.id", ondelete="CASCADE"), primary_key=True),
    Column("text", Text, nullable=False),
    Column("updated_at", DateTime(timezone=True)),
)


class DraftStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, conversation_id: int) -> str:
        """The chat's unsent text ("" when it has none)."""
        with self.db.connect() as conn:
            text = conn.execute(select(drafts.c.text).where(drafts.c.conversation_id == conversation_id)).scalar()
        return text or ""

    def put(self, conversation_id: int, text: str) -> bool:
        """Keep ``text`` as the chat's draft ("" or only spaces removes it). False when the
        chat no longer exists (deleted meanwhile, perhaps in another window)."""
        try:
            with self.db.transaction() as s:
                conn = s.connection()
                if not text.strip():
                    conn.execute(delete(drafts).where(drafts.c.conversation_id == conversation_id))
                    return True
                stmt = insert(drafts).values(conversation_id=conversation_id, text=text, updated_at=utcnow())
                conn.execute(stmt.on_conflict_do_update(index_elements=[drafts.c.conversation_id],
                                                        set_={"text": text, "updated_at": utcnow()}))
        except IntegrityError:  # the chat is gone: its foreign key refuses the row
            return False
        return True
