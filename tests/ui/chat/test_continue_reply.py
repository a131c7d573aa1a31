"""A reply cut at Max tokens says so in its header and offers Continue, which carries that
reply on in place (real model); a reply that ended by itself offers neither."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import send_and_wait


def test_a_cut_reply_is_marked_and_continue_carries_it_on(qtbot, make_window):
    win = make_window()
    conv = win.rt.store.create("cut", sampling={"max_tokens": 8, "temperature": 0.0, "seed": 3})
    win.conversations.open(conv.id)
    reply_id = send_and_wait(qtbot, win, "Write a long story about a dragon who learns to bake bread.")
    first = win.rt.store.get_message(reply_id)
    assert first.stats["finish_reason"] == "length"
    w = win.chat.widget_for(reply_id)
    assert "cut off at Max tokens" in w.header.text()
    assert w.continue_btn.isVisible() and w.continue_btn.isEnabled()
    assert not win.chat.widgets[0].continue_btn.isVisible()  # the question has none
    with qtbot.wait_signal(win.turnFinished, timeout=120_000) as done:
        qtbot.mouseClick(w.continue_btn, Qt.LeftButton)
        assert win.turns.busy and win.chat.live is w  # the same message is written on
    assert done.args == [reply_id]
    grown = win.rt.store.get_message(reply_id)
    assert grown.content.startswith(first.content) and len(grown.content) > len(first.content)
    assert [m.id for m in win.rt.store.branch(conv.id)] == [first.parent_id, reply_id]  # no new version
    shown = win.chat.widget_for(reply_id)
    assert shown.text == grown.content and not win.banner.isVisible()


def test_a_finished_reply_has_no_mark_and_no_continue(qtbot, make_window):
    win = make_window(load_model=False)
    conv = win.rt.store.create("done")
    u = win.rt.store.add_message(conv.id, "user", "hi")
    cut = win.rt.store.add_message(conv.id, "assistant", "Hello, I am", parent_id=u.id, status="done",
                                   model="m", stats={"finish_reason": "length"})
    u2 = win.rt.store.add_message(conv.id, "user", "go on", parent_id=cut.id)
    whole = win.rt.store.add_message(conv.id, "assistant", "Sure.", parent_id=u2.id, status="done", model="m",
                                     stats={"finish_reason": "stop"})
    win.conversations.open(conv.id)
    older, newest = win.chat.widget_for(cut.id), win.chat.widget_for(whole.id)
    assert "cut off" in older.header.text() and not older.continue_btn.isVisible()  # only on the newest reply
    assert "cut off" not in newest.header.text() and not newest.continue_btn.isVisible()
