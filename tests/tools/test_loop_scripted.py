"""The tool loop over the scripted engine emitting tool calls as text, with the real stdio MCP server.

The engine's replies are queued text (tests/fake_engine.py); the calls it writes are read by
tools/parse.py, approved, run on tests/tools/mcp_server.py and fed back; what the person sees
and what is stored are checked.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from aigc_desktop.chat.service import ChatService
from aigc_desktop.tools.loop import MAX_STEPS
from aigc_desktop.tools.service import ToolService
from tests.fake_engine import ScriptedEngine

SERVER = str(Path(__file__).with_name("mcp_server.py"))


@pytest.fixture
def tools(app_home):
    svc = ToolService.open(app_home / "data", start_timeout=20, call_timeout=3)
    svc.config.add_stdio("t", sys.executable, [SERVER])
    yield svc
    svc.close()


@pytest.fixture
def chat(store, tools):
    engine = ScriptedEngine()
    engine.load("m.gguf")
    service = ChatService(store, engine, tools=tools, checkpoint_seconds=0)
    conv = store.create("t")
    store.set_tools(conv.id, ["t"])
    return service, engine, conv


def call(name, **arguments):
    return "<tool_call>\n" + json.dumps({"name": name, "arguments": arguments}, ensure_ascii=False) + "\n</tool_call>"


def test_json_call_runs_after_approval_and_the_result_reaches_the_model(chat, tmp_path):
    service, engine, conv = chat
    target = tmp_path / "out.txt"
    engine.enqueue("我来写文件。", call("write_file", path=str(target), text="你好")).enqueue("写好了。")
    asked, events, shown = [], [], []
    result = service.send(conv.id, "写个文件", approve=lambda r: asked.append(r) or "once",
                          on_tool=events.append, on_delta=shown.append)
    assert target.read_text(encoding="utf-8") == "你好"
    assert [(r.server, r.tool, r.arguments, r.read_only) for r in asked] == [
        ("t", "write_file", {"path": str(target), "text": "你好"}, False)]
    assert "".join(shown) == "我来写文件。写好了。"  # the call itself never showed
    reply = result.reply
    assert reply.content == "写好了。" and reply.status == "done"
    [rec] = reply.tool_calls
    assert rec["status"] == "done" and rec["tool"] == "write_file" and rec["text_before"] == "我来写文件。"
    assert "wrote 2 characters" in rec["result"]
    assert [e["phase"] for e in events] == ["call", "result"]
    second = engine.calls[-1][1]  # the model's second step saw its call and the result
    assert "<tool_response>" in second[-1]["content"] and "wrote 2 characters" in second[-1]["content"]
    assert engine.tools_offered[0][0]["function"]["name"] in {"echo", "write_file", "slow", "getenv"}
    # the next turn's history carries the exchange (the scripted engine reads the text form)
    engine.enqueue("好。")
    service.send(conv.id, "谢谢", approve=lambda r: "once")
    history = engine.calls[-1][1]
    assert any("<tool_call>" in m["content"] and "write_file" in m["content"] for m in history)
    assert any("<tool_response>" in m["content"] for m in history)


def test_xml_form_split_across_chunks(chat):
    service, engine, conv = chat
    text = "<tool_call>\n<function=echo>\n<parameter=text>\n你好abc\n</parameter>\n</function>\n</tool_call>"
    engine.enqueue(*[text[i:i + 3] for i in range(0, len(text), 3)]).enqueue("完成")
    shown = []
    reply = service.send(conv.id, "回声", approve=lambda r: "once", on_delta=shown.append).reply
    assert "".join(shown) == "完成"
    assert reply.tool_calls[0]["result"] == "echo:cba好你" and reply.tool_calls[0]["arguments"] == {"text": "你好abc"}


def test_denied_call_runs_nothing_and_the_model_is_told(chat, tmp_path):
    service, engine, conv = chat
    target = tmp_path / "no.txt"
    engine.enqueue(call("write_file", path=str(target), text="x")).enqueue("好的，不写了。")
    reply = service.send(conv.id, "写", approve=lambda r: "deny").reply
    assert not target.exists()
    assert reply.tool_calls[0]["status"] == "denied" and reply.content == "好的，不写了。"
    assert "denied" in engine.calls[-1][1][-1]["content"]


def test_malformed_call_is_said_not_crashed(chat):
    service, engine, conv = chat
    engine.enqueue('<tool_call>\n{"name": "echo", "arguments": {"text": \n</tool_call>').enqueue("抱歉。")
    events = []
    reply = service.send(conv.id, "x", approve=lambda r: "once", on_tool=events.append).reply
    assert reply.status == "done" and reply.content == "抱歉。"
    [rec] = reply.tool_calls
    assert rec["status"] == "error" and "could not be read" in rec["result"]
    assert "could not be read" in engine.calls[-1][1][-1]["content"]  # the model was told too


def test_loop_past_eight_steps_is_stopped(chat):
    service, engine, conv = chat
    for i in range(MAX_STEPS + 3):
        engine.enqueue(call("echo", text=f"n{i}"))
    asked = []
    reply = service.send(conv.id, "loop", approve=lambda r: asked.append(r) or "once").reply
    assert len(asked) == MAX_STEPS and len(reply.tool_calls) == MAX_STEPS
    assert reply.status == "done" and "Stopped after 8" in reply.content
    assert reply.stats["tool_steps"] == MAX_STEPS


def test_repeated_call_is_refused_then_stopped(chat):
    service, engine, conv = chat
    for _ in range(4):
        engine.enqueue(call("echo", text="same"))
    asked = []
    reply = service.send(conv.id, "repeat", approve=lambda r: asked.append(r) or "chat").reply
    assert len(asked) == 1  # "allow for this chat" did not ask again, and the repeats never ran
    assert [c["status"] for c in reply.tool_calls] == ["done", "error", "error"]
    assert "already made" in reply.tool_calls[1]["result"] and "same tool call again" in reply.content


def test_plain_answer_and_json_prose_are_released(chat):
    service, engine, conv = chat
    engine.enqueue('{"answer": ', "42}")
    shown = []
    reply = service.send(conv.id, "json?", approve=lambda r: "once", on_delta=shown.append).reply
    assert "".join(shown) == '{"answer": 42}' == reply.content and reply.tool_calls == []


def test_without_approver_no_tools_are_offered(chat):
    service, engine, conv = chat
    engine.enqueue(call("echo", text="x"))
    reply = service.send(conv.id, "x").reply
    assert engine.tools_offered == [None] and reply.tool_calls == [] and "<tool_call>" in reply.content


def test_stop_while_asking_runs_nothing(chat, tmp_path):
    import threading

    service, engine, conv = chat
    target = tmp_path / "stop.txt"
    cancel = threading.Event()

    def approve(request):
        cancel.set()  # Stop pressed while the dialog is open: the dialog answers deny
        return "deny"

    engine.enqueue(call("write_file", path=str(target), text="x")).enqueue("never")
    reply = service.send(conv.id, "x", approve=approve, cancel=cancel).reply
    assert not target.exists() and reply.status == "stopped"
    assert reply.tool_calls[0]["status"] == "denied" and len(engine.calls) == 2  # load + one stream


def test_failure_in_a_later_step_keeps_the_calls_and_the_text(chat):
    from aigc_desktop.errors import UserError

    service, engine, conv = chat
    engine.enqueue(call("echo", text="a")).enqueue("半句", UserError("连接断了"))
    reply = service.send(conv.id, "x", approve=lambda r: "once").reply
    assert reply.status == "error" and reply.content == "半句" and reply.stats["error"] == "连接断了"
    assert reply.tool_calls[0]["status"] == "done"


def test_stats_cover_the_whole_exchange(chat):
    service, engine, conv = chat
    engine.enqueue(call("echo", text="a")).enqueue("答")
    reply = service.send(conv.id, "x", approve=lambda r: "once").reply
    first_len = len(call("echo", text="a"))
    assert reply.stats["completion_tokens"] == first_len + 1  # both steps' tokens
    assert reply.stats["prompt_tokens"] == engine.count_tokens(engine.calls[-1][1])  # the last step's prompt


def test_same_tool_name_on_two_servers_is_said(store, tools):
    tools.config.add_stdio("t2", sys.executable, [SERVER])
    engine = ScriptedEngine()
    engine.load("m.gguf")
    service = ChatService(store, engine, tools=tools, checkpoint_seconds=0)
    conv = store.create("t")
    store.set_tools(conv.id, ["t", "t2"])
    engine.enqueue("好")
    events = []
    reply = service.send(conv.id, "x", approve=lambda r: "once", on_tool=events.append).reply
    problems = [e["message"] for e in events if e["phase"] == "problem"]
    assert len(problems) == 4 and all("same name" in p and "“t2”" in p for p in problems)
    assert reply.stats["tool_problems"] == problems
    assert [t["function"]["name"] for t in engine.tools_offered[0]] == ["echo", "write_file", "slow", "getenv"]
