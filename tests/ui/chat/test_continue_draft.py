"""续写 in the chat composer on the real starter model: the model carries the person's text on,
by raw completion, into the box; nothing is sent or stored, and the window is held meanwhile."""

from __future__ import annotations

from PySide6.QtCore import Qt


START = "Once upon a time, in a small village by the sea,"


def test_continue_button_appends_to_the_draft_and_sends_nothing(qtbot, make_window):
    """The composer's Continue button adds model text after the draft; no chat or message is stored."""
    win = make_window()
    win.continuation.max_tokens = 24
    win.composer.set_text(START)
    chats_before = len(win.rt.store.list())
    assert win.composer.continue_button.isEnabled()
    with qtbot.wait_signal(win.continuation.finished, timeout=300_000) as blocker:
        qtbot.mouseClick(win.composer.continue_button, Qt.LeftButton)
        assert win.turns.busy and win.composer.edit.isReadOnly()
    assert blocker.args == ["done"]
    text = win.composer.text()
    assert text.startswith(START) and len(text.strip()) > len(START)
    assert "<|im_start|>" not in text and "\ufffd" not in text
    assert len(win.rt.store.list()) == chats_before
    assert not win.turns.busy and not win.composer.edit.isReadOnly()


def test_stop_ends_the_continuation_and_keeps_the_text(qtbot, make_window):
    """Stop (the composer's button, now Stop) ends it at once; the draft and what came so far stay."""
    win = make_window()
    win.continuation.max_tokens = 4000
    win.composer.set_text(START)
    with qtbot.wait_signal(win.continuation.finished, timeout=300_000) as blocker:
        assert win.continuation.continue_draft()
        win.composer.button.click()  # Stop while held
    assert blocker.args == ["stopped"]
    assert win.composer.text().startswith(START)
    assert not win.turns.busy


def test_refused_with_an_empty_box_or_while_a_reply_is_written(qtbot, make_window):
    """An empty box says what to do; a running reply refuses it, with a note."""
    win = make_window()
    win.composer.set_text("")
    assert not win.continuation.continue_draft() and not win.composer.continue_button.isEnabled()
    win.composer.set_text("Say hi.")
    with qtbot.wait_signal(win.turnFinished, timeout=300_000):
        win.composer._submit()
        win.composer.set_text("More text")
        assert not win.continuation.continue_draft()
        win.turns.stop()
    assert not win.continuation.running


def test_shortcut_from_the_box(qtbot, make_window):
    """Ctrl+Shift+Enter in the message box continues the text rather than sending it."""
    win = make_window()
    win.continuation.max_tokens = 8
    win.composer.set_text(START)
    win.composer.edit.setFocus()
    with qtbot.wait_signal(win.continuation.finished, timeout=300_000):
        qtbot.keyClick(win.composer.edit, Qt.Key_Return, Qt.ControlModifier | Qt.ShiftModifier)
    assert win.composer.text().startswith(START) and len(win.rt.store.list()) == 0


def test_one_ctrl_z_takes_the_whole_continuation_back(qtbot, make_window):
    """However many pieces the model's text arrived in, one Ctrl+Z removes exactly what it added
    (and nothing the person typed); Ctrl+Shift+Z brings it back."""
    win = make_window()
    win.continuation.max_tokens = 48
    edit = win.composer.edit
    edit.setFocus()
    qtbot.keyClicks(edit, START)
    pieces = []
    win.engine.jobDelta.connect(lambda _job, _key, text: pieces.append(text))
    with qtbot.wait_signal(win.continuation.finished, timeout=300_000):
        assert win.continuation.continue_draft()
    continued = win.composer.text()
    assert continued.startswith(START) and len(continued) > len(START)
    qtbot.keyClick(edit, Qt.Key_Z, Qt.ControlModifier)
    assert win.composer.text() == START, (len(pieces), win.composer.text())
    qtbot.keyClick(edit, Qt.Key_Z, Qt.ControlModifier | Qt.ShiftModifier)
    assert win.composer.text() == continued
