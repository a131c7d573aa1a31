"""The shortcut guard keeps the window's shortcuts when a text box claims them."""

from __future__ import annotations

from PySide6.QtCore import Qt


def test_b10_the_window_keeps_ctrl_e_when_a_text_box_claims_it(qtbot, make_window):
    """B10: a line edit that claims Ctrl+E (as QLineEdit does on X11) no longer hides Export from it."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication, QLineEdit

    class X11LineEdit(QLineEdit):  # offscreen Qt has no Unix key bindings; this behaves like xcb's
        def event(self, ev):
            if ev.type() == QEvent.ShortcutOverride and ev.key() == Qt.Key_E:
                ev.accept()
                return True
            return super().event(ev)

    win = make_window(load_model=False)
    assert win.sidebar.search in win.shortcut_guard.watched
    box = X11LineEdit(win)
    override = QKeyEvent(QEvent.ShortcutOverride, Qt.Key_E, Qt.ControlModifier)
    QApplication.sendEvent(box, override)
    assert override.isAccepted()  # unguarded, the box takes Ctrl+E from the window
    win.shortcut_guard.watch(box)
    override = QKeyEvent(QEvent.ShortcutOverride, Qt.Key_E, Qt.ControlModifier)
    QApplication.sendEvent(box, override)
    assert not override.isAccepted()
    plain = QKeyEvent(QEvent.ShortcutOverride, Qt.Key_A, Qt.ControlModifier)
    QApplication.sendEvent(box, plain)  # other keys stay the box's own
    assert win.shortcut_guard.eventFilter(box, plain) is False
