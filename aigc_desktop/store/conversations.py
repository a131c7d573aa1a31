"""The conversation repository: everything the app does to stored chats.

Returns plain frozen records, never ORM objects, so callers cannot hold a
session open across a generation by accident.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import func, select, update

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.store.db import Database
from aigc_desktop.store.schema import MESSAGE_STATUSES, ROLES, Conversation, Message, utcnow


def _aware(dt: datetime | None) -> datetime | None:
    """SQLite drops tzinfo; everything is stored in UTC."""
    if dt is None or dt.tzinfo is not None:
        return dt
    return dt.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class MessageRecord:
    id: int
    conversation_id: int
    parent_id: int | None
    role: str
    content: str
    status: str
    created_at: datetime
    model: str | None
    stats: dict = field(default_factory=dict)
    rating: int | None = None  # 1 👍, -1 👎, None unrated
    reasoning: str = ""  # a reasoning model's thinking, apart from ``content`` (the answer)
    tool_calls: list = field(default_factory=list)  # a reply's tool calls and results, in order (tools/loop.py)
    citations: list = field(default_factory=list)  # a grounded reply's sources, numbered "n" (kb/citations.py)

    @classmethod
    def of(cls, m: Message) -> "MessageRecord":
        return cls(
            id=m.id,
            conversation_id=m.conversation_id,
            parent_id=m.parent_id,
            role=m.role,
            content=m.content,
            status=m.status,
            created_at=_aware(m.created_at),
            model=m.model,
            stats=dict(m.stats or {}),
            rating=m.rating,
            reasoning=m.reasoning or "",
            tool_calls=list(m.tool_calls or []),
            citations=list(m.citations or []),
        )


@dataclass(frozen=True)
class ConversationRecord:
    id: int
    title: str
    created_at: datetime
    updated_at: datetime
    model: str | None
    system_prompt: str | None
    sampling: dict
    pinned: bool
    current_leaf_id: int | None
    message_count: int = 0
    tools: list = field(default_factory=list)  # names of the MCP servers this chat may use (empty: tools off)
    kbs: list = field(default_factory=list)  # uids of the knowledge bases grounding its replies (kb/)

    @classmethod
    def of(cls, c: Conversation, message_count: int = 0) -> "ConversationRecord":
        return cls(
            id=c.id,
            title=c.title,
            created_at=_aware(c.created_at),
            updated_at=_aware(c.updated_at),
            model=c.model,
            system_prompt=c.system_prompt,
            sampling=dict(c.sampling or {}),
            pinned=bool(c.pinned),
            current_leaf_id=c.current_leaf_id,
            message_count=message_count,
            tools=list(c.tools or []),
            kbs=list(c.kbs or []),
        )


class NotFound(UserError, LookupError):
    """No conversation or message with that id; the message is fit to show."""


class ConversationStore:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- conversations ----------------------------------------------------------
    def create(
        self,
        title: str = "",
        *,
        model: str | None = None,
        system_prompt: str | None = None,
        sampling: dict | None = None,
    ) -> ConversationRecord:
        now = utcnow()
        with self.db.transaction() as s:
            conv = Conversation(
                title=title,
                created_at=now,
                updated_at=now,
                model=model,
                system_prompt=system_prompt,
                sampling=dict(sampling or {}),
                pinned=False,
            )
            s.add(conv)
            s.flush()
            return ConversationRecord.of(conv)

    def get(self, conversation_id: int) -> ConversationRecord:
        with self.db.transaction() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None:
                raise NotFound(_("No conversation with id {id}.").format(id=conversation_id))
            count = s.scalar(
                select(func.count(Message.id)).where(Message.conversation_id == conversation_id)
            )
            return ConversationRecord.of(conv, count or 0)

    def list(self) -> list[ConversationRecord]:
        """Pinned first, then newest first, with message counts."""
        counts = (
            select(Message.conversation_id, func.count(Message.id).label("n"))
            .group_by(Message.conversation_id)
            .subquery()
        )
        with self.db.transaction() as s:
            rows = s.execute(
                select(Conversation, func.coalesce(counts.c.n, 0))
                .outerjoin(counts, counts.c.conversation_id == Conversation.id)
                .order_by(Conversation.pinned.desc(), Conversation.updated_at.desc(), Conversation.id.desc())
            ).all()
            return [ConversationRecord.of(c, n) for c, n in rows]

    def update(self, conversation_id: int, **fields) -> ConversationRecord:
        allowed = {"title", "model", "system_prompt", "sampling", "pinned"}
        bad = set(fields) - allowed
        if bad:
            raise TypeError(f"cannot update {sorted(bad)}")
        with self.db.transaction() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None:
                raise NotFound(_("No conversation with id {id}.").format(id=conversation_id))
            for key, value in fields.items():
                setattr(conv, key, value)
            if set(fields) - {"pinned"}:
                conv.updated_at = utcnow()
            s.flush()
            return ConversationRecord.of(conv)

    def set_tools(self, conversation_id: int, names: list[str]) -> ConversationRecord:
        """Which MCP servers (by name, ``tools/config.py``) this chat may use; empty turns tools off."""
        clean = list(dict.fromkeys(str(n).strip() for n in names if str(n).strip()))
        with self.db.transaction() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None:
                raise NotFound(_("No conversation with id {id}.").format(id=conversation_id))
            conv.tools = clean
            s.flush()
            return ConversationRecord.of(conv)

    def set_kbs(self, conversation_id: int, uids: list[str]) -> ConversationRecord:
        """The knowledge bases (uids, in order) whose passages ground this chat's replies; empty: none."""
        clean = list(dict.fromkeys(str(u) for u in uids if str(u).strip()))
        with self.db.transaction() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None:
                raise NotFound(_("No conversation with id {id}.").format(id=conversation_id))
            conv.kbs = clean
            s.flush()
            return ConversationRecord.of(conv)

    def rename(self, conversation_id: int, title: str) -> ConversationRecord:
        return self.update(conversation_id, title=title.strip())

    def delete(self, conversation_id: int) -> None:
        with self.db.transaction() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None:
                raise NotFound(_("No conversation with id {id}.").format(id=conversation_id))
            s.delete(conv)

    # -- messages ---------------------------------------------------------------
    def add_message(
        self,
        conversation_id: int,
        role: str,
        content: str,
        *,
        parent_id: int | None | type(...) = ...,
        status: str = "done",
        model: str | None = None,
        stats: dict | None = None,
        created_at: datetime | None = None,
        reasoning: str = "",
        tool_calls: list | None = None,
    ) -> MessageRecord:
        """Append a message and make it the conversation's current leaf.

        ``parent_id`` defaults to the current leaf (a plain append); pass an
        explicit parent to start a sibling branch.
        """
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        if status not in MESSAGE_STATUSES:
            raise ValueError(f"unknown status {status!r}")
        with self.db.transaction() as s:
            conv = s.get(Conversation, conversation_id)
            if conv is None:
                raise NotFound(_("No conversation with id {id}.").format(id=conversation_id))
            parent = conv.current_leaf_id if parent_id is ... else parent_id
            msg = Message(
                conversation_id=conversation_id,
                parent_id=parent,
                role=role,
                content=content,
                status=status,
                created_at=created_at or utcnow(),
                model=model,
                stats=dict(stats or {}),
                reasoning=reasoning,
                tool_calls=list(tool_calls or []),
            )
            s.add(msg)
            s.flush()
            conv.current_leaf_id = msg.id
            conv.updated_at = utcnow()
            return MessageRecord.of(msg)

    def rate(self, message_id: int, rating: int | None) -> None:
        """👍 (1), 👎 (-1) or no rating (None) on a message."""
        if rating not in (1, -1, None):
            raise ValueError(f"rating must be 1, -1 or None, not {rating!r}")
        self.get_message(message_id)  # NotFound with a clear message
        with self.db.transaction() as s:
            s.execute(update(Message).where(Message.id == message_id).values(rating=rating))

    def update_message(
        self,
        message_id: int,
        *,
        content: str | None = None,
        status: str | None = None,
        stats: dict | None = None,
        model: str | None = None,
        reasoning: str | None = None,
        tool_calls: list | None = None,
        citations: list | None = None,
    ) -> None:
        values: dict = {}
        if citations is not None:
            values["citations"] = citations
        if tool_calls is not None:
            values["tool_calls"] = tool_calls
        if content is not None:
            values["content"] = content
        if reasoning is not None:
            values["reasoning"] = reasoning
        if status is not None:
            if status not in MESSAGE_STATUSES:
                raise ValueError(f"unknown status {status!r}")
            values["status"] = status
        if stats is not None:
            values["stats"] = stats
        if model is not None:
            values["model"] = model
        if not values:
            return
        with self.db.transaction() as s:
            s.execute(update(Message).where(Message.id == message_id).values(**values))

    def get_message(self, message_id: int) -> MessageRecord:
        with self.db.transaction() as s:
            msg = s.get(Message, message_id)
            if msg is None:
                raise NotFound(_("No message with id {id}.").format(id=message_id))
            return MessageRecord.of(msg)

    def messages(self, conversation_id: int) -> list[MessageRecord]:
        """Every message of the conversation (all branches), oldest first.

        A plain column select, not ORM objects: opening a 1,000-message chat
        must stay well under the GUI's frame budget.
        """
        cols = Message.__table__.c
        with self.db.connect() as conn:
            rows = conn.execute(
                select(cols.id, cols.conversation_id, cols.parent_id, cols.role, cols.content, cols.status,
                       cols.created_at, cols.model, cols.stats, cols.rating, cols.reasoning, cols.tool_calls,
                       cols.citations)
                .where(cols.conversation_id == conversation_id)
                .order_by(cols.id)
            ).all()
        return [
            MessageRecord(r.id, r.conversation_id, r.parent_id, r.role, r.content, r.status,
                          _aware(r.created_at), r.model, dict(r.stats or {}), r.rating, r.reasoning or "",
                          tool_calls=list(r.tool_calls or []), citations=list(r.citations or []))
            for r in rows
        ]

    def current_leaf(self, conversation_id: int) -> int | None:
        with self.db.connect() as conn:
            return conn.execute(
                select(Conversation.current_leaf_id).where(Conversation.id == conversation_id)
            ).scalar()

    def branch(
        self, conversation_id: int, leaf_id: int | None = None, *, all_messages: list[MessageRecord] | None = None
    ) -> list[MessageRecord]:
        """The path from the root to ``leaf_id`` (default: the current leaf)."""
        all_msgs = {m.id: m for m in (all_messages if all_messages is not None else self.messages(conversation_id))}
        if leaf_id is None:
            leaf_id = self.current_leaf(conversation_id)
        path: list[MessageRecord] = []
        seen: set[int] = set()
        node = all_msgs.get(leaf_id) if leaf_id is not None else None
        while node is not None and node.id not in seen:
            seen.add(node.id)
            path.append(node)
            node = all_msgs.get(node.parent_id) if node.parent_id is not None else None
        path.reverse()
        return path

    def siblings(self, message_id: int) -> list[MessageRecord]:
        """Messages sharing this one's parent (itself included), oldest first."""
        msg = self.get_message(message_id)
        with self.db.transaction() as s:
            parent_clause = (
                Message.parent_id.is_(None) if msg.parent_id is None else Message.parent_id == msg.parent_id
            )
            rows = s.scalars(
                select(Message)
                .where(Message.conversation_id == msg.conversation_id, parent_clause)
                .order_by(Message.id)
            ).all()
            return [MessageRecord.of(m) for m in rows]

    def set_current_leaf(self, conversation_id: int, message_id: int) -> None:
        """Switch to the branch through ``message_id``, down to its newest descendant."""
        all_msgs = self.messages(conversation_id)
        children: dict[int | None, list[int]] = {}
        for m in all_msgs:
            children.setdefault(m.parent_id, []).append(m.id)
        if message_id not in {m.id for m in all_msgs}:
            raise NotFound(_("No message {message} in conversation {conversation}.").format(message=message_id, conversation=conversation_id))
        leaf = message_id
        while children.get(leaf):
            leaf = max(children[leaf])
        with self.db.transaction() as s:
            s.execute(
                update(Conversation)
                .where(Conversation.id == conversation_id)
                .values(current_leaf_id=leaf)
            )

    def delete_message(self, message_id: int) -> None:
        """Delete a message and its descendants; the current leaf moves to its parent
        (or to a remaining sibling's branch)."""
        msg = self.get_message(message_id)
        branch_ids = {m.id for m in self.branch(msg.conversation_id)}
        with self.db.transaction() as s:
            s.delete(s.get(Message, message_id))
        if message_id in branch_ids:
            remaining = [m for m in self.siblings_of_parent(msg.conversation_id, msg.parent_id)]
            if remaining:
                self.set_current_leaf(msg.conversation_id, remaining[-1].id)
            else:
                with self.db.transaction() as s:
                    s.execute(
                        update(Conversation)
                        .where(Conversation.id == msg.conversation_id)
                        .values(current_leaf_id=msg.parent_id)
                    )

    def siblings_of_parent(self, conversation_id: int, parent_id: int | None) -> list[MessageRecord]:
        return [m for m in self.messages(conversation_id) if m.parent_id == parent_id]

    def mark_interrupted(self) -> int:
        """At start-up: replies left ``streaming`` by a killed app become ``interrupted``."""
        with self.db.transaction() as s:
            result = s.execute(
                update(Message).where(Message.status == "streaming").values(status="interrupted")
            )
            return result.rowcount or 0
