"""The window's knowledge bases: one indexing job at a time through the engine door, the
folder watch, and the short store operations (create, remove, remove a source).

Indexing jobs (``ui/kb/jobs.py``) wait in a queue of their own, so a burst of folder changes
or clicks makes one sync per base, and none is submitted while a reply holds the engine.
When a reply takes the lease while a base is being indexed, the job is stopped (its cancel
event: what was indexed is kept) and resumed afterwards by an incremental sync; the person's
own Stop is not resumed.

Built with what it uses: the runtime holder, the engine client and the banner (for a sync the
folder watch started, which no window may be showing).

Signals:
    started(str name, str action)                   an indexing job began on the engine thread
    progress(str name, int done, int total, str label)
    finished(object result)                          an :class:`~aigc_desktop.ui.kb.jobs.IndexResult`
    failed(str name, str message)
    basesChanged()                                   a base was made, removed, or its sources changed
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal, Slot

from aigc_desktop.ui.kb.jobs import ADD, MODEL, REMOVE, SYNC, IndexResult, KbIndexJob, KbSearchJob
from aigc_desktop.ui.kb.watch import DELAY_MS, FolderWatch

log = logging.getLogger(__name__)


@dataclass
class _Pending:
    action: str
    name: str
    paths: list[str] = field(default_factory=list)
    model: str | None = None
    quiet: bool = False  # started by the folder watch: a failure is logged and shown in the window only


class KbController(QObject):
    started = Signal(str, str)
    progress = Signal(str, int, int, str)
    finished = Signal(object)
    failed = Signal(str, str)
    basesChanged = Signal()

    def __init__(self, ctx, engine, banner, parent: QObject | None = None, watch_delay_ms: int = DELAY_MS) -> None:
        super().__init__(parent)
        self.ctx, self.engine, self.banner = ctx, engine, banner
        self.watch = FolderWatch(self, watch_delay_ms)
        self.watch.syncRequested.connect(self.sync_changed)
        self.queue: list[_Pending] = []
        self.current: _Pending | None = None
        self._handle = None
        self._preempted = False
        self.last_progress: tuple[int, int, str] = (0, 0, "")
        engine.busyChanged.connect(self._engine_busy)

    @property
    def rt(self):
        return self.ctx.rt

    # -- the bases (short store work, on the GUI thread) -------------------------------------
    def bases(self) -> list:
        return self.rt.kb.list()

    def get(self, name: str):
        return self.rt.kb.get(name)

    def files(self, name: str) -> list:
        return self.rt.kb.files(name)

    def create(self, name: str, model: str | None = None):
        """A new base; a ``UserError`` (an empty or taken name) is the caller's to show."""
        info = self.rt.kb.create(name, embedding_model=model)
        self._sources_changed()
        return info

    def remove(self, name: str) -> None:
        self.queue = [p for p in self.queue if p.name != name]
        if self.current is not None and self.current.name == name:
            self.stop()
        self.rt.kb.remove(name)
        self._sources_changed()

    def remove_sources(self, name: str, paths: list[str]) -> None:
        """Stop using these sources (an engine job: the sync after it may load the base's embedder)."""
        self._queue(_Pending(REMOVE, name, [str(p) for p in paths]))

    def attach(self) -> None:
        """The runtime is open: watch the bases' folders."""
        self.refresh_watch()

    def refresh_watch(self) -> None:
        try:
            self.watch.set_sources({b.name: list(b.sources) for b in self.bases()})
        except Exception:  # the watch is a convenience; a base that cannot be read must not stop the window
            log.warning("knowledge-base folder watch not refreshed", exc_info=True)

    def _sources_changed(self) -> None:
        self.refresh_watch()
        self.basesChanged.emit()

    # -- indexing (engine jobs, one at a time) ---------------------------------------------
    def add_sources(self, name: str, paths: list[str]) -> None:
        self._queue(_Pending(ADD, name, [str(p) for p in paths]))

    def sync(self, name: str) -> None:
        self._queue(_Pending(SYNC, name))

    @Slot(str)
    def sync_changed(self, name: str) -> None:
        """The folder watch saw a change in ``name``'s sources."""
        self._queue(_Pending(SYNC, name, quiet=True))

    def set_model(self, name: str, model: str | None) -> None:
        """Change the base's embedding model (None: keywords only); everything is re-embedded."""
        self.queue = [p for p in self.queue if not (p.name == name and p.action == MODEL)]
        self._queue(_Pending(MODEL, name, model=model))

    @property
    def running(self) -> bool:
        return self.current is not None

    def busy_with(self, name: str) -> bool:
        return (self.current is not None and self.current.name == name) or any(p.name == name for p in self.queue)

    @Slot()
    def stop(self) -> None:
        """The person's Stop: the running job keeps what it indexed; nothing queued for it runs."""
        if self.current is None:
            return
        name = self.current.name
        self.queue = [p for p in self.queue if p.name != name]
        self._preempted = False
        if self._handle is not None:
            self._handle.cancel()

    def _queue(self, pending: _Pending) -> None:
        if pending.action == SYNC and any(p.name == pending.name for p in self.queue):
            return  # an add, a model change or a sync already queued for it syncs it anyway
        self.queue.append(pending)
        self._next()

    def _next(self) -> None:
        if self.current is not None or not self.queue or self.engine.busy or self.rt is None:
            return  # one at a time, and never while a reply holds the engine (busyChanged calls again)
        pending = self.current = self.queue.pop(0)
        self._preempted = False
        self.last_progress = (0, 0, "")
        job = KbIndexJob(pending.action, pending.name, pending.paths, pending.model)
        self._handle = (self.engine.job(job).started(self._started).on("progress", self._progress)
                        .success(self._done).failure(self._failed).submit())
        if self._handle is None:  # refused at submit (it said why through _failed)
            self.current = None

    def _started(self) -> None:
        if self.current is not None:
            self.started.emit(self.current.name, self.current.action)

    def _progress(self, value) -> None:
        done, total, label = value
        self.last_progress = (done, total, label)
        if self.current is not None:
            self.progress.emit(self.current.name, done, total, label)

    def _done(self, result: IndexResult) -> None:
        pending, preempted = self.current, self._preempted
        self.current, self._handle, self._preempted = None, None, False
        if pending is not None and preempted and result.stopped:
            # A reply took the engine: carry on where it stopped once the reply is over (a sync embeds
            # what a stopped model change left unembedded, and indexes what a stopped add left).
            self.queue.insert(0, _Pending(SYNC, pending.name, quiet=pending.quiet))
        self.refresh_watch()
        self.finished.emit(result)
        self.basesChanged.emit()
        self._next()

    def _failed(self, message: str) -> None:
        pending = self.current
        self.current, self._handle, self._preempted = None, None, False
        name = pending.name if pending is not None else ""
        if pending is not None and pending.quiet:
            log.warning("knowledge base %s: sync after a folder change failed: %s", name, message)
        else:
            self.banner.show_error(message)
        self.failed.emit(name, message)
        self._next()

    @Slot(bool)
    def _engine_busy(self, busy: bool) -> None:
        if busy and self.current is not None and self._handle is not None:
            self._preempted = True
            self._handle.cancel()
        elif not busy:
            self._next()

    # -- search ----------------------------------------------------------------------------
    def search(self, names: list[str], query: str, success, failure, k: int = 8):
        """Try ``query`` on the bases ``names`` (an engine job: the query may be embedded)."""
        return self.engine.job(KbSearchJob(names, query, k)).success(success).failure(failure).submit()
