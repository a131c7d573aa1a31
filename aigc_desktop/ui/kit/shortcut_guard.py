"""Keeps the window's own shortcuts working while a text box has the focus.

On X11, QLineEdit claims Ctrl+E (the Unix "end of line" binding) through a
ShortcutOverride event, so File → Export never fired while the search box had
the focus. The guard sits in front of such a widget and lets the window's chosen
shortcuts through; every other key stays the widget's.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QKeySequence


class ShortcutGuard(QObject):
    def __init__(self, parent: QObject, sequences: list[QKeySequence]) -> None:
        super().__init__(parent)
        self.sequences = [QKeySequence(s) for s in sequences]
        self.watched: list[QObject] = []

    def watch(self, widget: QObject) -> None:
        widget.installEventFilter(self)
        self.watched.append(widget)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.ShortcutOverride:
            pressed = QKeySequence(event.keyCombination())
            if any(pressed.matches(s) == QKeySequence.ExactMatch for s in self.sequences):
                event.ignore()
                return True  # the widget never sees it: the window's shortcut runs
        return False
