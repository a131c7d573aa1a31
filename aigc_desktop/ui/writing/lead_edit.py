"""The article's lead paragraph (导语): a few lines of plain text, edited in place.

A :class:`QPlainTextEdit` with the small part of :class:`QLineEdit`'s interface the
studio uses (``text``, ``setText``, ``editingFinished``): a lead is a paragraph, which a
one-line field showed only in part. Qt's plain-text editor has no ``editingFinished``,
so it is written here: emitted when the field loses the focus with its text changed.

Its height is worked out here because a plain-text editor's size hint does not follow its
text: it shows :data:`MIN_LINES` lines, grows with the text (wrapped at its width) up to
:data:`MAX_LINES`, and scrolls beyond. A line's height is measured on Chinese text: the
widget font's ``lineSpacing`` is the Latin font's, and the CJK fallback's lines are taller,
so a "two-line" field showed one and a half.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QFontMetricsF, QTextCursor, QTextLayout
from PySide6.QtWidgets import QPlainTextEdit, QSizePolicy

MIN_LINES = 3  # shown when the lead is empty or short
MAX_LINES = 5  # it grows with its text up to this; a longer lead scrolls


def line_height(font) -> float:
    """The height of one line of mixed Chinese and Latin text in ``font`` (with its fallbacks)."""
    layout = QTextLayout("中文 Ag", font)
    layout.beginLayout()
    line = layout.createLine()
    layout.endLayout()
    return max(line.height(), QFontMetricsF(font).lineSpacing())


class LeadEdit(QPlainTextEdit):
    editingFinished = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("leadEdit")
        self.setTabChangesFocus(True)  # Tab goes on to the next field, as in a form
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self._at_focus = ""
        self._height = 0
        self.document().contentsChanged.connect(self._fit)

    def wanted_lines(self) -> float:
        """How many lines the text takes at the present width (wrapped), at least one."""
        line = line_height(self.font())
        block, height = self.document().firstBlock(), 0.0
        while block.isValid():
            height += self.blockBoundingRect(block).height() if block.layout().lineCount() else line
            block = block.next()
        return max(1.0, height / line)

    def _hint_height(self) -> int:
        lines = min(MAX_LINES, max(MIN_LINES, self.wanted_lines()))
        margins = self.contentsMargins()
        doc_margin = 2 * self.document().documentMargin()
        return int(lines * line_height(self.font()) + doc_margin + margins.top() + margins.bottom() + 1)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().sizeHint()
        hint.setHeight(self._hint_height())
        return hint

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        hint.setHeight(self.sizeHint().height())
        return hint

    def _fit(self) -> None:
        """Ask the layout for another height when the text's lines changed (typing, a new width)."""
        height = self._hint_height()
        if height != self._height:
            self._height = height
            self.updateGeometry()

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():  # the text wraps anew
            self._fit()

    def text(self) -> str:
        return self.toPlainText()

    def setText(self, text: str) -> None:  # noqa: N802 - QLineEdit's name
        """Show ``text`` from its beginning (not a change: no ``editingFinished``)."""
        self.setPlainText(text)
        self.moveCursor(QTextCursor.Start)
        self._at_focus = text

    def focusInEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self._at_focus = self.toPlainText()
        super().focusInEvent(event)

    def focusOutEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().focusOutEvent(event)
        if self.toPlainText() != self._at_focus:
            self._at_focus = self.toPlainText()
            self.editingFinished.emit()
