"""A message's text: rendered Markdown in a read-only view as tall as its content.

Split from ``message.py`` (the message widget: layout, actions, editing), which
holds one of these per message; a reply's thinking (``thinking.py``) is one too, as plain text.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QSize, Qt, QUrl
from PySide6.QtGui import QTextDocument, QTextOption
from PySide6.QtWidgets import QFrame, QSizePolicy, QTextBrowser

from aigc_desktop.ui.kit import style
from aigc_desktop.ui.chat.math_resources import message_resource


class MessageBody(QTextBrowser):
    """A read-only rich text view that is as tall as its content and loads nothing.

    With ``shrink`` (the person's bubble) its preferred width is the text's own
    width, so a short message makes a small bubble."""

    def __init__(self, parent=None, shrink: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("messageBody")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Preferred if shrink else QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setWordWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
        self.setFocusPolicy(Qt.ClickFocus)  # select text with the mouse; Tab goes to the actions
        self.document().setDocumentMargin(2)
        self.code_blocks: list[str] = []
        self._shrink = shrink
        self._natural = 400
        self._limit = 0
        self.max_fit = 0  # when set, the view is at most this tall and scrolls beyond it

    def loadResource(self, type_: int, name: QUrl):  # noqa: N802 - Qt override
        # Untrusted content: never load an image or stylesheet from anywhere; formulas
        # are drawn from their own source (ui/chat/math_resources.py).
        return message_resource(type_, name, self.devicePixelRatioF())

    def set_rendered(self, html: str, codes: list[str]) -> None:
        self.code_blocks = codes
        self.document().setDefaultStyleSheet(style.message_css(style.current()))
        self.setHtml(html)
        self._measure()
        self._fit()

    def set_plain(self, text: str, follow: bool = False) -> None:
        """Show ``text`` as it is (no Markdown, no links); ``follow`` keeps a scrolled view at its end."""
        bar = self.verticalScrollBar()
        at_end = bar.value() >= bar.maximum() - 4
        self.code_blocks = []
        self.setPlainText(text)
        self._fit()
        if follow and at_end:
            bar.setValue(bar.maximum())

    def set_limit(self, width: int) -> None:
        """The widest this body may be (the bubble's share of the column)."""
        if width != self._limit:
            self._limit = width
            self._measure()

    def _measure(self) -> None:
        if not self._shrink or self._limit <= 0:
            return
        doc: QTextDocument = self.document()
        doc.setTextWidth(self._limit)
        natural = min(self._limit, math.ceil(doc.idealWidth()) + 6)
        doc.setTextWidth(max(50, self.viewport().width()))
        if natural != self._natural:
            self._natural = natural
            self.updateGeometry()

    def _fit(self) -> None:
        doc: QTextDocument = self.document()
        doc.setTextWidth(max(50, self.viewport().width()))
        height = int(doc.size().height()) + 4
        if self.max_fit and height > self.max_fit:
            self.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded)
            height = self.max_fit
        self.setFixedHeight(height)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def sizeHint(self) -> QSize:
        return QSize(self._natural if self._shrink else 400, self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(60, self.height())
