"""Save & resend of an edited message leaves the keyboard in the message box (it used to
jump to the sidebar's New chat button when the editor went away)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import short_chat


def test_focus_stays_in_the_composer_after_save_and_resend(qtbot, make_window):
    win = make_window()
    conv = short_chat(win, "edit me")
    q = win.rt.store.add_message(conv.id, "user", "Say hi.")
    win.rt.store.add_message(conv.id, "assistant", "Hi!", parent_id=q.id, status="done", model="m")
    win.conversations.open(conv.id)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow, timeout=5_000)
    user = win.chat.widgets[0]
    user.edit_btn.click()
    assert QApplication.focusWidget() is user.editor.edit
    user.editor.edit.setPlainText("Say hello.")
    with qtbot.wait_signal(win.turnFinished, timeout=120_000):
        qtbot.mouseClick(user.editor.save_btn, Qt.LeftButton)
        assert QApplication.focusWidget() is win.composer.edit
    QApplication.processEvents()
    assert QApplication.focusWidget() is win.composer.edit
    assert [m.content for m in win.rt.store.branch(conv.id)][0] == "Say hello."
