"""Typed ORM models. A conversation is a tree of messages (``parent_id``)."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from aigc_desktop.store.uids import new_uid

MESSAGE_STATUSES = ("streaming", "done", "stopped", "error", "interrupted")
ROLES = ("system", "user", "assistant")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Base(DeclarativeBase):
    pass


class Conversation(Base):
    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # migration 0016: the identity that travels between devices (sync/); made here, so the sync
    # insert trigger's fallback (a uid made in SQL, then an UPDATE of the row) is not needed.
    uid: Mapped[str | None] = mapped_column(String(36), default=new_uid)
    title: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    model: Mapped[str | None] = mapped_column(String(1000))
    system_prompt: Mapped[str | None] = mapped_column(Text)
    sampling: Mapped[dict] = mapped_column(JSON, default=dict)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    # The leaf of the branch the person is looking at; not a FK so that the
    # two tables do not depend on each other for inserts and deletes.
    current_leaf_id: Mapped[int | None] = mapped_column(Integer)
    kbs: Mapped[list | None] = mapped_column(JSON, nullable=True)  # migration 0014: knowledge-base uids it uses
    tools: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")  # MCP server names on (tools/)


class Message(Base):
    __tablename__ = "messages"
    __table_args__ = (Index("ix_messages_conversation_parent", "conversation_id", "parent_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    uid: Mapped[str | None] = mapped_column(String(36), default=new_uid)  # migration 0016, as Conversation.uid
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text, default="")  # the answer (for a reply)
    reasoning: Mapped[str] = mapped_column(Text, default="", server_default="")  # a reasoning model's thinking
    status: Mapped[str] = mapped_column(String(16), default="done", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    model: Mapped[str | None] = mapped_column(String(1000))
    stats: Mapped[dict] = mapped_column(JSON, default=dict)
    rating: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 1 👍, -1 👎, None
    citations: Mapped[list | None] = mapped_column(JSON, nullable=True)  # migration 0014: a grounded reply's sources
    # The tool calls a reply made and their results, in order (tools/loop.py; migration 0015).
    tool_calls: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")


class IdHighWater(Base):
    """The highest id ever given per table, so a deleted row's id is never reused
    (see migration 0003 and :func:`aigc_desktop.store.db.assign_ids`)."""

    __tablename__ = "id_high_water"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
