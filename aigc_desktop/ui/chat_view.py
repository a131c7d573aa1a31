"""The conversation pane: one widget per message, only the live one re-renders.

Rendering is lazy: a long conversation shows its newest messages and an
"earlier messages" button. While a reply streams, deltas are appended to a
buffer and the live message re-renders on a timer (20 Hz), never per token.

Signals of ChatView:
    copyRequested(str text)
    regenerateRequested(int message_id)
    editRequested(int message_id)
    siblingRequested(int message_id)     switch to this sibling's branch
    deleteRequested(int message_id)
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QTextDocument, QTextOption
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from aigc_desktop.render.html import LIGHT, Theme, document_html, render_markdown
from aigc_desktop.ui.math_resources import message_resource

PAGE = 20  # messages rendered at once; more load when scrolled to the top
LIVE_RENDER_MS = 50
ROLE_LABELS = {"user": "You", "assistant": "Assistant", "system": "System"}
STATUS_NOTES = {
    "streaming": "writing…",
    "stopped": "stopped",
    "error": "error",
    "interrupted": "interrupted (the app closed while writing)",
}


class MessageBody(QTextBrowser):
    """A read-only rich text view that is as tall as its content and loads nothing."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.setFrameShape(QFrame.NoFrame)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        self.setWordWrapMode(QTextOption.WrapAtWordBoundaryOrAnywhere)
        self.document().setDocumentMargin(2)
        self.code_blocks: list[str] = []

    def loadResource(self, type_: int, name: QUrl):  # noqa: N802 - Qt override
        # Untrusted content: never load an image or stylesheet from anywhere; formulas
        # are drawn from their own source (ui/math_resources.py).
        return message_resource(type_, name, self.devicePixelRatioF())

    def set_rendered(self, html: str, codes: list[str]) -> None:
        self.code_blocks = codes
        self.setHtml(html)
        self._fit()

    def _fit(self) -> None:
        doc: QTextDocument = self.document()
        doc.setTextWidth(max(50, self.viewport().width()))
        self.setFixedHeight(int(doc.size().height()) + 6)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit()

    def sizeHint(self) -> QSize:
        return QSize(400, self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(80, self.height())


class MessageWidget(QFrame):
    def __init__(self, view: "ChatView", record, theme: Theme) -> None:
        super().__init__()
        self.view = view
        self.record = record
        self.theme = theme
        self.text = record.content
        self.setObjectName(f"message-{record.role}")
        self.setFrameShape(QFrame.StyledPanel)
        self.header = QLabel(self)
        self.header.setTextFormat(Qt.PlainText)
        # A long model name must not widen the bubble; the full text is in the tooltip.
        self.header.setSizePolicy(QSizePolicy.Ignored, QSizePolicy.Preferred)
        self.header.setMinimumWidth(30)
        self.header.setWordWrap(True)
        self.body = MessageBody(self)
        self.body.anchorClicked.connect(self._link)
        self.actions = QHBoxLayout()
        self.actions.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.header, 1)
        top.addLayout(self.actions)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(8, 6, 8, 6)
        lay.addLayout(top)
        lay.addWidget(self.body)
        self._build_actions()
        self.refresh()

    def _tool(self, text: str, tip: str, slot) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setToolTip(tip)
        b.setAutoRaise(True)
        b.clicked.connect(slot)
        self.actions.addWidget(b)
        return b

    def _build_actions(self) -> None:
        self.sibling_label = QLabel("", self)
        self.prev_btn = self._tool("<", "Previous version", lambda: self.view._switch_sibling(self, -1))
        self.actions.addWidget(self.sibling_label)
        self.next_btn = self._tool(">", "Next version", lambda: self.view._switch_sibling(self, +1))
        self.copy_btn = self._tool("Copy", "Copy this message", lambda: self.view.copyRequested.emit(self.text))
        if self.record.role == "assistant":
            self.regen_btn = self._tool("Regenerate", "Write a new reply", lambda: self.view.regenerateRequested.emit(self.record.id))
        if self.record.role == "user":
            self.edit_btn = self._tool("Edit", "Edit and resend as a new branch", lambda: self.view.editRequested.emit(self.record.id))
        self.delete_btn = self._tool("Delete", "Delete this message and what follows", lambda: self.view.deleteRequested.emit(self.record.id))
        self.set_siblings(1, 1)

    def set_siblings(self, index: int, total: int) -> None:
        show = total > 1
        for w in (self.prev_btn, self.next_btn, self.sibling_label):
            w.setVisible(show)
        self.sibling_label.setText(f"{index}/{total}")
        self.prev_btn.setEnabled(index > 1)
        self.next_btn.setEnabled(index < total)

    def set_streaming(self, streaming: bool) -> None:
        for w in self.findChildren(QToolButton):
            w.setEnabled(not streaming)

    def refresh(self) -> None:
        r = self.record
        bits = [ROLE_LABELS.get(r.role, r.role)]
        if r.role == "assistant" and r.model:
            bits.append(r.model)
        note = STATUS_NOTES.get(r.status)
        if note:
            bits.append(note)
        tps = (r.stats or {}).get("tokens_per_second")
        if tps:
            bits.append(f"{tps:.1f} tok/s")
        error = (r.stats or {}).get("error")
        if error:
            bits.append(error)
        self.header.setText(" · ".join(bits))
        self.header.setToolTip(self.header.text())
        rendered = render_markdown(self.text, self.theme)
        self.body.set_rendered(document_html(rendered.html, self.theme), rendered.code_blocks)

    def _link(self, url: QUrl) -> None:
        if url.scheme() == "copy":
            try:
                code = self.body.code_blocks[int(url.path())]
            except (ValueError, IndexError):
                return
            self.view.copyRequested.emit(code.removesuffix("\n"))  # the fence's own line end
        elif url.scheme() in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)


class ChatView(QScrollArea):
    copyRequested = Signal(str)
    regenerateRequested = Signal(int)
    editRequested = Signal(int)
    siblingRequested = Signal(int)
    deleteRequested = Signal(int)

    def minimumSizeHint(self) -> QSize:
        # As narrow as the messages can wrap (their buttons), plus the scroll bar.
        inner = self._inner.minimumSizeHint().width()
        return QSize(inner + self.verticalScrollBar().sizeHint().width() + 2 * self.frameWidth(), 120)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        # Messages wrap to the pane; a narrow window shrinks the sidebar (see minimumSizeHint)
        # rather than scrolling sideways.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.setObjectName("chatView")
        self.theme = LIGHT
        self._inner = QWidget()
        self._layout = QVBoxLayout(self._inner)
        self._layout.setContentsMargins(12, 12, 12, 12)
        self._layout.setSpacing(8)
        self.more_button = QPushButton("Show earlier messages")
        self.more_button.clicked.connect(self.show_earlier)
        self._layout.addWidget(self.more_button)
        self.empty_label = QLabel("Start a conversation: type below and press Enter.")
        self.empty_label.setAlignment(Qt.AlignCenter)
        self._layout.addWidget(self.empty_label)
        self._layout.addStretch(1)
        self.setWidget(self._inner)
        self.widgets: list[MessageWidget] = []
        self._records: list = []
        self._siblings: dict[int, list[int]] = {}
        self._first_shown = 0
        self._auto_more = False
        self.live: MessageWidget | None = None
        self._live_dirty = False
        self._timer = QTimer(self)
        self._timer.setInterval(LIVE_RENDER_MS)
        self._timer.timeout.connect(self._render_live)
        self.copyRequested.connect(lambda text: QGuiApplication.clipboard().setText(text))
        self.verticalScrollBar().valueChanged.connect(self._scrolled)
        self._update_chrome()

    # -- whole conversation -----------------------------------------------------
    def set_messages(self, records: list, siblings: dict[int, list[int]] | None = None) -> None:
        """Show a branch: ``siblings`` maps a message id to its siblings' ids."""
        self._stop_live()
        self._auto_more = False  # the scroll position jumps while rebuilding
        self.setUpdatesEnabled(False)
        for w in self.widgets:
            w.hide()
            w.deleteLater()
        self.widgets = []
        self._records = list(records)
        self._siblings = siblings or {}
        self._first_shown = max(0, len(records) - PAGE)
        for rec in self._records[self._first_shown:]:
            self._append_widget(rec)
        self._update_chrome()
        self.setUpdatesEnabled(True)
        QTimer.singleShot(0, self._settle)

    def _settle(self) -> None:
        self.scroll_to_bottom()
        self._auto_more = True

    def records(self) -> list:
        """The whole branch on show (including messages not rendered yet)."""
        return list(self._records)

    def _scrolled(self, value: int) -> None:
        if value == 0 and self._auto_more and self._first_shown > 0 and self.live is None:
            bar = self.verticalScrollBar()
            before = bar.maximum()
            self.show_earlier()
            QTimer.singleShot(0, lambda: bar.setValue(bar.maximum() - before))

    def show_earlier(self) -> None:
        start = max(0, self._first_shown - PAGE)
        new = [MessageWidget(self, r, self.theme) for r in self._records[start:self._first_shown]]
        for i, w in enumerate(new):
            self._apply_siblings(w)
            self._layout.insertWidget(1 + i, w)
        self.widgets = new + self.widgets
        self._first_shown = start
        self._update_chrome()

    def _append_widget(self, rec) -> MessageWidget:
        w = MessageWidget(self, rec, self.theme)
        self._apply_siblings(w)
        self._layout.insertWidget(self._layout.count() - 2, w)  # before the empty label and stretch
        self.widgets.append(w)
        return w

    def _apply_siblings(self, w: MessageWidget) -> None:
        ids = self._siblings.get(w.record.id, [w.record.id])
        w.set_siblings(ids.index(w.record.id) + 1 if w.record.id in ids else 1, len(ids))

    def _switch_sibling(self, w: MessageWidget, step: int) -> None:
        ids = self._siblings.get(w.record.id, [w.record.id])
        if w.record.id not in ids:
            return
        j = ids.index(w.record.id) + step
        if 0 <= j < len(ids):
            self.siblingRequested.emit(ids[j])

    def _update_chrome(self) -> None:
        self.more_button.setVisible(self._first_shown > 0)
        self.empty_label.setVisible(not self.widgets)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        for w in self.widgets:
            w.theme = theme
            w.refresh()

    def widget_for(self, message_id: int) -> MessageWidget | None:
        return next((w for w in self.widgets if w.record.id == message_id), None)

    def scroll_to_message(self, message_id: int) -> bool:
        while self.widget_for(message_id) is None and self._first_shown > 0:
            self.show_earlier()
        w = self.widget_for(message_id)
        if w is None:
            return False
        QTimer.singleShot(0, lambda: self.ensureWidgetVisible(w, 0, 40))
        return True

    # -- streaming --------------------------------------------------------------
    def append_record(self, rec) -> MessageWidget:
        w = self._append_widget(rec)
        self._update_chrome()
        QTimer.singleShot(0, self.scroll_to_bottom)
        return w

    def start_live(self, rec) -> None:
        """Add the reply being written; ``rec`` is a placeholder record (status streaming)."""
        self.live = self.append_record(rec)
        self.live.set_streaming(True)
        self._timer.start()

    def append_delta(self, text: str) -> None:
        if self.live is None:
            return
        self.live.text += text
        self._live_dirty = True

    def live_text(self) -> str:
        return self.live.text if self.live else ""

    def _render_live(self) -> None:
        if self.live is None or not self._live_dirty:
            return
        self._live_dirty = False
        at_bottom = self._at_bottom()
        self.live.refresh()
        if at_bottom:
            self.scroll_to_bottom()

    def finish_live(self, rec) -> None:
        if self.live is not None:
            self.live.record = rec
            self.live.text = rec.content
            self.live.set_streaming(False)
            self.live.refresh()
        self._stop_live()
        QTimer.singleShot(0, self.scroll_to_bottom)

    def _stop_live(self) -> None:
        self._timer.stop()
        self.live = None
        self._live_dirty = False

    def _at_bottom(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - 30

    def scroll_to_bottom(self) -> None:
        bar = self.verticalScrollBar()
        bar.setValue(bar.maximum())
