"""The one door to the local engine: jobs in, a few generic signals out, and the lease.

    engine.job(TurnJob("send", conv_id, text))
          .delta(chat_view.append_delta)
          .on("user_saved", self._on_user_saved)
          .success(self._finished)
          .failure(banner.show_error)
          .submit()                      # the handle, or None when refused (failure told why)

The client owns the engine ``QThread`` and its :class:`EngineWorker`, a GUI-side copy of
the loaded model (the window never reads the engine), and **the lease**: who holds the
engine now. A job that leases (a turn, a document run, 续写, a comparison, a Local-API
request) holds it from submit (or, for a request from another thread, from its start)
until it ends; ``busy`` and ``busyChanged`` tell everyone, and :meth:`stop` cancels
whatever holds it. Evaluating ahead is a background job, cancelled by anything submitted
after it. The Local API runs its requests on the same thread through :meth:`gate`.

Every worker signal is connected to a bound ``@Slot`` of this GUI-thread object with an
explicit ``Qt.QueuedConnection``, and dispatched to the handle of its job here.

Signals (GUI thread):
    jobStarted(int id, str kind), jobEvent(int id, str name, object value),
    jobDelta(int id, int key, str text), jobFinished(int id, object result),
    jobFailed(int id, str message)           every job's progress (for views and tests)
    busyChanged(bool busy)                   the lease was taken or given back
    loadStarted(str path), loaded(str name, int n_ctx), loadFailed(str message)
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot

from aigc_desktop.errors import NoModelError
from aigc_desktop.i18n import _
from aigc_desktop.ui.engine.gate import ClientGate
from aigc_desktop.ui.engine.jobs import Job, LoadJob, LoadResult
from aigc_desktop.ui.engine.worker import EngineWorker
from aigc_desktop.ui.kit.context import RuntimeRef
from aigc_desktop.ui.kit.threads import gui_only


@dataclass(frozen=True)
class ModelInfo:
    """What the GUI knows of the loaded model (a copy made when it loaded)."""

    path: Path
    name: str
    n_ctx: int


class JobHandle:
    """The builder returned by :meth:`EngineClient.job`; its callbacks run on the GUI thread."""

    def __init__(self, client: EngineClient, job: Job) -> None:
        self.client, self.job = client, job
        self._delta: Callable | None = None
        self._keyed = False
        self._events: dict[str, Callable] = {}
        self._success: Callable | None = None
        self._failure: Callable | None = None
        self._started: Callable | None = None

    def delta(self, fn: Callable[[str], None]) -> JobHandle:
        self._delta, self._keyed = fn, False
        return self

    def keyed_delta(self, fn: Callable[[int, str], None]) -> JobHandle:
        """``fn(key, text)``: a document's section id, a comparison's model index."""
        self._delta, self._keyed = fn, True
        return self

    def on(self, name: str, fn: Callable) -> JobHandle:
        self._events[name] = fn
        return self

    def started(self, fn: Callable[[], None]) -> JobHandle:
        self._started = fn
        return self

    def success(self, fn: Callable) -> JobHandle:
        self._success = fn
        return self

    def failure(self, fn: Callable[[str], None]) -> JobHandle:
        self._failure = fn
        return self

    def submit(self) -> JobHandle | None:
        return self.client.submit(self)

    def cancel(self) -> None:
        self.job.cancel.set()

    # -- dispatch (the client calls these) ---------------------------------------------
    def _emit_delta(self, key: int, text: str) -> None:
        if self._delta is not None:
            self._delta(key, text) if self._keyed else self._delta(text)

    def _emit_event(self, name: str, value) -> None:
        fn = self._events.get(name)
        if fn is not None:
            fn(value)

    def _fail(self, message: str) -> None:
        if self._failure is not None:
            self._failure(message)


class EngineClient(QObject):
    jobStarted = Signal(int, str)
    jobEvent = Signal(int, str, object)
    jobDelta = Signal(int, int, str)
    jobFinished = Signal(int, object)
    jobFailed = Signal(int, str)
    busyChanged = Signal(bool)
    loadStarted = Signal(str)
    loaded = Signal(str, int)
    loadFailed = Signal(str)

    _submit = Signal(object)  # to the worker, queued

    def __init__(self, ctx, parent: QObject | None = None) -> None:
        """``ctx``: a :class:`~aigc_desktop.ui.kit.context.RuntimeRef` (or a runtime): jobs read
        the runtime when they run, so the thread may start before the runtime opens."""
        super().__init__(parent)
        if not isinstance(ctx, RuntimeRef):
            ctx = RuntimeRef(ctx)
        self.ctx = ctx
        self.model: ModelInfo | None = None
        self.loading: str | None = None  # the path being loaded, if any
        self.gpu_note: str | None = None  # set by the last load that fell back to the CPU
        self._ids = itertools.count(1)
        self._handles: dict[int, JobHandle] = {}
        self._background: list[Job] = []
        self._lease: Callable[[], None] | None = None  # Stop of whoever holds the engine
        self._lease_job = 0  # the job whose end gives the lease back (0: a claim)
        self._gate: ClientGate | None = None
        self.thread_ = QThread(self)
        self.thread_.setObjectName("engine")
        self.worker = EngineWorker(ctx)
        self.worker.moveToThread(self.thread_)
        self.thread_.finished.connect(self.worker.deleteLater)
        self._submit.connect(self.worker.run, Qt.QueuedConnection)
        w, q = self.worker, Qt.QueuedConnection
        w.started.connect(self._on_started, q)
        w.event.connect(self._on_event, q)
        w.delta.connect(self._on_delta, q)
        w.finished.connect(self._on_finished, q)
        w.failed.connect(self._on_failed, q)
        w.modelChanged.connect(self._on_model_changed, q)

    def start(self) -> None:
        """Start the engine thread (the window does at ``attach``; the first job does otherwise).
        Not at construction: a window closed, or dropped by a test, before its runtime opened
        then has no running thread to end."""
        if not self.thread_.isRunning():
            self.thread_.start()

    # -- state ----------------------------------------------------------------------
    @property
    def is_loaded(self) -> bool:
        return self.model is not None

    @property
    def busy(self) -> bool:
        return self._lease is not None

    def next_id(self) -> int:
        """Thread-safe (``itertools.count`` under the GIL): the gate takes ids from other threads."""
        return next(self._ids)

    # -- jobs -----------------------------------------------------------------------
    def job(self, job: Job) -> JobHandle:
        return JobHandle(self, job)

    def submit(self, handle: JobHandle) -> JobHandle | None:
        """Checks once for every kind of job (the lease, a model), then queues it."""
        job = handle.job
        if job.leases and self.busy:
            handle._fail(_("A reply is still being written. Stop it first, or wait for it to finish."))
            return None
        if job.needs_model and not self.is_loaded:
            handle._fail(str(NoModelError(loading=self.loading is not None)))
            return None
        if not job.background:
            self.cancel_background()
        job.id = self.next_id()
        self._handles[job.id] = handle
        if job.background:
            self._background.append(job)
        if job.leases:
            self._take_lease(job.cancel.set, job.id)
        if isinstance(job, LoadJob):
            self.loading = job.path
        self.start()
        self._submit.emit(job)
        return handle

    def cancel_background(self) -> None:
        for job in self._background:
            job.cancel.set()
        self._background.clear()

    def load(self, path: str, n_ctx: int, n_threads: int) -> None:
        self.job(LoadJob(path, n_ctx, n_threads)).submit()

    # -- the lease ----------------------------------------------------------------------
    def claim(self, stop: Callable[[], None]) -> bool:
        """Hold the engine for work that is not one job; False (nothing changes) while held."""
        if self.busy:
            return False
        self._take_lease(stop, 0)
        return True

    def release(self) -> None:
        """Give back a lease taken with :meth:`claim`."""
        if self._lease is not None and self._lease_job == 0:
            self._give_lease()

    @Slot()
    def stop(self) -> None:
        """Stop whatever holds the engine: a turn, a document run, a comparison, a Local-API reply."""
        if self._lease is not None:
            self._lease()

    def _take_lease(self, stop: Callable[[], None], job_id: int) -> None:
        self.cancel_background()
        self._lease, self._lease_job = stop, job_id
        self.busyChanged.emit(True)

    def _give_lease(self) -> None:
        self._lease, self._lease_job = None, 0
        self.busyChanged.emit(False)

    # -- the Local API ------------------------------------------------------------------
    def gate(self) -> ClientGate:
        """What the Local API submits its requests to (``EngineGate``'s interface)."""
        if self._gate is None:
            self._gate = ClientGate(self)
        return self._gate

    def post(self, job: Job) -> None:
        """Queue a job from any thread (the gate); it takes the lease when it starts."""
        self._submit.emit(job)

    def shutdown(self, timeout_ms: int = 10_000) -> None:
        if self._gate is not None:
            self._gate.stop_all()
        if not self.thread_.isRunning():
            return
        self.thread_.quit()
        self.thread_.wait(timeout_ms)

    # -- results (queued from the engine thread) ------------------------------------
    @Slot(int, str)
    @gui_only
    def _on_started(self, job_id: int, kind: str) -> None:
        handle = self._handles.get(job_id)
        if kind == "serve" and self._gate is not None and self._lease is None:
            self._take_lease(self._gate.stop_all, job_id)
        if kind == "load" and handle is not None:
            self.loading = handle.job.path
            self.loadStarted.emit(handle.job.path)
        if handle is not None and handle._started is not None:
            handle._started()
        self.jobStarted.emit(job_id, kind)

    @Slot(int, str, object)
    @gui_only
    def _on_event(self, job_id: int, name: str, value) -> None:
        handle = self._handles.get(job_id)
        if handle is not None:
            handle._emit_event(name, value)
        self.jobEvent.emit(job_id, name, value)

    @Slot(int, int, str)
    @gui_only
    def _on_delta(self, job_id: int, key: int, text: str) -> None:
        handle = self._handles.get(job_id)
        if handle is not None:
            handle._emit_delta(key, text)
        self.jobDelta.emit(job_id, key, text)

    @Slot(int, object)
    @gui_only
    def _on_finished(self, job_id: int, result) -> None:
        handle = self._end(job_id)
        if isinstance(result, LoadResult) and handle is not None and isinstance(handle.job, LoadJob):
            self.loading = None
            self.gpu_note = result.gpu_note
            self.model = ModelInfo(Path(result.path), result.name, result.n_ctx)
            self.loaded.emit(result.name, result.n_ctx)
        if handle is not None and handle._success is not None:
            handle._success(result)
        self.jobFinished.emit(job_id, result)

    @Slot(int, str)
    @gui_only
    def _on_failed(self, job_id: int, message: str) -> None:
        handle = self._end(job_id)
        if handle is not None and isinstance(handle.job, LoadJob):
            self.loading = None
            self.loadFailed.emit(message)
        if handle is not None:
            handle._fail(message)
        self.jobFailed.emit(job_id, message)

    @Slot(object)
    @gui_only
    def _on_model_changed(self, result) -> None:
        """A comparison loaded another model (or a failed load left another): keep the copy true."""
        model = None if result is None else ModelInfo(Path(result.path), result.name, result.n_ctx)
        if model == self.model:
            return
        self.model = model
        if model is not None:
            self.loaded.emit(model.name, model.n_ctx)

    def _end(self, job_id: int) -> JobHandle | None:
        handle = self._handles.pop(job_id, None)
        if handle is not None and handle.job in self._background:
            self._background.remove(handle.job)
        if self._lease is not None and self._lease_job == job_id:
            self._give_lease()
        return handle
