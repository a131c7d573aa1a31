"""Thinking on or off over a server, and the writing studio drafting through a provider's model."""

from __future__ import annotations

import json

import pytest

from aigc_desktop.llm.sampling import SamplingParams
from tests.openai_fake import ANSWER, THINKING


def _add(server, kind: str = "llama.cpp") -> None:
    from aigc_desktop.providers.config import ProviderStore

    ProviderStore().add("fk", server.base_url, kind=kind, context_length=8192)


def _engine(model: str):
    from aigc_desktop.providers.router import EngineRouter

    return EngineRouter(local=None).engine_for(f"fk/{model}")


@pytest.mark.parametrize("thinking", [True, False])
def test_the_switch_reaches_the_server_as_chat_template_kwargs(reasoning_server, thinking):
    _add(reasoning_server)
    list(_engine("fk-plain").stream_chat([{"role": "user", "content": "hi"}], SamplingParams(thinking=thinking)))
    assert reasoning_server.requests[-1]["chat_template_kwargs"] == {"enable_thinking": thinking}


def test_no_switch_no_field_and_a_custom_server_gets_it_only_for_a_hybrid_model(reasoning_server):
    from aigc_desktop.providers.config import Provider
    from aigc_desktop.providers.remote import sampling_request

    _add(reasoning_server)
    list(_engine("fk-plain").stream_chat([{"role": "user", "content": "hi"}], SamplingParams()))
    assert "chat_template_kwargs" not in reasoning_server.requests[-1]
    custom = Provider("c", "https://api.example.com/v1", kind="custom")
    _kw, extra, unsupported = sampling_request(custom, SamplingParams(thinking=False), "gpt-4o")
    assert "chat_template_kwargs" not in extra and "thinking" in unsupported
    _kw, extra, _unsupported = sampling_request(custom, SamplingParams(thinking=False), "Qwen/Qwen3-8B")
    assert extra["chat_template_kwargs"] == {"enable_thinking": False}


def test_write_draft_through_a_provider(reasoning_server, capsys):
    """`write new --model fk/fk-tags` then `write draft`: every section drafted by the server, the text
    the answer only, the thinking kept in the version, and thinking off by default."""
    from aigc_desktop.cli import main

    _add(reasoning_server)
    assert main(["write", "new", "AIGC 简介", "--outline", "定义|应用|风险", "--model", "fk/fk-tags", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["model"] == "fk/fk-tags" and doc["thinking"] is False
    assert main(["write", "draft", str(doc["id"])]) == 0
    out = capsys.readouterr().out
    assert "<think>" not in out and THINKING not in out and out.count(ANSWER) == 3
    drafts = [r for r in reasoning_server.requests if r.get("model") == "fk-tags"]
    assert len(drafts) == 3
    assert all(r["chat_template_kwargs"] == {"enable_thinking": False} for r in drafts)
    assert all(r["max_tokens"] >= 1024 for r in drafts)

    from aigc_desktop.runtime import open_runtime

    rt = open_runtime()
    try:
        shown = rt.documents.get(doc["id"])
        assert [s.status for s in shown.sections] == ["done"] * 3
        for sec in shown.sections:
            assert sec.text == ANSWER
            version = rt.documents.versions(sec.id)[-1]
            assert version.stats["reasoning"] == THINKING and version.stats["thinking"] is False
    finally:
        rt.close()

    assert main(["write", "draft", str(doc["id"]), "--section", "1", "--thinking", "on"]) == 0
    assert reasoning_server.requests[-1]["chat_template_kwargs"] == {"enable_thinking": True}
    capsys.readouterr()
    assert main(["write", "show", str(doc["id"]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["thinking"] is True


def test_write_new_asks_the_provider_for_the_outline(reasoning_server, capsys):
    from aigc_desktop.cli import main

    _add(reasoning_server)
    assert main(["write", "new", "AIGC 简介", "--sections", "2", "--model", "fk/fk-plain", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["model"] == "fk/fk-plain" and len(doc["sections"]) == 2
    assert reasoning_server.requests[-1]["chat_template_kwargs"] == {"enable_thinking": False}
