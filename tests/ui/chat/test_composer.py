"""The composer: Send, the model pill, Up to edit the last message."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.ui.conftest import send_and_wait, short_chat


def test_up_edits_last_message(qtbot, make_window):
    """Up in an empty composer edits the last user message."""
    win = make_window()
    short_chat(win)
    send_and_wait(qtbot, win, "first try")
    win.composer.edit.setFocus()
    qtbot.keyClick(win.composer.edit, Qt.Key_Up)
    editing = win.chat.editing()
    assert editing is win.chat.widgets[0] and editing.editor.text() == "first try"
    assert editing.editor.edit.hasFocus()


def test_composer_send_button_and_model_pill(qtbot, make_window):
    """Send is disabled while the box is empty; the pill names the loaded model."""
    win = make_window()
    assert win.composer.model_pill.text() == win.engine.model.name
    assert not win.composer.button.isEnabled()
    win.composer.edit.setPlainText("hello")
    assert win.composer.button.isEnabled() and win.composer.button.text() == "Send"
    win.composer.set_busy(True)
    assert win.composer.button.isEnabled() and win.composer.button.text() == "Stop"
    win.composer.set_busy(False)
    win.composer.edit.setPlainText("   ")
    assert not win.composer.button.isEnabled()
