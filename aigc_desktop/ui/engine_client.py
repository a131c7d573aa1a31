"""The GUI's side of the engine thread: owns the ``QThread`` and the worker, and
keeps a GUI-side copy of what is loaded, so the window never reads the engine.

Every worker signal is connected here, to a bound ``@Slot`` of this GUI-thread
object, with an explicit ``Qt.QueuedConnection``; the slot re-emits it as a
signal of this object, which the controllers use on the GUI thread.

Signals (GUI thread):
    loadStarted(str path), loaded(str name, int n_ctx), loadFailed(str message)
    userSaved(int conversation_id, int message_id), replyStarted(int conversation_id)
    reading(int done, int total)   a long prompt is being read, before the first delta
    delta(str text), finished(int conversation_id, int message_id, str status, dict stats)
    failed(str message)
    docSectionStarted(int document_id, int section_id), docDelta(int section_id, str text)
    docFinished(int document_id, str kind, dict result), docFailed(str kind, str message)
    draftDelta(str text), draftFinished(str status, str error)   续写 of the composer's draft
        the writing studio's runs (see :meth:`EngineWorker.run_document`)
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from aigc_desktop.ui.threads import gui_only
from aigc_desktop.ui.workers import EngineWorker


@dataclass(frozen=True)
class ModelInfo:
    """What the GUI knows of the loaded model (a copy made when it loaded)."""

    path: Path
    name: str
    n_ctx: int


class EngineClient(QObject):
    loadStarted = Signal(str)
    loaded = Signal(str, int)
    loadFailed = Signal(str)
    userSaved = Signal(int, int)
    replyStarted = Signal(int)
    reading = Signal(int, int)
    delta = Signal(str)
    finished = Signal(int, int, str, dict)
    failed = Signal(str)
    docSectionStarted = Signal(int, int)
    docDelta = Signal(int, str)
    docFinished = Signal(int, str, dict)
    docFailed = Signal(str, str)
    draftDelta = Signal(str)
    draftFinished = Signal(str, str)

    # requests, queued to the worker
    _load = Signal(str, int, int)
    _turn = Signal(str, int, str, object, object)
    _prefill = Signal(int, str, object)
    _draft = Signal(str, int, object)
    _document = Signal(str, int, int, object, object)

    def __init__(self, runtime, parent: QObject) -> None:
        super().__init__(parent)
        self.model: ModelInfo | None = None
        self.loading: str | None = None  # the path being loaded, if any
        self.thread_ = QThread(self)
        self.thread_.setObjectName("engine")
        self.worker = EngineWorker(runtime)
        self.worker.moveToThread(self.thread_)
        self.thread_.finished.connect(self.worker.deleteLater)
        self._load.connect(self.worker.load, Qt.QueuedConnection)
        self._turn.connect(self.worker.run_turn, Qt.QueuedConnection)
        self._prefill.connect(self.worker.prefill, Qt.QueuedConnection)
        self._document.connect(self.worker.run_document, Qt.QueuedConnection)
        self._draft.connect(self.worker.continue_draft, Qt.QueuedConnection)
        w, q = self.worker, Qt.QueuedConnection
        w.loadStarted.connect(self._on_load_started, q)
        w.loaded.connect(self._on_loaded, q)
        w.loadFailed.connect(self._on_load_failed, q)
        w.userSaved.connect(self._on_user_saved, q)
        w.replyStarted.connect(self._on_reply_started, q)
        w.reading.connect(self._on_reading, q)
        w.delta.connect(self._on_delta, q)
        w.finished.connect(self._on_finished, q)
        w.failed.connect(self._on_failed, q)
        w.docSectionStarted.connect(self._on_doc_section_started, q)
        w.docDelta.connect(self._on_doc_delta, q)
        w.docFinished.connect(self._on_doc_finished, q)
        w.docFailed.connect(self._on_doc_failed, q)
        w.draftDelta.connect(self._on_draft_delta, q)
        w.draftFinished.connect(self._on_draft_finished, q)
        self.thread_.start()

    @property
    def is_loaded(self) -> bool:
        return self.model is not None

    # -- requests -------------------------------------------------------------------
    def load(self, path: str, n_ctx: int, n_threads: int) -> None:
        self.loading = str(path)
        self._load.emit(str(path), int(n_ctx), int(n_threads))

    def run_turn(self, kind: str, target_id: int, text: str, cancel: threading.Event, **options) -> None:
        self._turn.emit(kind, int(target_id), text, cancel, options)

    def prefill(self, conversation_id: int, draft: str, cancel: threading.Event) -> None:
        self._prefill.emit(int(conversation_id), draft, cancel)

    def run_document(self, kind: str, document_id: int, section: int, cancel: threading.Event,
                     **options) -> None:
        """A writing-studio run on the engine thread (never at the same time as a chat turn)."""
        self._document.emit(kind, int(document_id), int(section), cancel, options)

    def continue_draft(self, text: str, max_tokens: int, cancel: threading.Event) -> None:
        """续写 of the composer's text on the engine thread (never at the same time as a turn)."""
        self._draft.emit(text, int(max_tokens), cancel)

    def stop(self, timeout_ms: int = 10_000) -> None:
        self.thread_.quit()
        self.thread_.wait(timeout_ms)

    # -- results (queued from the engine thread) ------------------------------------
    @Slot(str)
    @gui_only
    def _on_load_started(self, path: str) -> None:
        self.loading = path
        self.loadStarted.emit(path)

    @Slot(str, int, str)
    @gui_only
    def _on_loaded(self, name: str, n_ctx: int, path: str) -> None:
        self.loading = None
        self.model = ModelInfo(Path(path), name, n_ctx)
        self.loaded.emit(name, n_ctx)

    @Slot(str)
    @gui_only
    def _on_load_failed(self, message: str) -> None:
        self.loading = None
        self.loadFailed.emit(message)

    @Slot(int, int)
    @gui_only
    def _on_user_saved(self, conversation_id: int, message_id: int) -> None:
        self.userSaved.emit(conversation_id, message_id)

    @Slot(int)
    @gui_only
    def _on_reply_started(self, conversation_id: int) -> None:
        self.replyStarted.emit(conversation_id)

    @Slot(int, int)
    @gui_only
    def _on_reading(self, done: int, total: int) -> None:
        self.reading.emit(done, total)

    @Slot(str)
    @gui_only
    def _on_delta(self, text: str) -> None:
        self.delta.emit(text)

    @Slot(int, int, str, dict)
    @gui_only
    def _on_finished(self, conversation_id: int, message_id: int, status: str, stats: dict) -> None:
        self.finished.emit(conversation_id, message_id, status, stats)

    @Slot(str)
    @gui_only
    def _on_failed(self, message: str) -> None:
        self.failed.emit(message)

    @Slot(int, int)
    @gui_only
    def _on_doc_section_started(self, document_id: int, section_id: int) -> None:
        self.docSectionStarted.emit(document_id, section_id)

    @Slot(int, str)
    @gui_only
    def _on_doc_delta(self, section_id: int, text: str) -> None:
        self.docDelta.emit(section_id, text)

    @Slot(int, str, dict)
    @gui_only
    def _on_doc_finished(self, document_id: int, kind: str, result: dict) -> None:
        self.docFinished.emit(document_id, kind, result)

    @Slot(str, str)
    @gui_only
    def _on_doc_failed(self, kind: str, message: str) -> None:
        self.docFailed.emit(kind, message)

    @Slot(str)
    @gui_only
    def _on_draft_delta(self, text: str) -> None:
        self.draftDelta.emit(text)

    @Slot(str, str)
    @gui_only
    def _on_draft_finished(self, status: str, error: str) -> None:
        self.draftFinished.emit(status, error)
