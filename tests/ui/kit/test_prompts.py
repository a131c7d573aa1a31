"""The window's questions: a delete is confirmed by choosing Yes, never by a stray Enter."""

from __future__ import annotations


def _answer_with_enter(qtbot, seen):
    from PySide6.QtCore import Qt, QTimer
    from PySide6.QtWidgets import QApplication, QMessageBox

    def answer():
        box = next((w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()), None)
        if box is None:
            QTimer.singleShot(10, answer)  # not shown yet
            return
        seen.append(box.defaultButton() is box.button(QMessageBox.No))
        qtbot.keyClick(box, Qt.Key_Return)  # what a person pressing Enter by habit does

    QTimer.singleShot(0, answer)


def test_deleting_a_chat_asks_with_no_as_the_default(qtbot, make_window):
    win = make_window(load_model=False)
    conv = win.rt.store.create("Keep me")
    win.conversations.refresh_sidebar()
    seen = []
    _answer_with_enter(qtbot, seen)
    win.conversations.delete(conv.id)  # the real question (Prompts.confirm), answered by Enter
    assert seen == [True]
    assert [c.id for c in win.rt.store.list()] == [conv.id]  # Enter chose No: nothing deleted


def test_deleting_a_message_asks_with_no_as_the_default(qtbot, make_window):
    win = make_window(load_model=False)
    conv = win.rt.store.create("c")
    msg = win.rt.store.add_message(conv.id, "user", "keep this")
    win.conversations.open(conv.id)
    seen = []
    _answer_with_enter(qtbot, seen)
    win.conversations.delete_message(msg.id)
    assert seen == [True] and [m.content for m in win.rt.store.messages(conv.id)] == ["keep this"]
