"""The engine thread: every use of the local ``Llama`` runs here, one job at a time.

``EngineWorker`` lives on its own ``QThread``; jobs arrive by one queued signal (Qt's
event queue on that thread is the job queue, first come first served) and each runs as
``job.run(runtime, emit)``. There is one delta batcher (at most ~30 signals a second,
keyed so a comparison's panes and a document's sections stay apart) and one error
description (:func:`aigc_desktop.errors.describe`: a ``UserError``'s text, or a bug
logged with a short note).

Signals of EngineWorker (all received by :class:`~aigc_desktop.ui.engine.client.EngineClient`):
    started(int job_id, str kind)
    event(int job_id, str name, object value)
    delta(int job_id, int key, str text)
    finished(int job_id, object result)
    failed(int job_id, str message)
    modelChanged(object loaded)   the engine now holds another model (``LoadResult`` or None)
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from aigc_desktop.errors import describe

DELTA_INTERVAL = 1 / 30


class Emitter:
    """The ``emit`` a job gets. Text is buffered per key and sent at most every
    ``DELTA_INTERVAL``; any other event first sends what is buffered, so order holds.
    Thread-safe: a comparison's remote legs call it from threads of their own."""

    def __init__(self, worker: EngineWorker, job_id: int) -> None:
        self._worker, self._id = worker, job_id
        self._buffers: dict[int, list[str]] = {}
        self._order: list[int] = []
        self._last = time.monotonic()
        self._lock = threading.Lock()

    def delta(self, text: str, key: int = -1) -> None:
        if not text:
            return
        with self._lock:
            if key not in self._buffers:
                self._buffers[key] = []
                self._order.append(key)
            self._buffers[key].append(text)
            if time.monotonic() - self._last < DELTA_INTERVAL:
                return
            self._flush_locked()

    def __call__(self, name: str, value=None) -> None:
        self.flush()
        self._worker.event.emit(self._id, name, value)

    def model_changed(self) -> None:
        self.flush()
        self._worker.publish_model()

    def flush(self) -> None:
        with self._lock:
            self._flush_locked()

    def _flush_locked(self) -> None:
        for key in self._order:
            self._worker.delta.emit(self._id, key, "".join(self._buffers[key]))
        self._buffers.clear()
        self._order.clear()
        self._last = time.monotonic()


class EngineWorker(QObject):
    started = Signal(int, str)
    event = Signal(int, str, object)
    delta = Signal(int, int, str)
    finished = Signal(int, object)
    failed = Signal(int, str)
    modelChanged = Signal(object)

    def __init__(self, ctx) -> None:
        super().__init__()
        self.ctx = ctx  # a RuntimeRef: the window starts this thread before the runtime opens
        self.thread_id: int | None = None  # the engine thread's id, for tests and assertions

    @Slot(object)
    def run(self, job) -> None:
        self.thread_id = threading.get_ident()
        if job.background and job.cancel.is_set():
            self.finished.emit(job.id, None)  # a prefill overtaken by a turn: nothing to do
            return
        self.started.emit(job.id, job.kind)
        emit = Emitter(self, job.id)
        try:
            result = job.run(self.ctx.rt, emit)
        except Exception as exc:
            emit.flush()
            self.failed.emit(job.id, describe(exc, f"engine job {job.kind}"))
            if job.kind == "load":
                self.publish_model()  # a failed load may have unloaded the model before it
            return
        emit.flush()
        self.finished.emit(job.id, result)

    def publish_model(self) -> None:
        """Tell the GUI what the engine holds now (after a comparison loaded another model)."""
        from aigc_desktop.ui.engine.jobs import LoadResult

        model = getattr(self.ctx.rt.engine, "model", None)
        self.modelChanged.emit(None if model is None else LoadResult(model.name, model.n_ctx, str(model.path)))
