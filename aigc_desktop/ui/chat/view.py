"""The conversation pane: a centred reading column of messages; only the live one re-renders.

Rendering is lazy: a long conversation shows its newest messages and loads
earlier ones when scrolled to the top. While a reply streams, deltas are
appended to a buffer and the live message re-renders on a timer (20 Hz), never
per token. A reasoning model's thinking streams the same way into the live reply's
thinking block (:meth:`append_reasoning`).

Following the newest message: the view sticks to the bottom while it is there
(a reply growing, heights settling after a chat opens). Scrolling up stops
that and shows a small "Newest" button; scrolling back down or the button
resumes it. Send, Edit and Regenerate bring the view back to the new message.

Going to one message (a search hit, Edit): its top, the header with the model's name,
comes into view below a margin, and stays there while the heights of the messages
around it settle (each renders its text after it is laid out), until the person
scrolls. A message taller than the pane shows its beginning, not its middle.

The empty state (no messages) is a replaceable widget: :meth:`set_empty_widget`.

Signals of ChatView:
    copyRequested(str text)
    regenerateRequested(int message_id)
    editRequested(int message_id)        the Edit action (the window opens the editor)
    editSubmitted(int message_id, str text)   Save & resend in the in-place editor
    editCancelled(int message_id)
    siblingRequested(int message_id)     switch to this sibling's branch
    deleteRequested(int message_id)
    continueRequested(int message_id)    Continue on a reply cut at Max tokens (the newest one)
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget

from aigc_desktop.i18n import N_, _
from aigc_desktop.render.palette import LIGHT as _LIGHT_PALETTE, Theme
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.chat.message import MessageWidget

PAGE = 20  # messages rendered at once; more load when scrolled to the top
LIVE_RENDER_MS = 50
FOLLOW_SLACK = 24  # pixels from the bottom that still count as "at the newest message"
ANCHOR_MARGIN = 16  # space kept above a message the view was sent to
HIGHLIGHT_PAD = 6  # between a highlighted message's frame and its header
EMPTY_TEXT = N_("Start a conversation: type below and press Enter.")
NEWEST_TEXT = N_("Newest")
NEWEST_TIP = N_("Jump to the newest message")
EARLIER_TEXT = N_("Show earlier messages")


class ChatView(QScrollArea):
    copyRequested = Signal(str)
    regenerateRequested = Signal(int)
    editRequested = Signal(int)
    editSubmitted = Signal(int, str)
    editCancelled = Signal(int)
    siblingRequested = Signal(int)
    deleteRequested = Signal(int)
    continueRequested = Signal(int)
    rateRequested = Signal(int, int)  # message id, 1 / -1 / 0 (no rating)
    imageRequested = Signal(int)  # save one message as an image

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
        self.theme = _LIGHT_PALETTE.message
        self._inner = QWidget()
        self._inner.setObjectName("chatColumn")
        self._layout = QVBoxLayout(self._inner)
        self._layout.setSpacing(style.SPACE["lg"])
        self.more_button = QPushButton(_(EARLIER_TEXT))
        self.more_button.setObjectName("moreButton")
        self.more_button.clicked.connect(self.show_earlier)
        self._layout.addWidget(self.more_button, 0, Qt.AlignHCenter)
        self.empty_widget: QWidget = QLabel(_(EMPTY_TEXT))
        self.empty_widget.setObjectName("emptyState")
        self.empty_widget.setAlignment(Qt.AlignCenter)
        self.empty_widget.setWordWrap(True)
        self._layout.addWidget(self.empty_widget, 1)
        self._layout.addStretch(1)
        self.setWidget(self._inner)
        self.newest_button = QPushButton(_(NEWEST_TEXT), self)
        self.newest_button.setObjectName("newestButton")
        self.newest_button.setToolTip(_(NEWEST_TIP))
        self.newest_button.setCursor(Qt.PointingHandCursor)
        style.set_icon(self.newest_button, "ph.arrow-down", "text")
        self.newest_button.clicked.connect(self.follow_newest)
        self.newest_button.hide()
        self.widgets: list[MessageWidget] = []
        self._records: list = []
        self._siblings: dict[int, list[int]] = {}
        self._first_shown = 0
        self._auto_more = False
        self.following = True
        self._anchor: MessageWidget | None = None  # the message the view was sent to, kept in view
        self._our_scroll = False
        self._last_value = 0
        self.live: MessageWidget | None = None
        self._live_dirty = False
        self._timer = QTimer(self)
        self._timer.setInterval(LIVE_RENDER_MS)
        self._timer.timeout.connect(self._render_live)
        self.copyRequested.connect(lambda text: QGuiApplication.clipboard().setText(text))
        bar = self.verticalScrollBar()
        bar.valueChanged.connect(self._scrolled)
        bar.rangeChanged.connect(self._range_changed)
        self._update_chrome()

    # -- layout -------------------------------------------------------------------------
    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        s = style.SPACE
        side = max(s["lg"], (self.viewport().width() - style.COLUMN_MAX + 1) // 2)
        self._layout.setContentsMargins(side, s["xl"], side, s["xl"])
        self._place_newest()

    def _place_newest(self) -> None:
        b = self.newest_button
        b.adjustSize()
        vp = self.viewport().geometry()
        b.move(vp.x() + (vp.width() - b.width()) // 2, vp.bottom() - b.height() - style.SPACE["lg"])
        b.raise_()

    def set_empty_widget(self, widget: QWidget) -> None:
        """Show ``widget`` when the chat has no messages (e.g. a welcome screen); the view
        takes it over (reparents it) and hides it while messages are shown."""
        old = self.empty_widget
        index = self._layout.indexOf(old)
        self._layout.removeWidget(old)
        old.hide()
        old.deleteLater()
        self.empty_widget = widget
        self._layout.insertWidget(index, widget, 1)
        self._update_chrome()

    # -- whole conversation -----------------------------------------------------
    def set_messages(self, records: list, siblings: dict[int, list[int]] | None = None) -> None:
        """Show a branch: ``siblings`` maps a message id to its siblings' ids. The view
        lands at the newest message."""
        self.stop_live()
        self._anchor = None
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
        self.follow_newest()
        QTimer.singleShot(0, self._settle)

    def _settle(self) -> None:
        if self.following:
            self._to_bottom()
        self._auto_more = True

    def records(self) -> list:
        """The whole branch on show (including messages not rendered yet)."""
        return list(self._records)

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
        self._layout.insertWidget(self._layout.count() - 2, w)  # before the empty state and stretch
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
        empty = not self.widgets
        self.empty_widget.setVisible(empty)
        # The empty state takes the whole pane; with messages the stretch keeps them on top.
        self._layout.setStretch(self._layout.count() - 1, 0 if empty else 1)
        for w in self.widgets:
            newest = w is self.widgets[-1] and w is not self.live
            w.set_pinned_actions(newest and w.record.role == "assistant")
            w.set_continuable(newest)

    def set_theme(self, theme: Theme) -> None:
        self.theme = theme
        for w in self.widgets:
            w.theme = theme
            w.refresh()

    def set_rating(self, message_id: int, rating: int | None) -> None:
        import dataclasses

        w = self.widget_for(message_id)
        if w is not None:
            w.record = dataclasses.replace(w.record, rating=rating)
            w.show_rating()

    def widget_for(self, message_id: int) -> MessageWidget | None:
        return next((w for w in self.widgets if w.record.id == message_id), None)

    def scroll_to_message(self, message_id: int) -> bool:
        while self.widget_for(message_id) is None and self._first_shown > 0:
            self.show_earlier()
        w = self.widget_for(message_id)
        if w is None:
            return False
        self.following = False
        self._anchor = w
        QTimer.singleShot(0, self._to_anchor)
        return True

    def highlight(self, message_id: int, colour: str) -> bool:
        """Frame one message (a search hit) and go to it; the frame stays clear of its header."""
        if not self.scroll_to_message(message_id):
            return False
        w = self.widget_for(message_id)
        w.setStyleSheet(f"QFrame#{w.objectName()} {{ border: 2px solid {colour}; border-radius: 8px; }}")
        w.layout().setContentsMargins(*(HIGHLIGHT_PAD,) * 4)  # the border is drawn over the edge of the contents
        return True

    def _to_anchor(self) -> None:
        """Bring the anchored message's top into view (the whole message when it fits)."""
        w = self._anchor
        if w is None or w not in self.widgets:
            self._anchor = None
            return
        bar, height = self.verticalScrollBar(), self.viewport().height()
        top = w.mapTo(self._inner, QPoint(0, 0)).y() - ANCHOR_MARGIN
        bottom = top + w.height() + 2 * ANCHOR_MARGIN
        value = bar.value()
        if top < value or bottom - top > height:
            value = top  # above the pane, or taller than it: its beginning at the top
        elif bottom > value + height:
            value = bottom - height
        self._our_scroll = True
        try:
            bar.setValue(value)
        finally:
            self._our_scroll = False
        self._update_newest()

    def begin_edit(self, message_id: int) -> bool:
        """Open the in-place editor on one of the person's messages."""
        if not self.scroll_to_message(message_id):
            return False
        w = self.widget_for(message_id)
        if w is None or w.record.role != "user":
            return False
        w.begin_edit()
        return True

    def editing(self) -> MessageWidget | None:
        return next((w for w in self.widgets if w.editor is not None), None)

    # -- streaming --------------------------------------------------------------
    def append_record(self, rec) -> MessageWidget:
        w = self._append_widget(rec)
        self._update_chrome()
        self.follow_newest()
        return w

    def start_live(self, rec) -> None:
        """Add the reply being written; ``rec`` is a placeholder record (status streaming)."""
        self.live = self._append_widget(rec)
        self.live.set_streaming(True)
        self._update_chrome()
        self.follow_newest()
        self._timer.start()

    def resume_live(self, message_id: int) -> bool:
        """A shown reply is written on (Continue): it becomes the live message again."""
        import dataclasses

        w = self.widget_for(message_id)
        if w is None:
            return False
        w.record = dataclasses.replace(w.record, status="streaming")
        self.live = w
        w.set_streaming(True)
        w.refresh()
        self._update_chrome()
        self.follow_newest()
        self._timer.start()
        return True

    def append_delta(self, text: str) -> None:
        if self.live is None:
            return
        self.live.text += text
        self._live_dirty = True

    def append_reasoning(self, text: str) -> None:
        """A piece of the live reply's thinking (shown above its answer)."""
        if self.live is None:
            return
        self.live.reasoning += text
        self._live_dirty = True

    def add_tool_event(self, event: dict) -> None:
        """A tool call of the live reply started or ended: its card (``ui/tools/cards.py``)."""
        if self.live is not None:
            self.live.tool_event(event)
            self.follow_newest()

    def live_text(self) -> str:
        return self.live.text if self.live else ""

    def _render_live(self) -> None:
        if self.live is None or not self._live_dirty:
            return
        self._live_dirty = False
        self.live.refresh()

    def finish_live(self, rec) -> None:
        """The reply ended; the view stays where the person left it."""
        if self.live is not None:
            self.live.record = rec
            self.live.text = rec.content
            self.live.reasoning = rec.reasoning
            self.live.set_streaming(False)
            self.live.refresh()
        self.stop_live()
        self._update_chrome()

    def stop_live(self) -> None:
        self._timer.stop()
        self.live = None
        self._live_dirty = False

    # -- following the newest message -------------------------------------------------------
    def follow_newest(self) -> None:
        """Go to the newest message and stay there as it grows."""
        self.following = True
        self._anchor = None
        self._to_bottom()

    def _to_bottom(self) -> None:
        bar = self.verticalScrollBar()
        self._our_scroll = True
        try:
            # With no messages the view shows its empty widget (the welcome card), read from its top.
            bar.setValue(bar.maximum() if self.widgets else bar.minimum())
        finally:
            self._our_scroll = False
        self._update_newest()

    def _range_changed(self, _minimum: int, _maximum: int) -> None:
        if self.following:
            self._to_bottom()
        elif self._anchor is not None:
            self._to_anchor()  # the messages around it settled: it may have moved
        else:
            self._update_newest()

    def _scrolled(self, value: int) -> None:
        bar = self.verticalScrollBar()
        at_bottom = value >= bar.maximum() - FOLLOW_SLACK
        if not self._our_scroll:
            self._anchor = None  # the person scrolls: the view is theirs again
            if at_bottom:
                self.following = True
            elif value < self._last_value:
                self.following = False  # the person scrolled up: stay put
        self._last_value = value
        self._update_newest()
        if value == 0 and self._auto_more and self._first_shown > 0 and self.live is None:
            before = bar.maximum()
            self.show_earlier()
            QTimer.singleShot(0, lambda: self._keep_place(before))

    def _keep_place(self, before: int) -> None:
        bar = self.verticalScrollBar()
        self._our_scroll = True
        try:
            bar.setValue(bar.maximum() - before)
        finally:
            self._our_scroll = False

    def _update_newest(self) -> None:
        bar = self.verticalScrollBar()
        show = not self.following and bar.value() < bar.maximum() - FOLLOW_SLACK and bool(self.widgets)
        if show != self.newest_button.isVisible():
            self.newest_button.setVisible(show)
            if show:
                self._place_newest()

    def at_newest(self) -> bool:
        bar = self.verticalScrollBar()
        return bar.value() >= bar.maximum() - FOLLOW_SLACK

    def scroll_to_bottom(self) -> None:
        self.follow_newest()
