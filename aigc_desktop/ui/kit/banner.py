"""The note above the chat: errors stay until the next action, information fades.

A banner is also what the excepthook uses for a ``UserError`` that escaped a
slot (``show_error``). The window reads nothing back from it: callers that
need to remember what they said keep a ``kind``/``tag``.
"""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QLabel

from aigc_desktop.render.palette import palette_for

INFO_SECONDS = 12  # an information note (exported, imported, …) clears itself



class Banner(QLabel):
    def __init__(self, parent=None) -> None:
        super().__init__("", parent)
        self.setObjectName("banner")
        self.setWordWrap(True)
        self.setVisible(False)
        self.kind = "info"
        self.tag: str | None = None  # who put the current note up, so only they take it down
        self._theme = "light"
        self._fade = QTimer(self)
        self._fade.setSingleShot(True)
        self._fade.timeout.connect(self.clear_note)

    def set_theme(self, name: str) -> None:
        self._theme = name
        self._style()

    def _style(self) -> None:
        background, colour = palette_for(self._theme).banner[self.kind]
        self.setStyleSheet(f"QLabel#banner {{ background: {background}; color: {colour}; padding: 6px; }}")

    def show_error(self, text: str, tag: str | None = None) -> None:
        self._show(text, "error", tag)
        self._fade.stop()

    def show_info(self, text: str, tag: str | None = None, sticky: bool = False) -> None:
        self._show(text, "info", tag)
        if text and not sticky:
            self._fade.start(INFO_SECONDS * 1000)
        else:
            self._fade.stop()

    def _show(self, text: str, kind: str, tag: str | None) -> None:
        self.kind, self.tag = kind, tag
        self.setText(text)
        self._style()
        self.setVisible(bool(text))

    def clear_note(self, tag: str | None = None) -> None:
        """Hide the note; with ``tag``, only if that caller put it up."""
        if tag is not None and tag != self.tag:
            return
        self._fade.stop()
        self.tag = None
        self.setText("")
        self.setVisible(False)
