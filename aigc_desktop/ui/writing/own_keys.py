"""Keys a studio list keeps for itself although the window has a shortcut on them.

The main window binds F2 to Rename conversation, and a window shortcut wins over a
widget's own key handling: F2 in the outline or the document list renamed nothing (the
chat list, hidden behind the studio, got it). Accepting the ShortcutOverride event is
Qt's way for a focused widget to say "this key is mine": the shortcut does not fire and
the key press reaches the list, whose edit trigger then opens the item's editor.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt


class OwnKeys(QObject):
    """An event filter: the watched widget takes ``keys`` (plain, no modifiers) before the window does."""

    def __init__(self, parent: QObject, keys=(Qt.Key_F2,)) -> None:
        super().__init__(parent)
        self.keys = tuple(keys)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 - Qt override
        if (event.type() == QEvent.ShortcutOverride and event.key() in self.keys
                and event.modifiers() == Qt.NoModifier):
            event.accept()  # the key is the widget's: no shortcut, a key press follows
            return True
        return False
