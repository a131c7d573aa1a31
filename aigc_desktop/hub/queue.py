"""The download queue: one background thread that runs downloads one after another.

Split out of ``hub/download.py`` (which keeps the transfer and its sidecars) when split
GGUF sets arrived: a job's ``remote`` may be a single file or a whole set, and
:func:`aigc_desktop.hub.splits.download_model` fetches either.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.hub.download import DownloadCancelled, DownloadError, Progress, discard_partial
from aigc_desktop.hub.endpoint import HubConfig, hub_config
from aigc_desktop.hub.remote import RemoteFile
from aigc_desktop.hub.splits import discard_set, download_model
from aigc_desktop.i18n import N_, _

log = logging.getLogger(__name__)

SAVED = N_("Saved {name}")
SAVED_SET = N_("Saved {name} and the other parts of its set ({count} parts)")


@dataclass
class Job:
    id: int
    remote: RemoteFile
    cancel: threading.Event
    state: str = "queued"  # queued, running, done, failed, cancelled, paused (found on disk), removed
    message: str = ""
    path: Path | None = None

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")


def saved_message(job: Job) -> str:
    if job.remote.parts:
        return _(SAVED_SET).format(name=job.path.name, count=len(job.remote.parts))
    return _(SAVED).format(name=job.path.name)


class DownloadQueue:
    """Runs downloads one at a time on a background thread.

    Callbacks run on that thread; a GUI forwards them with queued signals.
    A job that failed, was cancelled or was found paused on disk can be
    queued again with :meth:`resume`; it continues from its ``.part``.
    """

    def __init__(
        self,
        on_progress: Callable[[Job, Progress], None] | None = None,
        on_finished: Callable[[Job], None] | None = None,
        config_factory: Callable[[], HubConfig] = hub_config,
        dest_dir: Path | None = None,
        backoff: float = 1.0,
    ) -> None:
        self.on_progress = on_progress
        self.on_finished = on_finished
        self.config_factory = config_factory
        self.dest_dir = dest_dir
        self.backoff = backoff
        self.jobs: list[Job] = []
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._next = 1
        self._lock = threading.Lock()

    def add(self, remote: RemoteFile) -> Job:
        job = self._new_job(remote, "queued")
        self._start(job)
        return job

    def add_paused(self, remote: RemoteFile, message: str = "") -> Job:
        """A job for an unfinished download found on disk; it waits for :meth:`resume`."""
        job = self._new_job(remote, "paused")
        job.message = message
        return job

    def resume(self, job_id: int) -> Job:
        """Queue a failed, cancelled or paused job again (it resumes from its ``.part``)."""
        job = self.job(job_id)
        with self._lock:
            if job.active or job.state in ("done", "removed"):
                return job
            job.cancel = threading.Event()
            job.state, job.message = "queued", ""
        self._start(job)
        return job

    def discard(self, job_id: int) -> Job:
        """Forget a job that is not running and delete its ``.part`` and sidecar."""
        job = self.job(job_id)
        if job.active:
            raise DownloadError(_("{file} is still downloading; cancel it first.").format(file=job.remote.filename))
        if job.state != "done":
            if job.remote.parts:
                discard_set(job.remote, self.dest_dir)
            else:
                discard_partial(job.remote, self.dest_dir)
        job.state = "removed"
        return job

    def job(self, job_id: int) -> Job:
        return next(j for j in self.jobs if j.id == job_id)

    def has_active(self) -> bool:
        """True while a download runs or waits in the queue (asked before quitting)."""
        return any(j.active for j in self.jobs)

    def cancel(self, job_id: int) -> None:
        for job in self.jobs:
            if job.id == job_id:
                job.cancel.set()

    def cancel_all(self) -> None:
        for job in self.jobs:
            if job.active:
                job.cancel.set()

    def close(self) -> None:
        for job in self.jobs:
            job.cancel.set()
        self._queue.put(None)

    def _new_job(self, remote: RemoteFile, state: str) -> Job:
        with self._lock:
            job = Job(self._next, remote, threading.Event(), state)
            self._next += 1
            self.jobs.append(job)
        return job

    def _start(self, job: Job) -> None:
        self._queue.put(job)
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="downloads", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            if job.cancel.is_set():
                job.state, job.message = "cancelled", _("Cancelled before it started.")
            else:
                job.state = "running"
                try:
                    job.path = download_model(
                        job.remote, self.dest_dir, cancel=job.cancel, config=self.config_factory(),
                        progress=(lambda p, j=job: self.on_progress(j, p)) if self.on_progress else None,
                        backoff=self.backoff,
                    )
                    job.state, job.message = "done", saved_message(job)
                except DownloadCancelled as exc:
                    job.state, job.message = "cancelled", str(exc)
                except UserError as exc:
                    job.state, job.message = "failed", str(exc)
                except Exception as exc:  # a bug: keep the thread alive, log it
                    log.exception("download job %s crashed", job.id)
                    job.state, job.message = "failed", _("Unexpected error: {error}").format(error=exc)
            if self.on_finished:
                self.on_finished(job)
