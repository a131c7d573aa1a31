"""Tools in the real main window over a scripted engine and the stdio test MCP server: the chip turns a
server on, the approval is asked through the window's prompts, the card is live and, in a window opened
afterwards on the same data (a restart), comes back from messages.tool_calls. Closing the window while a
question is open denies the call and does not hang."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.fake_engine import ScriptedEngine

SERVER = str(Path(__file__).resolve().parents[2] / "tools" / "mcp_server.py")


def call(path: Path) -> str:
    args = json.dumps({"path": str(path), "text": "来自工具"}, ensure_ascii=False)
    return '<tool_call>\n{"name": "write_file", "arguments": %s}\n</tool_call>' % args


def scripted_window(qtbot, make_window, tmp_path):
    win = make_window(load_model=False)
    fake = ScriptedEngine()
    win.rt.engine = win.rt.service.engine = win.rt.router.local = fake
    with qtbot.wait_signal(win.modelReady, timeout=10_000):
        win.model_choice.load(tmp_path / "fake.gguf")
    win.rt.tools.config.add_stdio("files", sys.executable, [SERVER])
    conv = win.rt.store.create("tools")
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    [files] = [a for a in win.tools.chip.build_menu().actions() if a.text() == "files"]
    files.setChecked(True)
    return win, fake, conv


def test_a_tool_call_in_the_window_and_its_card_after_a_restart(qtbot, make_window, tmp_path):
    win, fake, conv = scripted_window(qtbot, make_window, tmp_path)
    target = tmp_path / "note.txt"
    asked = []
    win.prompts.ask_tool_approval = lambda request: asked.append(request) or "once"
    fake.enqueue("我来写。", call(target))
    fake.enqueue("写好了。")
    with qtbot.wait_signal(win.turnFinished, timeout=90_000) as done:
        win.composer.set_text("写个文件")
        win.turns.send("写个文件")
    reply = win.rt.store.get_message(done.args[0])
    assert target.exists(), (reply.status, reply.stats, reply.tool_calls, asked)
    assert target.read_text(encoding="utf-8") == "来自工具" and len(asked) == 1
    card = win.chat.widget_for(done.args[0]).tool_cards.cards[0]
    assert card.call["status"] == "done" and "write_file" in card.toggle.full
    assert win.chat.widget_for(done.args[0]).text == "写好了。"

    again = make_window(load_model=False)  # a window opened afterwards on the same data folder
    again.conversations.open(conv.id)
    [card] = again.chat.widget_for(done.args[0]).tool_cards.cards
    assert card.call["status"] == "done" and "来自工具" in card.arguments.toPlainText()
    assert again.tools.chip.text() == "Tools: 1 server"


def test_closing_the_window_while_asked_denies_and_does_not_hang(qtbot, make_window, tmp_path):
    win, fake, _conv = scripted_window(qtbot, make_window, tmp_path)
    target = tmp_path / "never.txt"

    def close_while_asked(request):
        win.close()  # stops the turn, then waits for the engine thread (bounded) before returning
        return "once"  # too late: the turn was stopped, so the engine side answered "deny"

    win.prompts.ask_tool_approval = close_while_asked
    fake.enqueue(call(target))
    fake.enqueue("不会用到。")
    with qtbot.wait_signal(win.turnFinished, timeout=90_000, raising=False):
        win.turns.send("写个文件")
    qtbot.waitUntil(lambda: not win.isVisible(), timeout=30_000)
    assert not win.engine.thread_.isRunning()  # the engine thread ended: nothing waits on the question
    assert not target.exists()
