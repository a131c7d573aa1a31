"""Each chat keeps its own unsent text: it no longer follows a switch of chat or Ctrl+N
(one was sent into the wrong chat), and it is there again after a restart."""

from __future__ import annotations


def _type(qtbot, win, text: str) -> None:
    win.composer.edit.setFocus()
    qtbot.keyClicks(win.composer.edit, text)


def test_a_draft_stays_with_its_chat(qtbot, make_window):
    win = make_window(load_model=False)
    a, b = win.rt.store.create("A"), win.rt.store.create("B")
    win.conversations.refresh_sidebar()
    win.conversations.open(a.id)
    _type(qtbot, win, "half a question for A")
    win.sidebar.conversationSelected.emit(b.id)  # a click on B in the list
    assert win.conversations.current_id == b.id and win.composer.text() == ""
    _type(qtbot, win, "B's own")
    win.sidebar.conversationSelected.emit(a.id)
    assert win.composer.text() == "half a question for A"
    win.new_action.trigger()  # Ctrl+N: a new chat
    assert win.conversations.current_id is None and win.composer.text() == ""
    _type(qtbot, win, "for a new chat")
    win.conversations.open(b.id)
    assert win.composer.text() == "B's own"
    win.conversations.new()
    assert win.composer.text() == "for a new chat"  # the unsaved new chat's text waits for it
    win.conversations.open(a.id)
    win.conversations.new()
    win.conversations.open(b.id)
    assert win.composer.text() == "B's own"


def test_drafts_survive_closing_the_window(qtbot, make_window):
    win = make_window(load_model=False)
    a, b = win.rt.store.create("A"), win.rt.store.create("B")
    win.conversations.refresh_sidebar()
    win.conversations.open(a.id)
    _type(qtbot, win, "draft of A")
    win.conversations.open(b.id)
    _type(qtbot, win, "draft of B, not switched away from")  # saved when the window closes
    win.close()
    win.rt.close()

    again = make_window(load_model=False)
    again.conversations.open(a.id)
    assert again.composer.text() == "draft of A"
    again.conversations.open(b.id)
    assert again.composer.text() == "draft of B, not switched away from"


def test_showing_a_draft_evaluates_nothing_ahead(qtbot, make_window):
    """Opening a chat is not typing: its draft appearing starts no prefill (browsing chats keeps the CPU idle)."""
    win = make_window(load_model=False)
    a, b = win.rt.store.create("A"), win.rt.store.create("B")
    win.conversations.open(a.id)
    _type(qtbot, win, "draft")
    win.conversations.open(b.id)
    edited = []
    win.composer.edited.connect(lambda: edited.append(1))
    win.conversations.open(a.id)
    assert win.composer.text() == "draft" and edited == []


def test_a_chat_deleted_with_its_draft_leaves_an_empty_box(qtbot, make_window):
    win = make_window(load_model=False)
    a = win.rt.store.create("A")
    win.conversations.open(a.id)
    _type(qtbot, win, "never mind")
    win.prompts.confirm = lambda *a: True
    win.conversations.delete(a.id)
    assert win.conversations.current_id is None and win.composer.text() == ""
