"""The Downloads tab: one row per job of the app's :class:`DownloadsController`.

The jobs belong to the controller (the main window's), not to this tab: closing
the Models window stops nothing, and a window opened later shows every job of
this session, finished ones included, plus downloads left part-way on disk. The
rows only draw the controller's state and hand clicks back to it; the
controller's signals arrive here on the GUI thread.

Signals of DownloadRow:
    cancelRequested(int job_id), resumeRequested(int job_id), removeRequested(int job_id)
Signals of DownloadsTab:
    status(str text, bool error)
"""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from aigc_desktop.hub.download import DownloadError
from aigc_desktop.hub.queue import Job
from aigc_desktop.i18n import N_, _
from aigc_desktop.ui.kit.threads import gui_only

BAR_STEPS = 1000
STATES = {"queued": N_("queued"), "running": N_("downloading"), "done": N_("done"), "failed": N_("failed"),
          "cancelled": N_("cancelled"), "paused": N_("paused")}


def _state(state: str) -> str:
    """A job's state in the person's language (when it has no message of its own)."""
    return _(STATES[state]) if state in STATES else state


class DownloadRow(QWidget):
    """One job's name and state, its progress bar and its Cancel / Resume / Remove buttons."""

    cancelRequested = Signal(int)
    resumeRequested = Signal(int)
    removeRequested = Signal(int)

    def __init__(self, job_id: int, parent=None) -> None:
        super().__init__(parent)
        self.job_id = job_id
        self.bar = QProgressBar()
        self.bar.setRange(0, BAR_STEPS)
        self.label = QLabel("")
        self.label.setWordWrap(True)
        self.cancel, self.resume, self.remove = QPushButton(_("Cancel")), QPushButton(_("Resume")), QPushButton(_("Remove"))
        self.remove.setToolTip(_("Delete what was downloaded so far"))
        self.cancel.clicked.connect(self._cancel)
        self.resume.clicked.connect(self._resume)
        self.remove.clicked.connect(self._remove)
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.label, 2)
        lay.addWidget(self.bar, 2)
        for b in (self.cancel, self.resume, self.remove):
            lay.addWidget(b)

    def show_fraction(self, done: int, total: int) -> None:
        self.bar.setValue(int(BAR_STEPS * done / total) if total else 0)

    @Slot()
    def _cancel(self) -> None:
        self.cancelRequested.emit(self.job_id)

    @Slot()
    def _resume(self) -> None:
        self.resumeRequested.emit(self.job_id)

    @Slot()
    def _remove(self) -> None:
        self.removeRequested.emit(self.job_id)


class DownloadsTab(QWidget):
    status = Signal(str, bool)

    def __init__(self, downloads, host, parent=None) -> None:
        super().__init__(parent)
        self.downloads = downloads
        self.host = host  # asks the questions (the dialog's confirm), so a test can answer
        self.rows: dict[int, DownloadRow] = {}
        self.no_downloads = QLabel(_("No downloads yet. Pick a model in Catalog or Search Hub."))
        self.rows_layout = QVBoxLayout()
        self.rows_layout.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.no_downloads)
        lay.addLayout(self.rows_layout, 1)
        downloads.jobAdded.connect(self._on_job_added)
        downloads.jobChanged.connect(self._on_job_changed)
        downloads.progress.connect(self._on_progress)
        downloads.finished.connect(self._on_finished)
        for job in downloads.jobs:  # what happened while this window was closed or not yet made
            self._add_row(job)

    # -- rows -------------------------------------------------------------------------
    def _add_row(self, job: Job) -> DownloadRow:
        row = DownloadRow(job.id)
        row.cancelRequested.connect(self.downloads.cancel)
        row.resumeRequested.connect(self.resume)
        row.removeRequested.connect(self.remove)
        self.rows_layout.insertWidget(self.rows_layout.count() - 1, row)
        self.rows[job.id] = row
        self.no_downloads.setVisible(False)
        row.label.setText(_("{name} — {state}").format(name=job.remote.label, state=job.message or _state(job.state)))
        if job.state == "done":
            row.bar.setValue(BAR_STEPS)
        elif not job.active:
            row.show_fraction(self.downloads.kept_bytes(job.id), job.remote.size)
        self._update_buttons(job)
        return row

    def _drop_row(self, job_id: int) -> None:
        row = self.rows.pop(job_id)
        self.rows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        self.no_downloads.setVisible(not self.rows)

    def _update_buttons(self, job: Job) -> None:
        row = self.rows[job.id]
        stopped = job.state in ("failed", "cancelled", "paused")
        row.cancel.setVisible(job.active)
        row.resume.setVisible(stopped)
        row.remove.setVisible(stopped)
        row.resume.setText(_("Resume") if stopped and self.downloads.kept_bytes(job.id) else _("Retry"))

    # -- clicks -----------------------------------------------------------------------
    @Slot(int)
    def resume(self, job_id: int) -> int:
        job = self.downloads.resume(job_id)
        self.status.emit(_("Resuming {file}…").format(file=job.remote.filename), False)
        return job_id

    @Slot(int)
    def remove(self, job_id: int) -> bool:
        """Discard a stopped download: its row, its ``.part`` and sidecar (asks when bytes are kept)."""
        job = self.downloads.job(job_id)
        kept = self.downloads.kept_bytes(job_id)
        if kept and not self.host.confirm(_("Remove download"), _("Delete the {mb:,.1f} MB of {file} downloaded so far?")
                                          .format(mb=kept / 2**20, file=job.remote.filename)):
            return False
        try:
            self.downloads.discard(job_id)
        except DownloadError as exc:
            self.status.emit(str(exc), True)
            return False
        self.status.emit(_("Removed the unfinished download of {file}.").format(file=job.remote.filename), False)
        return True

    # -- the controller's signals (GUI thread) ------------------------------------------
    @Slot(int)
    @gui_only
    def _on_job_added(self, job_id: int) -> None:
        if job_id not in self.rows:
            self._add_row(self.downloads.job(job_id))

    @Slot(int)
    @gui_only
    def _on_job_changed(self, job_id: int) -> None:
        job = self.downloads.job(job_id)
        if job.state == "removed":
            if job_id in self.rows:
                self._drop_row(job_id)
        elif job_id in self.rows:
            self.rows[job_id].label.setText(_("{name} — {state}").format(name=job.remote.label, state=job.message or _state(job.state)))
            self._update_buttons(job)

    @Slot(int, "qint64", "qint64", float, object)
    @gui_only
    def _on_progress(self, job_id: int, done: int, total: int, speed: float, eta) -> None:
        row = self.rows.get(job_id)
        if row is None:
            return
        row.show_fraction(done, total)
        name = self.downloads.job(job_id).remote.label
        figures = dict(name=name, done=done / 2**20, total=total / 2**20, speed=speed / 2**20, eta=eta or 0)
        if eta is not None:
            text = _("{name} — {done:,.1f} of {total:,.1f} MB, {speed:.1f} MB/s, {eta:.0f} s left")
        else:
            text = _("{name} — {done:,.1f} of {total:,.1f} MB, {speed:.1f} MB/s")
        row.label.setText(text.format(**figures))

    @Slot(int, str, str)
    @gui_only
    def _on_finished(self, job_id: int, state: str, message: str) -> None:
        row = self.rows.get(job_id)
        if row is None:
            return
        job = self.downloads.job(job_id)
        row.label.setText(_("{name} — {state}").format(name=job.remote.label, state=message))
        if state == "done":
            row.bar.setValue(BAR_STEPS)
        self._update_buttons(job)
