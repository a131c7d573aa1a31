"""A reasoning model behind an OpenAI-style server: thinking kept apart, never sent back, never exported."""

from __future__ import annotations

import json

import pytest

from aigc_desktop.llm.sampling import SamplingParams
from tests.openai_fake import ANSWER, THINKING


def _service(server):
    from aigc_desktop.chat.service import ChatService
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.router import EngineRouter

    ProviderStore().add("fk", server.base_url, kind="custom", context_length=8192)
    return ChatService(_store(), None, router=EngineRouter(local=None))


def _store():
    from aigc_desktop.paths import app_paths
    from aigc_desktop.store.conversations import ConversationStore
    from aigc_desktop.store.db import Database

    return ConversationStore(Database(app_paths().ensure().database))


@pytest.mark.parametrize("model", ["fk-field", "fk-tags"])
def test_thinking_is_stored_apart_and_never_sent_back(reasoning_server, model):
    service = _service(reasoning_server)
    conv = service.new_conversation(model=f"fk/{model}")
    said, thought = [], []
    first = service.send(conv.id, "AIGC 是什么？", on_delta=said.append, on_reasoning=thought.append,
                         sampling=SamplingParams(max_tokens=64))
    assert first.error is None
    assert first.reply.content == ANSWER and "".join(said) == ANSWER
    assert first.reply.reasoning == THINKING and "".join(thought).strip() == THINKING
    assert first.reply.stats["cut_while_thinking"] is False and first.reply.stats["reasoning_seconds"] is not None
    service.send(conv.id, "再说说", sampling=SamplingParams(max_tokens=64))
    sent = json.dumps(reasoning_server.requests[-1]["messages"], ensure_ascii=False)
    assert ANSWER in sent and THINKING not in sent and "<think>" not in sent


def test_a_reply_cut_while_thinking_keeps_its_reasoning(reasoning_server):
    service = _service(reasoning_server)
    conv = service.new_conversation(model="fk/fk-unclosed")
    result = service.send(conv.id, "AIGC 是什么？", sampling=SamplingParams(max_tokens=64))
    assert result.reply.content == "" and result.reply.reasoning == THINKING
    assert result.reply.stats["cut_while_thinking"] is True and result.reply.stats["finish_reason"] == "length"


def test_cli_show_json_and_markdown_export(reasoning_server, capsys, tmp_path):
    from aigc_desktop.cli import main
    from aigc_desktop.providers.config import ProviderStore

    ProviderStore().add("fk", reasoning_server.base_url, kind="custom", context_length=8192)
    assert main(["chat", "--model", "fk/fk-tags", "AIGC 是什么？"]) == 0
    capsys.readouterr()
    assert main(["show", "1", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    reply = shown["messages"][1]
    assert reply["content"] == ANSWER and reply["reasoning"] == THINKING
    out = tmp_path / "a.md"
    assert main(["export", "1", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert ANSWER in text and THINKING not in text and "<think>" not in text
