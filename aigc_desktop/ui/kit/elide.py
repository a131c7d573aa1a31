"""Text that does not fit ends in "…" instead of being clipped, the full text in a tooltip.

Long model ids ("my-provider/Qwen/Qwen3-30B-A3B-Instruct-2507-GGUF:Q4_K_M") differ at both
ends (the provider in front, the quantisation at the back), so they are elided in the middle.
Qt's ``QLabel`` and ``QComboBox`` only clip; these two draw the elided text themselves
(``QFontMetrics.elidedText``), which is why they exist.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QComboBox, QLabel, QStyle, QStyleOptionComboBox, QStylePainter


def elide(text: str, font, width: int, mode=Qt.ElideMiddle) -> str:
    """``text`` shortened with "…" to fit ``width`` pixels in ``font``."""
    return QFontMetrics(font).elidedText(text, mode, max(0, width))


def shorten(text: str, chars: int) -> str:
    """``text`` cut to ``chars`` characters in the middle, for strings with no widget to measure
    against (a placeholder is formatted before it is drawn)."""
    if len(text) <= chars:
        return text
    head = chars // 2
    return text[:head] + "…" + text[len(text) - (chars - 1 - head):]


class ElidedLabel(QLabel):
    """A one-line label that elides (in the middle by default) and shows the whole text as its tooltip
    when it is cut. ``text()`` is always the whole text. A ``suffix`` (who runs a model: "（本机）")
    is never elided: only the text before it is."""

    def __init__(self, text: str = "", parent=None, mode=Qt.ElideMiddle, suffix: str = "") -> None:
        super().__init__(parent)
        self._full, self._mode, self._suffix = "", mode, suffix
        self.setTextFormat(Qt.PlainText)
        self.setText(text)

    def setText(self, text: str) -> None:  # noqa: N802 - QLabel's name
        self._full = text or ""
        self._fit()

    def text(self) -> str:
        return self._full

    def shown_text(self) -> str:
        """What is drawn now (the whole text, or it elided)."""
        return super().text()

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().minimumSizeHint()
        return QSize(min(hint.width(), self.minimumWidth() or 0), hint.height())

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        m = self.contentsMargins()
        width = QFontMetrics(self.font()).horizontalAdvance(self._full + self._suffix) + m.left() + m.right() + 6
        return QSize(width, super().sizeHint().height())

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().resizeEvent(event)
        self._fit()

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.FontChange, QEvent.StyleChange):  # a stylesheet's bold arrives late
            self.updateGeometry()
            self._fit()

    def _fit(self) -> None:
        room = self.contentsRect().width() - 2 - QFontMetrics(self.font()).horizontalAdvance(self._suffix)
        shown = elide(self._full, self.font(), room, self._mode)
        if shown + self._suffix != super().text():
            super().setText(shown + self._suffix)
        self.setToolTip(self._full + self._suffix if shown != self._full else "")


class ElidedComboBox(QComboBox):
    """A combo box whose closed face elides the current text in the middle (the list shows it whole),
    with a width that does not follow its items: its size hint is the minimum width it is given, so
    a long item, or a style change that recomputes the hint, never stretches the toolbar."""

    def __init__(self, tip: str = "", parent=None) -> None:
        super().__init__(parent)
        self._tip_text = tip
        self.setToolTip(tip)
        self.setSizeAdjustPolicy(QComboBox.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)
        self.view().setTextElideMode(Qt.ElideMiddle)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        hint = super().sizeHint()
        return QSize(max(self.minimumWidth(), min(hint.width(), self.maximumWidth())), hint.height())

    def showPopup(self) -> None:  # noqa: N802 - Qt's name
        """The open list is as wide as its longest item (within the screen), not only as the face."""
        widest = self.view().sizeHintForColumn(0) + 2 * self.style().pixelMetric(QStyle.PM_ScrollBarExtent)
        screen = self.screen().availableGeometry().width() if self.screen() is not None else 1200
        self.view().setMinimumWidth(min(widest, screen * 2 // 3))
        super().showPopup()

    def paintEvent(self, _event) -> None:  # noqa: N802 - Qt's name
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        painter.drawComplexControl(QStyle.CC_ComboBox, opt)
        field = self.style().subControlRect(QStyle.CC_ComboBox, opt, QStyle.SC_ComboBoxEditField, self)
        room = field.width() - (opt.iconSize.width() + 4 if not opt.currentIcon.isNull() else 0) - 4
        opt.currentText = elide(opt.currentText, self.font(), room)
        painter.drawControl(QStyle.CE_ComboBoxLabel, opt)

    def event(self, event) -> bool:
        if event.type() == QEvent.ToolTip:  # read when shown: the list may change with signals blocked
            self.setToolTip(self.full_tip())
        return super().event(event)

    def full_tip(self) -> str:
        """The tooltip: the whole current item above the box's own tip."""
        text = self.currentText()
        return f"{text}\n{self._tip_text}".strip() if text else self._tip_text
