"""The chat service on the real model: turns saved in order, checkpoints, stop, branches."""

from __future__ import annotations

import threading

import pytest

from aigc_desktop.chat.service import ChatService, title_from
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.paths import app_paths
from aigc_desktop.store.conversations import ConversationStore
from aigc_desktop.store.db import Database

pytestmark = pytest.mark.real
S = SamplingParams(max_tokens=16, temperature=0.0, seed=3)


@pytest.fixture
def service(store, real_engine):
    return ChatService(store, real_engine)


def test_three_turns_saved_and_reloaded_in_order(service, store):
    """Three turns produce six messages on one branch, and a fresh store reads them back."""
    conv = service.new_conversation()
    for q in ("What is 2+2?", "And 3+3?", "写一句中文。"):
        result = service.send(conv.id, q, sampling=S)
        assert result.reply.status == "done" and result.reply.content
        assert result.reply.stats["completion_tokens"] >= 1
    db2 = Database(app_paths().database)
    again = ConversationStore(db2).branch(conv.id)
    assert [m.role for m in again] == ["user", "assistant"] * 3
    assert [m.content for m in again if m.role == "user"] == ["What is 2+2?", "And 3+3?", "写一句中文。"]
    assert all(again[i].parent_id == again[i - 1].id for i in range(1, 6))
    assert store.get(conv.id).title == "What is 2+2?"
    db2.close()


def test_user_message_committed_before_first_token(service, store):
    """When the first delta arrives, the user message is already in the database,
    and the reply row exists as 'streaming'."""
    conv = service.new_conversation()
    seen = {}

    def on_delta(_text):
        if not seen:
            branch = store.branch(conv.id)
            seen["roles"] = [(m.role, m.status) for m in branch]

    service.send(conv.id, "Hello there", on_delta=on_delta, sampling=S)
    assert seen["roles"] == [("user", "done"), ("assistant", "streaming")]


def test_partial_text_is_checkpointed(store, real_engine):
    """With a tiny checkpoint interval, partial text reaches the database while streaming."""
    service = ChatService(store, real_engine, checkpoint_seconds=0.0)
    conv = service.new_conversation()
    stored: list[str] = []

    def on_delta(_text):
        reply = store.branch(conv.id)[-1]
        stored.append(reply.content)

    service.send(conv.id, "Tell me about the sea.", on_delta=on_delta,
                 sampling=SamplingParams(max_tokens=30, temperature=0.0, seed=1))
    assert any(s for s in stored[1:])  # some partial text was already saved mid-stream


def test_stop_keeps_partial_text(service, store):
    """Stop ends the reply as 'stopped' with what was written so far."""
    conv = service.new_conversation()
    cancel = threading.Event()
    got: list[str] = []

    def on_delta(t):
        got.append(t)
        if len(got) == 4:
            cancel.set()

    result = service.send(conv.id, "Write a long poem.", on_delta=on_delta, cancel=cancel,
                          sampling=SamplingParams(max_tokens=300, temperature=0.0, seed=1))
    assert result.reply.status == "stopped"
    assert result.reply.content == "".join(got) and result.reply.content


def test_regenerate_and_edit_make_siblings(service, store):
    """Regenerate adds a sibling reply; editing adds a sibling user message with its own reply."""
    conv = service.new_conversation()
    first = service.send(conv.id, "Pick a number.", sampling=S)
    regen = service.regenerate(first.reply.id, sampling=SamplingParams(max_tokens=8, seed=99))
    assert [m.id for m in store.siblings(first.reply.id)] == [first.reply.id, regen.reply.id]
    edited = service.edit_and_resend(first.user.id, "Pick a colour.", sampling=S)
    assert [m.id for m in store.siblings(first.user.id)] == [first.user.id, edited.user.id]
    branch = store.branch(conv.id)
    assert [m.content for m in branch][0] == "Pick a colour."
    assert len(branch) == 2


def test_message_over_the_context_is_refused_before_anything_is_stored(service, store):
    """A message that alone exceeds the context is refused with a clear message; nothing is stored,
    and a first message refused this way starts no chat."""
    from aigc_desktop.errors import ContextOverflowError

    conv = service.new_conversation()
    with pytest.raises(ContextOverflowError, match="too long"):
        service.send(conv.id, "很长 " * 5000, sampling=S)
    assert store.branch(conv.id) == []
    before = len(store.list())
    with pytest.raises(ContextOverflowError):
        service.send(None, "很长 " * 5000, sampling=S, new_conversation={"title": ""})
    assert len(store.list()) == before


def test_title_from_first_line():
    """Titles come from the first non-empty line, shortened."""
    assert title_from("\n\n  Hello   world \nmore") == "Hello world"
    assert len(title_from("x" * 200)) == 60


def test_reply_that_cannot_be_saved_is_returned_whole_as_error(service, store, monkeypatch):
    """The disk fills up as the reply ends: the caller still gets the whole text, marked
    error with the reason; the database keeps the last checkpoint (interrupted at the
    next start), never a reply stuck as if it were still being written in this session."""
    from aigc_desktop.errors import DatabaseError

    conv = service.new_conversation()
    real_update = store.update_message

    def full_disk(message_id, **fields):
        if "status" in fields:
            raise DatabaseError("The disk holding the conversation database is full.")
        return real_update(message_id, **fields)

    monkeypatch.setattr(store, "update_message", full_disk)
    result = service.send(conv.id, "Say hello.", sampling=SamplingParams(max_tokens=8, temperature=0))
    reply = result.reply
    assert reply.status == "error" and reply.content
    assert "could not be saved" in reply.stats["error"] and "full" in reply.stats["error"]
    assert store.get_message(reply.id).status == "streaming"
    assert store.branch(conv.id)[0].content == "Say hello."  # the user's message is kept


def test_a_long_chat_is_cut_once_and_its_start_kept(service, store):
    """A history longer than the context: the oldest messages are left out, and the next turns
    keep the same first message, so the model reads only each new turn (no reading progress);
    a start moved by two messages would have the whole context read again."""
    from aigc_desktop.llm.context import reply_budget
    from aigc_desktop.llm.engine import READ_BATCH

    conv = service.new_conversation()
    for i in range(40):
        store.add_message(conv.id, "user", f"Note {i}: the keeper counted {i} ships and gulls. " * 3)
        store.add_message(conv.id, "assistant", f"Noted, number {i}. " * 4)
    reads: list[int] = []
    first = service.send(conv.id, "How many notes?", sampling=S, on_progress=lambda _d, total: reads.append(total))
    n_ctx = service.engine.model.n_ctx
    assert first.reply.status == "done" and first.reply.stats["dropped_messages"] > 0
    assert first.reply.stats["prompt_tokens"] <= n_ctx - reply_budget(n_ctx, S.max_tokens)
    assert reads and max(reads) > READ_BATCH  # the kept history was read in batches
    for question in ("And the gulls?", "Which note was last?", "Thanks. One more?"):
        reads.clear()
        later = service.send(conv.id, question, sampling=S, on_progress=lambda _d, total: reads.append(total))
        assert later.reply.status == "done"
        assert later.reply.stats["dropped_messages"] == first.reply.stats["dropped_messages"]
        assert reads == []  # under one batch was new: the kept start's evaluation was reused
