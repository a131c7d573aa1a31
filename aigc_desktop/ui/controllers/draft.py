"""续写 in the chat composer: the model carries the person's own text on.

The "give the model the start of a text and let it go on" way of using a
language model, beside chat: the composer's text goes to ``Engine.complete``
(raw completion, no chat template, so a base model works as well as an
instruct one) on the engine thread, and what comes back is appended to the
box as it streams. Nothing is sent or stored; the person edits and sends, or
keeps going. While it writes, the window is held (:meth:`TurnController.hold`):
the send button is Stop, and Stop or Esc stops it. Always the local model: a
remote provider offers no raw completion here.

Signals of DraftController:
    finished(str status)   done, stopped or error
"""

from __future__ import annotations

import threading

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QTextCursor

from aigc_desktop.i18n import _
from aigc_desktop.ui.controllers.base import Controller

MAX_TOKENS = 200  # one continuation: a paragraph or so; press again to go on


class DraftController(Controller):
    finished = Signal(str)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.cancel: threading.Event | None = None
        self.max_tokens = MAX_TOKENS

    def connect(self, client) -> None:
        self.client = client
        client.draftDelta.connect(self._on_delta)
        client.draftFinished.connect(self._on_finished)
        self.win.composer.continueRequested.connect(self.continue_draft)

    @property
    def running(self) -> bool:
        return self.cancel is not None

    @Slot()
    def continue_draft(self) -> bool:
        win = self.win
        text = win.composer.text()
        if not text.strip():
            win.banner.show_info(_("Type the beginning of a text first; Continue writing carries it on."))
            return False
        if win.turns.busy:
            win.banner.show_info(_("A reply is being written. Stop it first, then continue your text."), tag="busy")
            return False
        if not self.client.is_loaded:
            win.banner.show_error(_("No model is loaded yet. Choose one in Models, or wait for it to load."))
            return False
        self.cancel = threading.Event()
        win.turns.hold(self.stop)
        win.composer.edit.setReadOnly(True)  # the text grows at its end; typing there would interleave
        win.banner.clear_note()
        self.client.continue_draft(text, self.max_tokens, self.cancel)
        return True

    @Slot()
    def stop(self) -> None:
        if self.cancel is not None:
            self.cancel.set()

    @Slot(str)
    def _on_delta(self, text: str) -> None:
        if not self.running:
            return
        edit = self.win.composer.edit
        cursor = edit.textCursor()
        cursor.movePosition(QTextCursor.End)
        cursor.insertText(text)
        edit.setTextCursor(cursor)

    @Slot(str, str)
    def _on_finished(self, status: str, error: str) -> None:
        if not self.running:
            return
        self.cancel = None
        self.win.composer.edit.setReadOnly(False)
        self.win.turns.release()
        if error:
            self.win.banner.show_error(error)
        self.finished.emit(status)
