"""The article's lead paragraph (导语): a few lines of plain text, edited in place.

A :class:`QPlainTextEdit` with the small part of :class:`QLineEdit`'s interface the
studio uses (``text``, ``setText``, ``editingFinished``): a lead is a paragraph, which a
one-line field showed only in part. Qt's plain-text editor has no ``editingFinished``,
so it is written here: emitted when the field loses the focus with its text changed.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy

LINES = 2  # shown at once; a longer lead scrolls


class LeadEdit(QPlainTextEdit):
    editingFinished = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("leadEdit")
        self.setTabChangesFocus(True)  # Tab goes on to the next field, as in a form
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self._at_focus = ""

    def sizeHint(self):
        hint = super().sizeHint()
        margins = self.contentsMargins()
        doc_margin = 2 * int(self.document().documentMargin())
        hint.setHeight(self.fontMetrics().lineSpacing() * LINES + doc_margin + margins.top() + margins.bottom())
        return hint

    def minimumSizeHint(self):
        hint = super().minimumSizeHint()
        hint.setHeight(self.sizeHint().height())
        return hint

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:
        """Show ``text`` from its beginning (not a change: no ``editingFinished``)."""
        self.setPlainText(text)
        self.moveCursor(QTextCursor.Start)
        self._at_focus = text

    def focusInEvent(self, event) -> None:
        self._at_focus = self.toPlainText()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        if self.toPlainText() != self._at_focus:
            self._at_focus = self.toPlainText()
            self.editingFinished.emit()
