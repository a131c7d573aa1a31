"""`tools add|list|remove` and `chat --tools … --approve …` against a fake OpenAI server that calls a tool
(tests/tools/openai_tools_fake.py) and the stdio MCP server (tests/tools/mcp_server.py)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from aigc_desktop.cli import main
from tests.tools.openai_tools_fake import MODEL, ToolsServer

SERVER = str(Path(__file__).with_name("mcp_server.py"))


def run(capsys, monkeypatch, argv, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))  # not a terminal
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def configured(capsys, monkeypatch):
    assert run(capsys, monkeypatch, ["tools", "add", "t", "--", sys.executable, SERVER])[0] == 0
    assert run(capsys, monkeypatch, ["tools", "add", "dead", "--", sys.executable, SERVER, "crash"])[0] == 0


def test_add_list_remove(configured, capsys, monkeypatch, app_home):
    code, out, err = run(capsys, monkeypatch, ["tools", "list", "--json"])
    assert code == 0, err
    listed = {s["name"]: s for s in json.loads(out)}
    assert [t["name"] for t in listed["t"]["tools"]] == ["echo", "write_file", "slow", "getenv"]
    assert listed["t"]["tools"][0]["read_only"] is True and listed["t"]["error"] is None
    assert "could not start" in listed["dead"]["error"] and "no such database" in listed["dead"]["error"]
    code, out, err = run(capsys, monkeypatch, ["tools", "list"])
    assert code == 0 and "echo (read-only)" in out and "no such database" in out and "Traceback (most" not in err
    saved = json.loads((app_home / "data" / "mcp.json").read_text(encoding="utf-8"))
    assert saved["mcpServers"]["t"] == {"command": sys.executable, "args": [SERVER]}
    assert run(capsys, monkeypatch, ["tools", "remove", "dead"])[0] == 0
    code, _out, err = run(capsys, monkeypatch, ["tools", "remove", "dead"])
    assert code == 1 and "No MCP server named" in err


def test_http_server_header_secret_goes_to_the_key_store(capsys, monkeypatch, app_home):
    monkeypatch.setattr("aigc_desktop.providers.secrets.keychain_usable", lambda: False)  # never the real keychain
    code, out, err = run(capsys, monkeypatch, ["tools", "add", "web", "--url", "http://127.0.0.1:9/mcp",
                                               "--header", "X-Team: blue", "--header-stdin", "Authorization"],
                         stdin="Bearer s3cret-token\n")
    assert code == 0, err
    text = (app_home / "data" / "mcp.json").read_text(encoding="utf-8")
    assert "s3cret" not in text and json.loads(text)["mcpServers"]["web"]["headers"] == {
        "X-Team": "blue", "Authorization": "<keychain>"}
    from aigc_desktop.tools.config import ToolsConfig

    cfg = ToolsConfig(app_home / "data" / "mcp.json")
    assert cfg.headers_for(cfg.get("web"))["Authorization"] == "Bearer s3cret-token"


def _provider(capsys, monkeypatch, fake) -> None:
    code, _out, err = run(capsys, monkeypatch, ["providers", "add", "fake", "--base-url", fake.base_url])
    assert code == 0, err


def test_chat_approve_always_runs_the_tool_once_and_the_result_reaches_the_server(configured, capsys, monkeypatch):
    with ToolsServer("echo", {"text": "你好abc"}) as fake:
        _provider(capsys, monkeypatch, fake)
        code, out, err = run(capsys, monkeypatch, ["chat", "回声", "--model", f"fake/{MODEL}", "--tools", "t",
                                                   "--approve", "always"])
        assert code == 0, err
        assert "工具说：echo:cba好你" in out and "[tool t/echo: done" in err
        first, second = fake.requests
        assert [t["function"]["name"] for t in first["tools"]] == ["echo", "write_file", "slow", "getenv"]
        assert second["messages"][-2]["tool_calls"][0]["function"] == {
            "name": "echo", "arguments": json.dumps({"text": "你好abc"}, ensure_ascii=False)}
        assert second["messages"][-1] == {"role": "tool", "tool_call_id": "call_fake1", "name": "echo",
                                          "content": "echo:cba好你"}
        # the next turn's history carries the exchange natively: the call, its result, then the answer
        code, out, err = run(capsys, monkeypatch, ["chat", "再来", "--conversation", "1", "--approve", "never"])
        assert code == 0, err
        history = fake.requests[2]["messages"]
        assert [m["role"] for m in history] == ["user", "assistant", "tool", "assistant", "user"]
        assert history[1]["tool_calls"][0]["id"] == "call_fake1" and history[2]["content"] == "echo:cba好你"
        assert history[3]["content"] == "工具说：echo:cba好你"
    code, out, _err = run(capsys, monkeypatch, ["show", "1", "--json"])
    reply = json.loads(out)["messages"][1]
    assert reply["content"] == "工具说：echo:cba好你"
    [call] = reply["tool_calls"]
    assert (call["server"], call["tool"], call["status"], call["result"], call["id"]) == (
        "t", "echo", "done", "echo:cba好你", "call_fake1")


@pytest.mark.parametrize("mode", ["never", "ask"])  # ask with no terminal denies
def test_chat_never_or_ask_without_terminal_runs_nothing(configured, capsys, monkeypatch, tmp_path, mode):
    target = tmp_path / "written.txt"
    with ToolsServer("write_file", {"path": str(target), "text": "x"}) as fake:
        _provider(capsys, monkeypatch, fake)
        code, out, err = run(capsys, monkeypatch, ["chat", "写文件", "--model", f"fake/{MODEL}", "--tools", "t",
                                                   "--approve", mode])
        assert code == 0, err
        assert not target.exists()
        assert "denied" in fake.requests[-1]["messages"][-1]["content"] and "工具说：" in out
        assert "[tool t/write_file: denied" in err
        if mode == "ask":
            assert "no terminal to ask" in err
    code, out, _err = run(capsys, monkeypatch, ["show", "1", "--json"])
    assert json.loads(out)["messages"][-1]["tool_calls"][0]["status"] == "denied"


def test_chat_unknown_tools_server_is_refused_before_anything_is_stored(capsys, monkeypatch):
    with ToolsServer("echo", {"text": "x"}) as fake:
        _provider(capsys, monkeypatch, fake)
        code, _out, err = run(capsys, monkeypatch, ["chat", "hi", "--model", f"fake/{MODEL}", "--tools", "nope"])
    assert code == 1 and "No MCP server named “nope”" in err
    code, out, _err = run(capsys, monkeypatch, ["list", "--json"])
    assert json.loads(out) == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("typed", "decision"), [("o\n", "once"), ("c\n", "chat"), ("always\n", "always"),
                                                  ("d\n", "deny"), ("\n", "deny"), ("", "deny"), ("x\n", "deny")])
def test_ask_on_a_terminal(monkeypatch, capsys, typed, decision):
    from aigc_desktop.cli.tools import terminal_approver
    from aigc_desktop.tools.approval import ToolRequest

    monkeypatch.setattr("sys.stdin", _Terminal(typed))
    request = ToolRequest("files", "write_file", "Write text to a file.", {"path": "/tmp/a", "text": "你好"}, False, "f")
    assert terminal_approver(request) == decision
    err = capsys.readouterr().err
    assert "write_file" in err and '"text": "你好"' in err and "not marked read-only" in err


def test_a_server_that_leaves_the_call_in_its_text(configured, capsys, monkeypatch):
    with ToolsServer("echo", {"text": "文本"}, as_text=True) as fake:
        _provider(capsys, monkeypatch, fake)
        code, out, err = run(capsys, monkeypatch, ["chat", "回声", "--model", f"fake/{MODEL}", "--tools", "t",
                                                   "--approve", "always"])
        assert code == 0, err
        assert "<tool_call>" not in out and "工具说：echo:本文" in out
        assert fake.requests[1]["messages"][-1]["content"] == "echo:本文"
