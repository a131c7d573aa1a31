"""The message box: Enter sends, Shift+Enter breaks the line, an IME's Enter never sends.

A rounded box, centred under the reading column, that grows with its text (up
to a limit); the send button sits inside it (disabled while the box is empty,
a Stop button while a reply streams), next to a pill naming the loaded model.

Signals of Composer:
    sendRequested(str text)
    stopRequested()
    editLastRequested()     Up in an empty box
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from aigc_desktop.i18n import N_, _
from aigc_desktop.ui import style

MAX_DROP_BYTES = 2_000_000
MAX_LINES = 10  # the box grows up to this many lines, then scrolls
PLACEHOLDER = N_("Message… (Enter to send, Shift+Enter for a new line)")
SEND_TEXT = N_("Send")
STOP_TEXT = N_("Stop")
SEND_TIP = N_("Send (Enter)")
STOP_TIP = N_("Stop the reply (Esc)")
NO_MODEL = N_("No model")
MODEL_TIP = N_("The model that answers; choose another in the toolbar or Models → Manage models…")


class ComposerEdit(QPlainTextEdit):
    submit = Signal()
    upOnEmpty = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._composing = False
        self.setPlaceholderText(_(PLACEHOLDER))
        self.setTabChangesFocus(True)

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        # While an input method has uncommitted text (pinyin being composed),
        # Enter belongs to the input method, not to us.
        self._composing = bool(event.preeditString())
        super().inputMethodEvent(event)

    @property
    def composing(self) -> bool:
        return self._composing

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        if key in (Qt.Key_Return, Qt.Key_Enter):
            if self._composing:
                return  # the input method owns this Enter (it commits the preedit)
            if event.modifiers() & (Qt.ShiftModifier | Qt.AltModifier):
                super().keyPressEvent(event)
                return
            if not event.isAutoRepeat():
                self.submit.emit()
            return
        if key == Qt.Key_Up and not self.toPlainText() and not event.modifiers():
            self.upOnEmpty.emit()
            return
        super().keyPressEvent(event)

    # Drop a text file to insert its content.
    def canInsertFromMimeData(self, source) -> bool:
        return source.hasUrls() or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source) -> None:
        if source.hasUrls():
            for url in source.urls():
                if url.isLocalFile():
                    self.insert_file(Path(url.toLocalFile()))
            return
        super().insertFromMimeData(source)

    def insert_file(self, path: Path) -> bool:
        try:
            if path.stat().st_size > MAX_DROP_BYTES:
                return False
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return False
        self.insertPlainText(text)
        return True


class Composer(QWidget):
    sendRequested = Signal(str)
    stopRequested = Signal()
    editLastRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("composer")
        self.setAttribute(Qt.WA_StyledBackground, True)
        s = style.SPACE
        self.frame = QFrame(self)
        self.frame.setObjectName("composerFrame")
        self.edit = ComposerEdit(self.frame)
        self.edit.setObjectName("composerEdit")
        self.edit.setFrameShape(QFrame.NoFrame)
        self.edit.setAccessibleName(_("Message"))
        self.edit.setVerticalScrollBarPolicy(Qt.ScrollBarAlwaysOff)  # on once the box stops growing
        self.model_pill = QLabel(_(NO_MODEL), self.frame)
        self.model_pill.setObjectName("modelPill")
        self.model_pill.setToolTip(_(MODEL_TIP))
        self.model_pill.setTextFormat(Qt.PlainText)
        self.button = QToolButton(self.frame)
        self.button.setObjectName("sendButton")
        self.button.setToolButtonStyle(Qt.ToolButtonIconOnly)
        self.button.setFixedSize(34, 34)
        self.button.setIconSize(QSize(18, 18))
        self.button.setCursor(Qt.PointingHandCursor)
        self.button.setFocusPolicy(Qt.TabFocus)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.model_pill, 0, Qt.AlignVCenter)
        bottom.addStretch(1)
        bottom.addWidget(self.button, 0, Qt.AlignBottom)
        inner = QVBoxLayout(self.frame)
        inner.setContentsMargins(s["lg"], s["md"], s["sm"], s["sm"])
        inner.setSpacing(s["xs"])
        inner.addWidget(self.edit)
        inner.addLayout(bottom)
        self._outer = QHBoxLayout(self)
        self._outer.addWidget(self.frame)
        self._busy = False
        self.edit.submit.connect(self._submit)
        self.edit.upOnEmpty.connect(self.editLastRequested)
        self.edit.textChanged.connect(self._text_changed)
        self.edit.document().documentLayout().documentSizeChanged.connect(self._grow)
        self.edit.installEventFilter(self)
        self.button.clicked.connect(self._clicked)
        self._show_state()
        self._grow()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        s = style.SPACE
        side = max(s["lg"], (self.width() - style.COLUMN_MAX + 1) // 2)
        self._outer.setContentsMargins(side, s["xs"], side, s["lg"])

    def eventFilter(self, obj, event) -> bool:
        if obj is self.edit and event.type() in (QEvent.FocusIn, QEvent.FocusOut):
            # The ring goes round the whole box, not the bare text area inside it.
            self.frame.setProperty("focused", event.type() == QEvent.FocusIn)
            self.frame.style().unpolish(self.frame)
            self.frame.style().polish(self.frame)
        return super().eventFilter(obj, event)

    def _grow(self, *_args) -> None:
        line = self.edit.fontMetrics().lineSpacing()
        wanted = int(self.edit.document().size().height())
        lines = max(1, min(MAX_LINES, wanted))
        self.edit.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded if wanted > MAX_LINES else Qt.ScrollBarAlwaysOff)
        self.edit.setFixedHeight(lines * line + 2 * int(self.edit.document().documentMargin()) + 4)

    def set_model_name(self, name: str) -> None:
        """The pill names the loaded model ("" when none is)."""
        self.model_pill.setText(name or _(NO_MODEL))
        self.model_pill.setToolTip(f"{name}\n{_(MODEL_TIP)}" if name else _(MODEL_TIP))

    def set_busy(self, busy: bool) -> None:
        """While a reply streams the button is Stop and Enter does not send."""
        self._busy = busy
        self._show_state()

    def _text_changed(self) -> None:
        self._show_state()

    def _show_state(self) -> None:
        busy = self._busy
        self.button.setText(_(STOP_TEXT if busy else SEND_TEXT))
        self.button.setAccessibleName(self.button.text())
        self.button.setToolTip(_(STOP_TIP if busy else SEND_TIP))
        self.button.setEnabled(busy or bool(self.edit.toPlainText().strip()))
        if self.button.property("busy") != busy:
            style.set_icon(self.button, "ph.stop-fill" if busy else "ph.arrow-up-bold", "window" if busy else "accent_text")
            self.button.setProperty("busy", busy)
            self.button.style().unpolish(self.button)
            self.button.style().polish(self.button)

    @property
    def busy(self) -> bool:
        return self._busy

    def text(self) -> str:
        return self.edit.toPlainText()

    def set_text(self, text: str) -> None:
        self.edit.setPlainText(text)
        cursor = self.edit.textCursor()
        cursor.movePosition(cursor.MoveOperation.End)
        self.edit.setTextCursor(cursor)

    def _clicked(self) -> None:
        if self._busy:
            self.stopRequested.emit()
        else:
            self._submit()

    def _submit(self) -> None:
        if self._busy:
            return
        text = self.edit.toPlainText()
        if not text.strip():
            return
        # The text stays until the service confirms the message is saved.
        self.sendRequested.emit(text)
