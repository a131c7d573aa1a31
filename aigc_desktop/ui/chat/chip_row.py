"""The row of chips just above the message box (the chat's knowledge bases, its tools).

It keeps the same column as the composer below it (``style.COLUMN_MAX``, centred), so the
chips sit over the box's left edge at every window width instead of at the pane's edge.
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from aigc_desktop.ui.kit import style


class ChipRow(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._row = QHBoxLayout(self)
        self._row.setSpacing(style.SPACE["sm"])
        self._row.addStretch(1)
        self._place()

    def add(self, chip: QWidget) -> None:
        """Add ``chip`` after the chips already there."""
        self._row.insertWidget(self._row.count() - 1, chip)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._place()

    def _place(self) -> None:
        s = style.SPACE
        side = max(s["lg"], (self.width() - style.COLUMN_MAX + 1) // 2)
        self._row.setContentsMargins(side, 0, side, 0)
