"""B2: the chat view follows the newest message, and stays put when the person scrolls up."""

from __future__ import annotations

from aigc_desktop.llm.sampling import SamplingParams
from PySide6.QtCore import QPoint

from tests.ui.conftest import send_and_wait, settle

# Tall on screen, cheap in tokens (the starter model's context is 4,096 tokens).
LONG = "很长的回答：\n\n" + "\n".join(f"- point {k}: " + "稳定排序 keeps equal keys in order. " * 3 for k in range(8))


def _long_chat(win, pairs=8, sampling=None):
    store = win.rt.store
    conv = store.create("long chat", sampling=sampling)
    parent = None
    for i in range(pairs):
        u = store.add_message(conv.id, "user", f"question {i}", parent_id=parent)
        parent = store.add_message(conv.id, "assistant", f"answer {i}\n\n{LONG}", parent_id=u.id,
                                   status="done", model="m").id
    win.conversations.refresh_sidebar()
    return conv


def _newest_visible(chat) -> bool:
    last = chat.widgets[-1]
    bottom = last.mapTo(chat.viewport(), QPoint(0, last.height())).y()
    bar = chat.verticalScrollBar()
    return bar.value() >= bar.maximum() - 24 and bottom <= chat.viewport().height() + 2


def test_b2_the_window_opens_at_the_newest_message_of_the_last_chat(qtbot, make_window):
    """B2: starting the app shows the last chat at its newest message (the view was built
    before the window had its size, and stayed where the first layout left it)."""
    from aigc_desktop.runtime import open_runtime

    rt = open_runtime()
    try:
        conv = rt.store.create("long chat")
        parent = None
        for i in range(8):
            u = rt.store.add_message(conv.id, "user", f"question {i}", parent_id=parent)
            parent = rt.store.add_message(conv.id, "assistant", f"answer {i}\n\n{LONG}", parent_id=u.id).id
    finally:
        rt.close()
    win = make_window(load_model=False)
    assert win.conversations.current_id == conv.id
    qtbot.waitUntil(lambda: win.chat.verticalScrollBar().maximum() > 1000 and _newest_visible(win.chat),
                    timeout=5000)


def test_b2_opening_a_chat_lands_at_its_newest_message(qtbot, make_window):
    """B2: opening a long chat shows its newest message, also when the messages grow taller afterwards."""
    win = make_window(load_model=False)
    win.resize(900, 600)
    conv = _long_chat(win)
    win.conversations.open(conv.id)
    qtbot.waitUntil(lambda: win.chat.verticalScrollBar().maximum() > 1000 and _newest_visible(win.chat),
                    timeout=5000)
    win.centralWidget().setSizes([500, 400])  # the chat narrows: its text rewraps and grows taller
    qtbot.waitUntil(lambda: _newest_visible(win.chat), timeout=5000)


def test_b2_scrolling_up_while_streaming_stays_put_and_offers_newest(qtbot, make_window):
    """B2: the person scrolls up mid-reply: the view stays there (also when the reply ends)
    and a "Newest" button appears; the button brings the view back and hides."""
    win = make_window()
    win.resize(900, 600)
    conv = _long_chat(win, pairs=2, sampling=SamplingParams(max_tokens=40, temperature=0.0, seed=3).to_dict())
    win.conversations.open(conv.id)
    bar = win.chat.verticalScrollBar()
    moved = []

    def on_delta(_t):
        if not moved and win.chat.live is not None:
            at_newest = win.chat.following and win.chat.at_newest()  # Send brought the view to the new message
            bar.setValue(bar.maximum() // 2)  # the person drags the scroll bar up
            moved.append((at_newest, bar.value()))

    win.engine.jobDelta.connect(lambda _job, _key, text: on_delta(text))
    send_and_wait(qtbot, win, "Write a long story about the sea.")
    settle(qtbot, win)
    assert moved and moved[0][0] and bar.value() == moved[0][1]
    assert not win.chat.following and win.chat.newest_button.isVisible()
    win.chat.newest_button.click()
    qtbot.waitUntil(lambda: _newest_visible(win.chat), timeout=5000)
    assert not win.chat.newest_button.isVisible()


def test_b2_send_and_edit_bring_the_view_to_the_new_message(qtbot, make_window):
    """B2: read back at the top, then Send (and later Edit → Save & resend): the view goes to the new reply."""
    win = make_window()
    win.resize(900, 600)
    conv = _long_chat(win, pairs=2, sampling=SamplingParams(max_tokens=24, temperature=0.0, seed=3).to_dict())
    win.conversations.open(conv.id)
    qtbot.waitUntil(lambda: _newest_visible(win.chat), timeout=5000)
    win.chat.verticalScrollBar().setValue(0)
    send_and_wait(qtbot, win, "One more question.")
    qtbot.waitUntil(lambda: _newest_visible(win.chat), timeout=5000)
    win.chat.verticalScrollBar().setValue(0)
    last_user = [w for w in win.chat.widgets if w.record.role == "user"][-1]
    last_user.edit_btn.click()
    last_user.editor.edit.setPlainText("One more question, please.")
    with qtbot.wait_signal(win.turnFinished, timeout=60_000):
        last_user.editor.save_btn.click()
    qtbot.waitUntil(lambda: _newest_visible(win.chat), timeout=5000)
    assert win.chat.widgets[-2].record.content == "One more question, please."
