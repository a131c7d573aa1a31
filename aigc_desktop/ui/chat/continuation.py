"""续写 in the chat composer: the model carries the person's own text on.

The "give the model the start of a text and let it go on" way of using a
language model, beside chat: the composer's text goes to ``Engine.complete``
(raw completion, no chat template, so a base model works as well as an
instruct one) as a :class:`~aigc_desktop.ui.engine.jobs.ContinueJob`, and what comes
back is appended to the box as it streams. Nothing is sent or stored; the person
edits and sends, or keeps going. What one continuation added is one undo step (the
first piece opens an edit block, later pieces join it), so one Ctrl+Z takes it back. The job holds the engine's lease while it writes: the
send button is Stop, and Stop or Esc stops it. Always the local model: a remote
provider offers no raw completion here.

Built with what it uses: the engine client, the composer and the banner.

Signals of ContinueController:
    finished(str status)   done, stopped or error
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QTextCursor

from aigc_desktop.i18n import _
from aigc_desktop.ui.engine.jobs import ContinueJob

MAX_TOKENS = 200  # one continuation: a paragraph or so; press again to go on


class ContinueController(QObject):
    finished = Signal(str)

    def __init__(self, engine, composer, banner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine, self.composer, self.banner = engine, composer, banner
        self.job = None
        self.max_tokens = MAX_TOKENS
        self._joins = False  # later pieces join the first piece's undo step
        composer.continueRequested.connect(self.continue_draft)

    @property
    def running(self) -> bool:
        return self.job is not None

    @Slot()
    def continue_draft(self) -> bool:
        text = self.composer.text()
        if not text.strip():
            self.banner.show_info(_("Type the beginning of a text first; Continue writing carries it on."))
            return False
        if self.engine.busy:
            self.banner.show_info(_("A reply is being written. Stop it first, then continue your text."), tag="busy")
            return False
        self.banner.clear_note()
        self._joins = False
        self.job = (self.engine.job(ContinueJob(text, self.max_tokens))
                    .delta(self._on_delta).success(self._on_done).failure(self._on_failed).submit())
        if self.job is None:
            return False
        self.composer.edit.setReadOnly(True)  # the text grows at its end; typing there would interleave
        return True

    @Slot()
    def stop(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _on_delta(self, text: str) -> None:
        edit = self.composer.edit
        cursor = edit.textCursor()
        cursor.movePosition(QTextCursor.End)
        if self._joins:
            cursor.joinPreviousEditBlock()
        else:
            cursor.beginEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()
        self._joins = True
        edit.setTextCursor(cursor)

    def _on_done(self, status: str) -> None:
        self._end()
        self.finished.emit(status)

    def _on_failed(self, message: str) -> None:
        if self.job is None:  # refused at submit (no model): nothing was started
            self.banner.show_error(message, tag="no-model")  # taken down once a model is ready (turns.py)
            return
        self._end()
        self.banner.show_error(message)
        self.finished.emit("error")

    def _end(self) -> None:
        self.job = None
        self.composer.edit.setReadOnly(False)
