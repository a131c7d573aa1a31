"""ChatService ordering and error paths, on the scripted engine."""

from __future__ import annotations

import threading

import pytest

from aigc_desktop.chat.service import ChatService
from tests.fake_engine import ScriptedEngine


@pytest.fixture
def fake(store, tmp_path):
    engine = ScriptedEngine()
    engine.load(tmp_path / "fake.gguf", n_ctx=512)
    return engine, ChatService(store, engine)


def test_user_message_is_committed_before_the_first_token(fake, store):
    """The user's message is in the database before the engine streams anything."""
    engine, service = fake
    seen = []
    engine.enqueue("一", "二")
    conv = service.new_conversation()
    service.send(conv.id, "你好", on_delta=lambda _t: seen.append([m.role for m in store.branch(conv.id)]))
    assert seen[0] == ["user", "assistant"]  # the reply row exists, as streaming, from the start
    assert [m.content for m in store.branch(conv.id)] == ["你好", "一二"]


def test_failure_mid_stream_keeps_the_partial_reply_as_error(fake, store):
    """An engine that fails after some text: the text is kept, the reply is error with the reason."""
    engine, service = fake
    engine.enqueue("半句", RuntimeError("connection reset"))
    conv = service.new_conversation()
    result = service.send(conv.id, "hi")
    assert result.reply.status == "error" and result.reply.content == "半句"
    assert "connection reset" in result.error


def test_stop_set_before_the_turn_starts_is_honoured(fake, store):
    """A Stop that arrives before generation begins ends the reply as stopped, with no text."""
    engine, service = fake
    engine.enqueue("never", "sent")
    cancel = threading.Event()
    cancel.set()
    conv = service.new_conversation()
    result = service.send(conv.id, "hi", cancel=cancel)
    assert result.reply.status == "stopped" and result.reply.content == ""


def test_the_reply_sees_the_branch_it_answers(fake, store):
    """Editing a message sends the model the edited branch, not the old one."""
    engine, service = fake
    conv = service.new_conversation(system_prompt="简短回答")
    first = service.send(conv.id, "A").user
    service.edit_and_resend(first.id, "B")
    sent = [c for c in engine.calls if c[0] == "stream"][-1][1]
    assert [m["content"] for m in sent] == ["简短回答", "B"]
