"""The Tools chip in the main window (off unless turned on, per chat, how many are on), Models → MCP
servers…, and the engine-side approver (tools offered only in a chat that has servers on)."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import Future
from pathlib import Path

from aigc_desktop.ui.tools.approver import APPROVAL_EVENT, EngineApprover, turn_tools

SERVER = str(Path(__file__).resolve().parents[2] / "tools" / "mcp_server.py")


def test_tools_are_off_unless_turned_on_and_the_chip_counts_them(qtbot, make_window):
    win = make_window(load_model=False)
    chip = win.tools.chip
    win.rt.tools.config.add_stdio("files", sys.executable, [SERVER])
    win.rt.tools.config.add_stdio("notes", sys.executable, [SERVER])
    win.conversations.new()
    assert chip.text() == "Tools: off" and chip.isEnabled()
    [files] = [a for a in chip.build_menu().actions() if a.text() == "files"]
    files.setChecked(True)  # in a new chat: the chat starts, to hold the choice
    started = win.conversations.current_id
    assert started is not None and win.rt.store.get(started).tools == ["files"]
    assert chip.text() == "Tools: 1 server"
    conv = win.rt.store.create("chat")
    assert win.rt.store.get(conv.id).tools == []  # a new chat offers no tools
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    assert chip.isEnabled() and chip.text() == "Tools: off"
    menu = chip.build_menu()
    checks = {a.text(): a for a in menu.actions() if a.isCheckable()}
    assert set(checks) == {"files", "notes"} and not any(a.isChecked() for a in checks.values())
    checks["files"].setChecked(True)
    assert win.rt.store.get(conv.id).tools == ["files"]
    assert chip.text() == "Tools: 1 server" and "files" in chip.toolTip()
    checks["notes"].setChecked(True)
    assert chip.text() == "Tools: 2 servers"
    other = win.rt.store.create("other")
    win.conversations.refresh_sidebar()
    win.conversations.open(other.id)
    assert chip.text() == "Tools: off"  # the choice is the chat's own
    win.conversations.open(conv.id)
    assert chip.text() == "Tools: 2 servers"


def test_the_menu_opens_the_mcp_servers_dialog(qtbot, make_window):
    win = make_window(load_model=False)
    win.rt.tools.config.add_stdio("files", sys.executable, [SERVER])
    win.mcp_action.trigger()
    dialog = win.tools.dialog
    assert dialog.isVisible() and dialog.list.count() == 1
    qtbot.waitUntil(lambda: dialog.status["files"][0] == "ok", timeout=60_000)
    assert "write_file" in dialog.detail.toPlainText()


def test_the_engine_side_is_given_only_in_a_chat_with_servers_on(store):
    from types import SimpleNamespace

    rt = SimpleNamespace(store=store)
    conv = store.create("x")
    events = []
    assert turn_tools(rt, conv.id, lambda *a: events.append(a), threading.Event()) == {}
    assert turn_tools(rt, None, lambda *a: events.append(a), threading.Event()) == {}
    store.set_tools(conv.id, ["files"])
    kw = turn_tools(rt, conv.id, lambda *a: events.append(a), threading.Event())
    assert isinstance(kw["approve"], EngineApprover)
    kw["on_tool"]({"phase": "call", "call": {}})
    assert events == [("tool", {"phase": "call", "call": {}})]


def test_the_approver_waits_for_the_answer_and_stop_denies():
    cancel, sent = threading.Event(), []

    def emit(name, value):  # stands for the GUI thread: answers at once
        sent.append(name)
        value[1].set_result("chat")

    assert EngineApprover(emit, cancel)("request") == "chat" and sent == [APPROVAL_EVENT]

    asked: list[Future] = []
    sent_once = threading.Event()

    def ask(name, value):
        asked.append(value[1])
        sent_once.set()

    approver = EngineApprover(ask, cancel)
    answer = []
    worker = threading.Thread(target=lambda: answer.append(approver("request")))
    worker.start()
    assert sent_once.wait(30)
    cancel.set()  # Stop while nobody answered
    worker.join(30)
    assert answer == ["deny"] and asked[0].cancelled()  # the GUI side will not ask a given-up question
    assert EngineApprover(lambda *a: sent.append("asked again"), cancel)("r") == "deny" and "asked again" not in sent


def test_an_unknown_answer_is_deny():
    def emit(name, value):
        value[1].set_result("yes please")

    assert EngineApprover(emit, threading.Event())("request") == "deny"
