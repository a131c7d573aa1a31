"""Tool cards in a reply: closed by default with a one-line heading, live events, stored calls, inert text."""

from __future__ import annotations

from PySide6.QtCore import Qt

from aigc_desktop.store.conversations import MessageRecord
from aigc_desktop.store.schema import utcnow
from aigc_desktop.ui.chat.view import ChatView
from aigc_desktop.ui.tools.cards import SHOWN_CHARS, ToolCallList

CALL = {"id": "c1", "server": "files", "tool": "write_file", "arguments": {"path": "/tmp/a.txt"},
        "status": "done", "result": "wrote 5 bytes", "is_error": False, "seconds": 0.4, "text_before": ""}


def reply(calls, content="Done."):
    return MessageRecord(id=2, conversation_id=1, parent_id=None, role="assistant", content=content, status="done",
                         created_at=utcnow(), model="m", stats={}, tool_calls=calls)


def test_a_stored_reply_shows_its_calls_closed(qtbot):
    view = ChatView()
    qtbot.addWidget(view)
    view.set_messages([reply([CALL, {**CALL, "id": "c2", "status": "denied", "result": "denied"}])])
    w = view.widget_for(2)
    cards = w.tool_cards.cards
    assert len(cards) == 2
    assert not cards[0].expanded and cards[0].details.isHidden()
    assert "write_file" in cards[0].toggle.full and "files" in cards[0].toggle.full
    assert "0.4" in cards[0].toggle.full and "/tmp/a.txt" in cards[0].toggle.full
    cards[0].toggle.click()
    assert cards[0].expanded and not cards[0].details.isHidden()
    assert cards[0].result.toPlainText() == "wrote 5 bytes"
    assert '"path": "/tmp/a.txt"' in cards[0].arguments.toPlainText()


def test_a_reply_without_calls_has_no_cards(qtbot):
    view = ChatView()
    qtbot.addWidget(view)
    view.set_messages([reply([])])
    assert view.widget_for(2).tool_cards is None


def test_live_events_make_and_finish_a_card(qtbot):
    cards = ToolCallList()
    qtbot.addWidget(cards)
    cards.apply_event({"phase": "call", "call": {k: CALL[k] for k in ("id", "server", "tool", "arguments")}})
    assert len(cards.cards) == 1 and cards.cards[0].call["status"] == "running"
    assert cards.cards[0].result.isHidden()
    cards.apply_event({"phase": "result", "call": CALL})
    assert len(cards.cards) == 1 and cards.cards[0].call["status"] == "done"
    assert cards.cards[0].result.toPlainText() == "wrote 5 bytes"


def test_a_result_is_inert_and_capped(qtbot):
    hostile = '<img src="http://example.com/x.png"><a href="http://evil">x</a>' + "y" * 50_000
    cards = ToolCallList()
    qtbot.addWidget(cards)
    cards.show_calls([{**CALL, "result": hostile}])
    text = cards.cards[0].result.toPlainText()
    assert text.startswith('<img src="http://example.com/x.png">')  # shown as characters, not markup
    assert len(text) < SHOWN_CHARS + 100


def test_servers_that_failed_are_said_live_and_after(qtbot):
    cards = ToolCallList()
    qtbot.addWidget(cards)
    cards.apply_event({"phase": "problem", "message": "MCP server “x” could not start: boom"})
    assert not cards.isHidden() and "boom" in cards.problems.text() and not cards.cards
    view = ChatView()
    qtbot.addWidget(view)
    rec = reply([])
    view.set_messages([MessageRecord(**{**rec.__dict__, "stats": {"tool_problems": ["<b>server down</b>"]}})])
    label = view.widget_for(2).tool_cards.problems
    assert label.text() == "<b>server down</b>" and label.textFormat() == Qt.PlainText
