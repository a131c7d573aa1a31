"""What every window controller shares: it is a ``QObject`` child of the window (so its
slots run on the GUI thread and it dies with the window) and reaches the runtime and
the other controllers through the window."""

from __future__ import annotations

from PySide6.QtCore import QObject


class Controller(QObject):
    def __init__(self, window) -> None:
        super().__init__(window)
        self.win = window

    @property
    def rt(self):
        return self.win.rt
