"""Tools in a window turn: the real engine client, job queue and turn controller over a scripted engine
that writes a ``<tool_call>``, the real tool loop and the stdio test MCP server (tests/tools/mcp_server.py).

The question is asked on the GUI thread while the engine thread waits: approve → the file is
written; deny → it is not and the model is told; "allow for this chat" does not ask again; a
changed server command asks again; Stop while asked denies; a server that hangs at start does not
freeze the window. Every wait is bounded (qtbot's timeouts), none is a sleep."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

from aigc_desktop.chat.service import ChatService
from aigc_desktop.settings import Settings
from aigc_desktop.tools.service import ToolService
from aigc_desktop.ui.chat.composer import Composer
from aigc_desktop.ui.chat.turns import TurnController
from aigc_desktop.ui.chat.view import ChatView
from aigc_desktop.ui.engine.client import EngineClient
from aigc_desktop.ui.kit.banner import Banner
from aigc_desktop.ui.kit.context import RuntimeRef
from aigc_desktop.ui.tools.asker import ApprovalAsker
from tests.fake_engine import ScriptedEngine
from tests.ui.chat.test_turns_unit import Conversations, ModelChoice

SERVER = str(Path(__file__).resolve().parents[2] / "tools" / "mcp_server.py")


class Answers:
    """The prompts seam: answers the approval with the next scripted decision, and counts."""

    def __init__(self) -> None:
        self.decisions: list[str] = []
        self.asked: list = []
        self.on_ask = None  # called with the request before answering (e.g. Stop)

    def ask_tool_approval(self, request) -> str:
        self.asked.append(request)
        if self.on_ask is not None:
            self.on_ask(request)
        return self.decisions.pop(0) if self.decisions else "deny"


@pytest.fixture
def p(qtbot, store, tmp_path):
    engine = ScriptedEngine()
    engine.load(tmp_path / "fake.gguf")
    tools = ToolService.open(tmp_path / "data", start_timeout=60.0, call_timeout=60.0)
    tools.config.add_stdio("files", sys.executable, [SERVER])
    rt = SimpleNamespace(store=store, engine=engine, router=None, settings=Settings(), tools=tools,
                         service=ChatService(store, engine, checkpoint_seconds=0, tools=tools))
    client = EngineClient(RuntimeRef(rt))
    chat, composer, banner = ChatView(), Composer(), Banner()
    for w in (chat, composer, banner):
        qtbot.addWidget(w)
    conversations = Conversations()
    turns = TurnController(RuntimeRef(rt), client, conversations, ModelChoice(), chat, composer, banner)
    answers = Answers()
    asker = ApprovalAsker(client, answers)
    with qtbot.wait_signal(client.loaded, timeout=10_000):
        client.load(str(tmp_path / "fake.gguf"), 4096, 1)
    conv = store.create("tools")
    store.set_tools(conv.id, ["files"])
    conversations.current_id = conv.id
    yield SimpleNamespace(rt=rt, engine=engine, client=client, turns=turns, chat=chat, answers=answers, asker=asker,
                          conv=conv, tools=tools, tmp=tmp_path, store=store)
    turns.cancel_prefill()  # a prefill submitted after shutdown would start the engine thread again
    client.shutdown()
    tools.close()


def call(path: Path, text: str = "你好") -> str:
    return '<tool_call>\n{"name": "write_file", "arguments": %s}\n</tool_call>' % json.dumps(
        {"path": str(path), "text": text}, ensure_ascii=False)


def turn(qtbot, p, *pieces_per_step, text="写一个文件") -> int:
    for pieces in pieces_per_step:
        p.engine.enqueue(*pieces)
    with qtbot.wait_signal(p.turns.turnFinished, timeout=90_000) as done:
        p.turns.send(text)
    return done.args[0]


def last_prompt(engine) -> str:
    streams = [c for c in engine.calls if c[0] == "stream"]
    return json.dumps(streams[-1][1], ensure_ascii=False)


def test_approve_runs_the_tool_and_keeps_the_call(qtbot, p):
    target = p.tmp / "a.txt"
    p.answers.decisions = ["once"]
    reply_id = turn(qtbot, p, ["好的。", call(target)], ["已写好。"])
    reply = p.store.get_message(reply_id)
    assert target.exists(), (reply.status, reply.stats, reply.tool_calls)
    assert target.read_text(encoding="utf-8") == "你好"
    assert len(p.answers.asked) == 1
    request = p.answers.asked[0]
    assert (request.server, request.tool, request.read_only) == ("files", "write_file", False)
    assert request.arguments == {"path": str(target), "text": "你好"}
    reply = p.store.get_message(reply_id)
    assert reply.content == "已写好。"
    [stored] = reply.tool_calls
    assert stored["status"] == "done" and "wrote 2 characters" in stored["result"]
    assert "wrote 2 characters" in last_prompt(p.engine)  # the result went back to the model
    card = p.chat.widget_for(reply_id).tool_cards.cards[0]  # the live card became the stored one
    assert card.call["status"] == "done" and not card.expanded


def test_deny_runs_nothing_and_the_model_is_told(qtbot, p):
    target = p.tmp / "b.txt"
    p.answers.decisions = ["deny"]
    reply_id = turn(qtbot, p, [call(target)], ["好吧，不写了。"])
    assert not target.exists()
    reply = p.store.get_message(reply_id)
    assert reply.status == "done" and reply.content == "好吧，不写了。"  # the chat went on
    assert reply.tool_calls[0]["status"] == "denied"
    prompt = last_prompt(p.engine)
    assert "denied" in prompt.lower() or "拒绝" in prompt  # the next prompt carries the denial
    assert reply.tool_calls[0]["result"] in prompt


def test_allow_for_this_chat_does_not_ask_again(qtbot, p):
    p.answers.decisions = ["chat"]
    turn(qtbot, p, [call(p.tmp / "c1.txt")], ["一。"])
    turn(qtbot, p, [call(p.tmp / "c2.txt")], ["二。"], text="再写一个")
    assert (p.tmp / "c1.txt").exists() and (p.tmp / "c2.txt").exists()
    assert len(p.answers.asked) == 1
    other = p.store.create("another chat")  # "for this chat" is this chat's only
    p.store.set_tools(other.id, ["files"])
    p.turns.conversations.current_id = other.id
    p.answers.decisions = ["deny"]
    turn(qtbot, p, [call(p.tmp / "c3.txt")], ["三。"])
    assert len(p.answers.asked) == 2 and not (p.tmp / "c3.txt").exists()


def test_a_changed_server_command_asks_again(qtbot, p):
    p.answers.decisions = ["always"]
    turn(qtbot, p, [call(p.tmp / "d1.txt")], ["一。"])
    turn(qtbot, p, [call(p.tmp / "d2.txt")], ["二。"], text="再写")
    assert len(p.answers.asked) == 1 and (p.tmp / "d2.txt").exists()  # always: not asked the second time
    p.tools.config.add_stdio("files", sys.executable, [SERVER, "v2"])  # the same name, another command
    p.answers.decisions = ["deny"]
    turn(qtbot, p, [call(p.tmp / "d3.txt")], ["三。"], text="又写")
    assert len(p.answers.asked) == 2 and not (p.tmp / "d3.txt").exists()


def test_stop_while_asked_is_deny(qtbot, p):
    """Stop pressed while the question is open: the engine thread gets "deny", whatever the dialog says."""
    p.answers.on_ask = lambda _request: p.client.stop()
    p.answers.decisions = ["once"]
    turn(qtbot, p, [call(p.tmp / "e.txt")], ["不会用到。"])
    assert not (p.tmp / "e.txt").exists()


def test_the_real_dialog_is_asked_on_the_gui_thread(qtbot, p):
    """Through Prompts and the real ApprovalDialog: a timer on the GUI thread finds the modal dialog
    (shown while the engine thread waits) and presses Allow once."""
    from aigc_desktop.ui.kit.prompts import Prompts
    from aigc_desktop.ui.tools.approval_dialog import ApprovalDialog

    window = Composer()
    qtbot.addWidget(window)
    p.asker.prompts = Prompts(window)
    seen = []

    def press():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, ApprovalDialog):
            seen.append(dialog.heading.text())
            dialog.buttons["once"].click()
        else:
            QTimer.singleShot(20, press)

    QTimer.singleShot(0, press)
    turn(qtbot, p, [call(p.tmp / "f.txt")], ["好。"])
    assert (p.tmp / "f.txt").exists() and "write_file" in seen[0]


def test_a_server_that_hangs_at_start_does_not_freeze_the_window(qtbot, p):
    """The turn waits for the server on the engine thread; the GUI thread keeps handling events
    (a timer fires, the live reply is shown, Stop is honoured), and Stop ends the turn."""
    p.tools.config.add_stdio("slowstart", sys.executable, [SERVER, "hang"])
    p.store.set_tools(p.conv.id, ["slowstart"])
    p.engine.enqueue("不会用到。")
    ticks = []
    timer = QTimer()
    timer.timeout.connect(lambda: ticks.append(1))
    timer.start(10)
    with qtbot.wait_signal(p.turns.turnFinished, timeout=60_000) as done:
        p.turns.send("用慢服务器")
        qtbot.waitUntil(lambda: p.chat.live is not None and len(ticks) >= 5, timeout=30_000)
        assert p.client.busy and not p.answers.asked  # still starting the server
        p.turns.stop()
    timer.stop()
    assert p.store.get_message(done.args[0]).status == "stopped"
