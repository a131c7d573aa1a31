"""A reply cut at max tokens is carried on in place (the same message grows), on the real
model; an engine that cannot continue leaves the reply as it was and says why."""

from __future__ import annotations

import pytest

from aigc_desktop.chat.service import ChatService
from aigc_desktop.errors import UserError
from aigc_desktop.llm.sampling import SamplingParams
from tests.fake_engine import ScriptedEngine

SHORT = SamplingParams(max_tokens=8, temperature=0.0, seed=3)


@pytest.mark.real
def test_a_cut_reply_is_continued_in_place(store, real_engine):
    service = ChatService(store, real_engine)
    conv = service.new_conversation()
    first = service.send(conv.id, "Write a long story about a dragon who learns to bake bread.", sampling=SHORT).reply
    assert first.status == "done" and first.stats["finish_reason"] == "length"
    pieces = []
    result = service.continue_reply(first.id, sampling=SHORT, on_delta=pieces.append)
    reply = result.reply
    assert result.error is None and reply.id == first.id and reply.status == "done"
    assert reply.content.startswith(first.content) and len(reply.content) > len(first.content)
    assert reply.content == first.content + "".join(pieces)
    assert "<|im_start|>" not in reply.content and "<|im_end|>" not in reply.content  # inside the reply, not a new turn
    assert reply.stats["continued"] == 1 and reply.stats["finish_reason"] in ("length", "stop")
    assert [m.id for m in store.branch(conv.id)] == [reply.parent_id, reply.id]  # no new version
    again = service.continue_reply(reply.id, sampling=SHORT).reply
    assert again.content.startswith(reply.content) and again.stats["continued"] == 2


class _Refuses(ScriptedEngine):
    def continue_chat(self, messages, partial, sampling=None, cancel=None, *, cache_key=None, on_progress=None):
        raise UserError("The prompt takes 9,000 tokens; the context holds 4,096.")
        yield  # a generator, like the real one


def test_a_continuation_that_fails_leaves_the_reply_as_it_was(store, tmp_path):
    engine = _Refuses()
    engine.load(tmp_path / "fake.gguf")
    service = ChatService(store, engine)
    conv = service.new_conversation()
    engine.enqueue("cut here")
    cut = service.send(conv.id, "hi").reply
    result = service.continue_reply(cut.id)
    assert "context holds" in result.error
    kept = store.get_message(cut.id)
    assert (kept.content, kept.status, kept.stats) == (cut.content, cut.status, cut.stats)


def test_an_engine_without_continuation_says_so(store, tmp_path):
    """A provider's server has no way to continue a reply here: the person is told what to do instead."""
    engine = ScriptedEngine()
    engine.load(tmp_path / "fake.gguf")
    service = ChatService(store, engine)
    conv = service.new_conversation()
    reply = service.send(conv.id, "hi").reply
    with pytest.raises(UserError, match="local model"):
        service.continue_reply(reply.id)
    user = store.branch(conv.id)[0]
    with pytest.raises(UserError, match="Only a reply"):
        service.continue_reply(user.id)
    assert store.get_message(reply.id).status == "done"
