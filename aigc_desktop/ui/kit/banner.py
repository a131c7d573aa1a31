"""The note above the chat: errors stay until the next action, information fades.

The banner floats over the top of the page (:meth:`Banner.overlay`) instead of
taking a row of the layout: a row that came and went pushed everything below it
down and back up by a line, so a click aimed at a button landed on another. An
information note does not fade while the pointer is over it (the person is
reading it, or about to click it); it fades a few seconds after the pointer
leaves. A click on the banner closes it.

A banner is also what the excepthook uses for a ``UserError`` that escaped a
slot (``show_error``). The window reads nothing back from it: callers that
need to remember what they said keep a ``kind``/``tag``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsDropShadowEffect, QLabel, QWidget

from aigc_desktop.i18n import _
from aigc_desktop.render.palette import palette_for
from aigc_desktop.ui.kit import style

INFO_SECONDS = 12  # an information note (exported, imported, …) clears itself
AFTER_HOVER_SECONDS = 4  # … and, once read under the pointer, this long after the pointer left


class Banner(QLabel):
    def __init__(self, parent=None) -> None:
        super().__init__("", parent)
        self.setObjectName("banner")
        self.setWordWrap(True)
        self.setVisible(False)
        self.setToolTip(_("Click to close"))
        self.kind = "info"
        self.tag: str | None = None  # who put the current note up, so only they take it down
        self._theme = "light"
        self._host: QWidget | None = None
        self._hovered = False
        self._fades = False  # an information note that is not sticky
        self._fade = QTimer(self)
        self._fade.setSingleShot(True)
        self._fade.timeout.connect(self._fade_out)
        shadow = QGraphicsDropShadowEffect(self)
        shadow.setBlurRadius(16)
        shadow.setOffset(0, 2)
        shadow.setColor(QColor(0, 0, 0, 60))
        self.setGraphicsEffect(shadow)

    # -- floating over the page ---------------------------------------------------------
    def overlay(self, host: QWidget) -> None:
        """Float over the top of ``host`` (a child of it outside its layout): showing and
        hiding a note moves nothing on the page."""
        self._host = host
        self.setParent(host)
        host.installEventFilter(self)
        self._place()

    def eventFilter(self, obj, event) -> bool:
        if obj is self._host and event.type() in (QEvent.Resize, QEvent.Show):
            self._place()
        return super().eventFilter(obj, event)

    def _place(self) -> None:
        host = self._host
        if host is None:
            return
        margin = style.SPACE["sm"]
        width = max(120, min(host.width() - 2 * margin, style.COLUMN_MAX))
        height = self.heightForWidth(width) if self.text() else self.sizeHint().height()
        self.setGeometry((host.width() - width) // 2, margin, width, max(height, self.minimumSizeHint().height()))
        self.raise_()

    # -- look ----------------------------------------------------------------------------
    def set_theme(self, name: str) -> None:
        self._theme = name
        self._style()

    def _style(self) -> None:
        background, colour = palette_for(self._theme).banner[self.kind]
        self.setStyleSheet(f"QLabel#banner {{ background: {background}; color: {colour}; "
                           f"padding: 8px 12px; border-radius: {style.RADIUS['sm']}px; }}")

    # -- notes ---------------------------------------------------------------------------
    def show_error(self, text: str, tag: str | None = None) -> None:
        self._fades = False
        self._show(text, "error", tag)
        self._fade.stop()

    def show_info(self, text: str, tag: str | None = None, sticky: bool = False) -> None:
        self._fades = bool(text) and not sticky
        self._show(text, "info", tag)
        if self._fades and not self._hovered:
            self._fade.start(INFO_SECONDS * 1000)
        else:
            self._fade.stop()

    def _show(self, text: str, kind: str, tag: str | None) -> None:
        self.kind, self.tag = kind, tag
        self.setText(text)
        self._style()
        self._place()
        self.setVisible(bool(text))
        if text:
            self.raise_()

    def clear_note(self, tag: str | None = None) -> None:
        """Hide the note; with ``tag``, only if that caller put it up."""
        if tag is not None and tag != self.tag:
            return
        self._fade.stop()
        self._fades = False
        self.tag = None
        self.setText("")
        self.setVisible(False)

    def _fade_out(self) -> None:
        if self._hovered:
            return  # being read: it fades after the pointer leaves
        self.clear_note()

    # -- the pointer -----------------------------------------------------------------------
    def enterEvent(self, event) -> None:
        self._hovered = True
        self._fade.stop()
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:
        self._hovered = False
        if self._fades and self.isVisible():
            self._fade.start(AFTER_HOVER_SECONDS * 1000)
        super().leaveEvent(event)

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.LeftButton:
            self.clear_note()
            return
        super().mousePressEvent(event)
