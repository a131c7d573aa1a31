"""The chat list while a reply streams: clicks elsewhere are refused, deleting stops first."""

from __future__ import annotations

from aigc_desktop.ui.conversations.sidebar import ID_ROLE
from PySide6.QtCore import Qt, QTimer

from tests.ui.conftest import send_and_wait, short_chat


def test_clicking_another_chat_while_streaming_keeps_the_live_reply(qtbot, make_window):
    """A click on another chat mid-reply is refused with a note; the reply keeps
    streaming into the view and ends showing the saved text."""
    win = make_window()
    other = win.rt.store.create("other chat")
    conv = short_chat(win)
    win.rt.store.update(conv.id, sampling={"max_tokens": 40, "temperature": 0.0, "seed": 1})
    win.conversations.refresh_sidebar()
    clicked = []

    def on_delta(_t):
        if not clicked:
            clicked.append(1)
            row = next(i for i in range(win.sidebar.list.count())
                       if win.sidebar.list.item(i).data(Qt.UserRole + 1) == other.id)
            win.sidebar.list.setCurrentRow(row)  # what a click does

    win.engine.jobDelta.connect(lambda _job, _key, text: on_delta(text))
    reply = send_and_wait(qtbot, win, "Write a poem about the sea.")
    assert clicked and win.conversations.current_id == conv.id
    rec = win.rt.store.get_message(reply)
    live = win.chat.widgets[-1]
    assert live.record.id == reply and live.record.status == rec.status != "streaming"
    assert live.text == rec.content and rec.content
    assert not win.banner.isVisible()  # the "stop it first" note goes with the reply
    assert win.sidebar.current_id() == conv.id


def test_deleting_the_streaming_chat_stops_then_deletes_it(qtbot, make_window):
    win = make_window()
    conv = short_chat(win)
    win.rt.store.update(conv.id, sampling={"max_tokens": 400, "temperature": 0.0, "seed": 1})
    win.prompts.confirm = lambda *a: True
    fired = []

    def on_delta(_t):
        if not fired:
            fired.append(1)
            win.conversations.delete(conv.id)

    win.engine.jobDelta.connect(lambda _job, _key, text: on_delta(text))
    send_and_wait(qtbot, win, "Write a very long essay about rivers.")
    assert fired
    assert conv.id not in [c.id for c in win.rt.store.list()]
    assert win.conversations.current_id is None and win.chat.widgets == []
    assert not win.composer.busy and win.composer.button.text() == "Send"


def test_b5_refused_click_keeps_the_highlight_on_the_chat_being_written(qtbot, make_window):
    """B5: a real click on another chat while a reply streams is refused, and the list's
    highlight (current and selected row) stays on the chat being written."""
    win = make_window()
    other = win.rt.store.create("other chat")
    conv = win.rt.store.create("writing", sampling={"max_tokens": 300, "temperature": 0.0, "seed": 1})
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    lst = win.sidebar.list
    seen = []

    def check():
        seen.append(([i.data(ID_ROLE) for i in lst.selectedItems()], win.sidebar.current_id()))
        win.turns.stop()

    def on_delta(_t):
        if seen or getattr(on_delta, "clicked", False):
            return
        on_delta.clicked = True
        item = next(lst.item(i) for i in range(lst.count()) if lst.item(i).data(ID_ROLE) == other.id)
        qtbot.mouseClick(lst.viewport(), Qt.LeftButton, pos=lst.visualItemRect(item).center())
        QTimer.singleShot(0, check)  # after the click has been handled in full

    win.engine.jobDelta.connect(lambda _job, _key, text: on_delta(text))
    send_and_wait(qtbot, win, "Write a long poem about the sea.")
    assert seen == [([conv.id], conv.id)]
    assert win.conversations.current_id == conv.id
