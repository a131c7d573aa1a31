"""The status bar's sync line: "Synced 10:42", "Syncing…", or the last error in plain words (in the error colour).

A long error is shortened on the line; the whole text is the tooltip. A click opens Settings → Sync.

Signals of SyncStatusLabel: clicked()
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel

from aigc_desktop.i18n import _
from aigc_desktop.ui.kit import style
SHOWN_CHARS = 48  # of an error on the status bar line; the tooltip has it all


def when(moment: datetime | None, now: datetime | None = None) -> str:
    """A time as a person reads it in a list: "14:05" today, "12-03 14:05" this year, else the date."""
    if moment is None:
        return _("never")
    local = moment.astimezone() if moment.tzinfo else moment
    now = now or datetime.now(local.tzinfo)
    if local.date() == now.date():
        return local.strftime("%H:%M")
    if local.year == now.year:
        return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d")


class SyncStatusLabel(QLabel):
    clicked = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__("", parent)
        self.setObjectName("syncStatus")
        self.setTextFormat(Qt.PlainText)  # an error may quote a server's words: shown as they are
        self.setCursor(Qt.PointingHandCursor)
        self.setMinimumWidth(60)  # a narrow window clips it (whole in the tooltip) instead of growing
        self.setMaximumWidth(460)
        self.error: str | None = None
        self.setVisible(False)

    def show_off(self) -> None:
        self.error = None
        self.setVisible(False)

    def show_running(self) -> None:
        self._show(_("Syncing…"), _("Sync is running."), error=None)

    def show_synced(self, last_sync: datetime | None, where: str = "") -> None:
        text = _("Synced {when}").format(when=when(last_sync)) if last_sync else _("Not synced yet")
        tip = _("Last sync: {when}").format(when=when(last_sync)) + (f"\n{where}" if where else "")
        self._show(text, tip, error=None)

    def show_error(self, message: str) -> None:
        first = message.splitlines()[0] if message else ""
        if len(first) > SHOWN_CHARS:  # its start says what happened: cut at the end, not in the middle
            first = first[:SHOWN_CHARS - 1] + "…"
        self._show(_("Sync failed: {error}").format(error=first), message, error=message)

    def _show(self, text: str, tip: str, error: str | None) -> None:
        self.error = error
        self.setText(text)
        self.setToolTip(tip)
        self.setStyleSheet(f"color: {style.current().error};" if error else "")
        self.setVisible(True)

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.button() == Qt.LeftButton:
            self.clicked.emit()
        super().mouseReleaseEvent(event)
