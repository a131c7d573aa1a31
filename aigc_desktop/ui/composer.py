"""The message box: Enter sends, Shift+Enter breaks the line, an IME's Enter never sends.

Signals:
    sendRequested(str text)
    stopRequested()
    editLastRequested()     Up in an empty box
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QInputMethodEvent, QKeyEvent
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

MAX_DROP_BYTES = 2_000_000


class ComposerEdit(QPlainTextEdit):
    submit = Signal()
    upOnEmpty = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._composing = False
        self.setPlaceholderText("Message… (Enter to send, Shift+Enter for a new line)")
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
        self.edit = ComposerEdit(self)
        self.edit.setObjectName("composerEdit")
        self.edit.setFixedHeight(96)
        self.button = QPushButton("Send", self)
        self.button.setObjectName("sendButton")
        self.button.setMinimumWidth(80)
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        col = QVBoxLayout()
        col.addStretch(1)
        col.addWidget(self.button)
        row.addLayout(col)
        self.setLayout(row)
        self._busy = False
        self.edit.submit.connect(self._submit)
        self.edit.upOnEmpty.connect(self.editLastRequested)
        self.button.clicked.connect(self._clicked)

    def set_busy(self, busy: bool) -> None:
        """While a reply streams the button is Stop and Enter does not send."""
        self._busy = busy
        self.button.setText("Stop" if busy else "Send")

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
