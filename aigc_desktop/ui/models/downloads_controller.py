"""The app's downloads, owned by the main window rather than by the Models window.

The main window creates one :class:`DownloadsController` when its services are
attached, so a download goes on while the Models window is closed, or before that
window was ever opened; closing the main window asks :meth:`has_active` (and the
person) and then calls :meth:`close`. The Models window only shows the jobs and asks
for new ones. Turning offline mode on through the settings store stops every running
download, whoever turned it on.

Threads: :class:`DownloadQueue` calls ``on_progress``/``on_finished`` on its own
thread. Those callbacks do nothing but emit this object's private signals, which are
connected with an explicit ``Qt.QueuedConnection`` to bound ``@Slot`` methods of this
object (a ``QObject`` created on the GUI thread); the slots re-emit the public
signals, so whatever is connected to those runs on the GUI thread. A lambda or a
partial connected to a cross-thread signal would run on the sender's thread even
when queued (measured on PySide6 6.11), so there are none here.

Byte counts travel as ``qint64``: a plain ``int`` signal argument is 32 bits in
PySide6, and a 5 GB model overflowed it.

Signals (all emitted on the GUI thread):
    jobAdded(int job_id)        a job to show: a new download, or one found paused on disk
    jobChanged(int job_id)      queued again (Resume) or removed; read its state from :meth:`job`
    progress(int job_id, qint64 done, qint64 total, float speed, object eta)
    finished(int job_id, str state, str message)   done, failed or cancelled
    modelInstalled(str path)    a verified file is in the models folder (after ``finished``)
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Qt, Signal, Slot

from aigc_desktop.hub.catalog import RemoteFile
from aigc_desktop.hub.download import Progress, unfinished_downloads
from aigc_desktop.hub.queue import DownloadQueue, Job
from aigc_desktop.hub.splits import kept_bytes, unfinished_sets
from aigc_desktop.hub.endpoint import HubConfig, hub_config
from aigc_desktop.paths import app_paths
from aigc_desktop.ui.kit.threads import gui_only

log = logging.getLogger(__name__)

PAUSED = "paused, {kept:,.1f} of {total:,.1f} MB kept"


class DownloadsController(QObject):
    jobAdded = Signal(int)
    jobChanged = Signal(int)
    progress = Signal(int, "qint64", "qint64", float, object)
    finished = Signal(int, str, str)
    modelInstalled = Signal(str)
    _progressFromQueue = Signal(int, "qint64", "qint64", float, object)
    _finishedFromQueue = Signal(int, str, str)

    def __init__(self, parent: QObject | None = None, settings_store=None, *,
                 dest_dir: Path | None = None, backoff: float = 1.0) -> None:
        """``settings_store``: the app's :class:`SettingsStore` (Hub address and offline
        switch, read at the start of each job); None reads the app's settings file."""
        super().__init__(parent)
        self.settings_store = settings_store
        self.queue = DownloadQueue(
            on_progress=self._queue_progress,
            on_finished=self._queue_finished,
            config_factory=self._hub_config,
            dest_dir=dest_dir,
            backoff=backoff,
        )
        self._progressFromQueue.connect(self._on_progress, Qt.QueuedConnection)
        self._finishedFromQueue.connect(self._on_finished, Qt.QueuedConnection)
        if settings_store is not None:
            settings_store.add_listener(self._settings_changed)

    # -- asked by the windows (GUI thread) ----------------------------------------------
    @property
    def dest_dir(self) -> Path:
        return Path(self.queue.dest_dir or app_paths().models)

    @property
    def jobs(self) -> list[Job]:
        """This session's jobs that were not removed, oldest first."""
        return [j for j in self.queue.jobs if j.state != "removed"]

    def job(self, job_id: int) -> Job:
        return self.queue.job(job_id)

    def find(self, remote: RemoteFile) -> Job | None:
        """The newest job for this file that is neither finished nor removed."""
        same = [j for j in self.queue.jobs if j.remote == remote and j.state not in ("done", "removed")]
        return same[-1] if same else None

    def start(self, remote: RemoteFile) -> Job:
        """Download ``remote``; a running job for it is returned as it is, a stopped one is resumed."""
        same = self.find(remote)
        if same is not None:
            return same if same.active else self.resume(same.id)
        job = self.queue.add(remote)
        self.jobAdded.emit(job.id)
        return job

    def resume(self, job_id: int) -> Job:
        """Queue a failed, cancelled or paused job again; it continues from its ``.part``."""
        job = self.queue.resume(job_id)
        self.jobChanged.emit(job_id)
        return job

    def discard(self, job_id: int) -> Job:
        """Forget a stopped job and delete its ``.part``; raises DownloadError while it runs."""
        job = self.queue.discard(job_id)
        self.jobChanged.emit(job_id)
        return job

    def cancel(self, job_id: int) -> None:
        self.queue.cancel(job_id)

    def cancel_all(self) -> None:
        self.queue.cancel_all()

    def has_active(self) -> bool:
        """True while a download runs or waits (asked before the main window closes)."""
        return self.queue.has_active()

    def kept_bytes(self, job_id: int) -> int:
        """How much of a job's file (or of a set's parts) is already on disk."""
        return kept_bytes(self.job(job_id).remote, self.dest_dir)

    def adopt_unfinished(self) -> list[int]:
        """Downloads an earlier session (or the CLI) left part-way, as paused jobs, each once.

        A split set left incomplete is one job (its parts' own ``.part`` files are not
        listed apart): resuming it fetches whatever of the set is missing.
        """
        added = []
        found = [(remote, kept) for remote, kept in unfinished_sets(self.dest_dir)]
        in_sets = {p for remote, _ in found for p in remote.parts}
        found += [(u.remote, u.kept) for u in unfinished_downloads(self.dest_dir) if u.remote not in in_sets]
        busy = {p for j in self.jobs for p in j.remote.files}  # a set's running job covers its parts
        for remote, kept in found:
            if any(j.remote == remote for j in self.jobs) or remote in busy:
                continue
            job = self.queue.add_paused(remote, PAUSED.format(kept=kept / 2**20, total=remote.size / 2**20))
            added.append(job.id)
            self.jobAdded.emit(job.id)
        return added

    def close(self) -> None:
        """Stop every job (its ``.part`` stays for next time) and end the queue's thread."""
        if self.settings_store is not None:
            self.settings_store.remove_listener(self._settings_changed)
        self.queue.close()

    # -- any thread ---------------------------------------------------------------------
    def _hub_config(self) -> HubConfig:
        return hub_config(self.settings_store)

    def _settings_changed(self, settings, changed) -> None:
        """A settings-store listener (runs on the writer's thread): offline stops the downloads."""
        if "offline" in changed and settings.offline:
            self.queue.cancel_all()  # only sets each job's Event: safe from any thread

    # -- the queue's thread: hand over to the GUI thread, nothing else -----------------
    def _queue_progress(self, job: Job, p: Progress) -> None:
        self._emit(self._progressFromQueue, job.id, p.done, p.total, p.speed, p.eta)

    def _queue_finished(self, job: Job) -> None:
        self._emit(self._finishedFromQueue, job.id, job.state, job.message)

    @staticmethod
    def _emit(signal, *args) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:  # the window that owned us is gone; the job still ends cleanly
            log.debug("download signal dropped: its controller was deleted")

    # -- GUI thread ---------------------------------------------------------------------
    @Slot(int, "qint64", "qint64", float, object)
    @gui_only
    def _on_progress(self, job_id: int, done: int, total: int, speed: float, eta) -> None:
        self.progress.emit(job_id, done, total, speed, eta)

    @Slot(int, str, str)
    @gui_only
    def _on_finished(self, job_id: int, state: str, message: str) -> None:
        self.finished.emit(job_id, state, message)
        path = self.job(job_id).path
        if state == "done" and path is not None:
            self.modelInstalled.emit(str(path))
