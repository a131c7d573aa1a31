"""When sync runs in the window, one at a time, off the GUI thread; the status bar's line follows it.

Sync never touches the ``Llama``, so it is not an engine job: each run is a ``ui/kit/tasks.op`` on
a Python thread (its results come back through the op's queued slots, the cross-thread rule). It
runs when asked (Sync now), and when "Sync automatically" is on: a few seconds after the window
opens, every ``sync_interval_minutes`` while it is open, and after each finished reply (debounced:
a burst of replies is one sync). A request while one runs is remembered and runs once after it.
Closing the window sets the running sync's cancel event; the service keeps what it finished.

Signals of SyncController:
    busyChanged(bool)        a sync or a page's task started / ended
    synced(object)           the SyncReport of a sync that ended well
    statusChanged(object)    the SyncStatus after each sync (or its failure) and at start
    failed(str)              a sync's error, in plain words
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from aigc_desktop.i18n import _
from aigc_desktop.ui.kit import tasks

log = logging.getLogger(__name__)

START_DELAY_MS = 3_000  # after the window opens: the first chat shows before any sync traffic
AFTER_REPLY_MS = 20_000  # quiet time after a reply before its sync (a burst of replies: one sync)


def _sync_and_status(sync, prepare: Callable | None, task=None):
    if prepare is not None:
        prepare()
    report = sync.sync_now(cancel=task.cancel_event if task is not None else None)
    return report, sync.status()


def _status(sync):
    return sync.status()


class SyncController(QObject):
    busyChanged = Signal(bool)
    synced = Signal(object)
    statusChanged = Signal(object)
    failed = Signal(str)

    def __init__(self, ctx, label, parent=None) -> None:
        """``ctx`` holds the runtime (``rt.sync``, ``rt.settings_store``); ``label`` is the status bar's
        :class:`~aigc_desktop.ui.sync.status.SyncStatusLabel`."""
        super().__init__(parent)
        self.ctx, self.label = ctx, label
        self.running: tasks.Op | None = None
        self.pending = False
        self.queue: list[tuple] = []  # the page's tasks waiting for a running sync to end
        self.last_status = None
        self.every = QTimer(self)
        self.every.timeout.connect(self.auto_sync)
        self.after_reply = QTimer(self)
        self.after_reply.setSingleShot(True)
        self.after_reply.setInterval(AFTER_REPLY_MS)
        self.after_reply.timeout.connect(self.auto_sync)
        self.at_start = QTimer(self)
        self.at_start.setSingleShot(True)
        self.at_start.setInterval(START_DELAY_MS)
        self.at_start.timeout.connect(self.auto_sync)

    # -- the schedule --------------------------------------------------------------------
    def attach(self) -> None:
        """The runtime is open: show the last sync, and start the schedule if it is on."""
        self.reschedule()
        if self._configured():
            tasks.op(self, _status, self.ctx.rt.sync).success(self._status_read).failure(self.report_failure).run()
            if self._settings().sync_auto:
                self.at_start.start()

    @Slot(object, object)
    def settings_changed(self, _settings, names) -> None:
        """From the window's SettingsBridge (on the GUI thread)."""
        if any(str(n).startswith("sync_") for n in names or ()):
            self.reschedule()

    def reschedule(self) -> None:
        settings = self._settings()
        if settings is not None and settings.sync_auto and self._configured():
            self.every.start(max(1, int(settings.sync_interval_minutes)) * 60_000)
        else:
            self.every.stop()
            self.after_reply.stop()
            self.at_start.stop()
        if not self._configured():
            self.label.show_off()

    @Slot(int)
    def reply_finished(self, _message_id: int = 0) -> None:
        """A reply ended: sync after a quiet moment, when automatic sync is on."""
        settings = self._settings()
        if settings is not None and settings.sync_auto and self._configured():
            self.after_reply.start()  # restarted by each reply: debounced

    @Slot()
    def auto_sync(self) -> None:
        self.sync_now()

    # -- running -------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self.running is not None

    def sync_now(self, prepare: Callable | None = None) -> tasks.Op | None:
        """Start a sync (``prepare`` runs first on the same thread: the page saves its form there);
        while one runs, another is remembered for after it."""
        if self.ctx.rt is None:
            return None
        if self.running is not None or self.queue:
            self.pending = True
            return None
        if prepare is None and not self._configured():
            return None
        self.label.show_running()
        self.running = (tasks.op(self, _sync_and_status, self.ctx.rt.sync, prepare)
                        .success(self._synced).failure(self.report_failure).always(self._ended).run())
        self.busyChanged.emit(True)
        return self.running

    def run(self, fn: Callable, *args, success: Callable | None = None, failure: Callable | None = None) -> None:
        """A page's task (save the form, Test) on a worker thread, never beside a sync: queued while one
        runs, so a form saved as the dialog closes during an automatic sync is not lost."""
        self.queue.append((fn, args, success, failure))
        self._next()

    def _next(self) -> None:
        if self.running is not None:
            return
        if self.queue:
            fn, args, success, failure = self.queue.pop(0)
            op = tasks.op(self, fn, *args).always(self._ended)
            if success is not None:
                op.success(success)
            if failure is not None:
                op.failure(failure)
            self.running = op.run()
            self.busyChanged.emit(True)
        elif self.pending:
            self.pending = False
            self.sync_now()

    def shutdown(self) -> None:
        self.every.stop()
        self.after_reply.stop()
        self.at_start.stop()
        self.pending = False
        self.queue.clear()
        if self.running is not None:
            self.running.cancel()

    # -- results (GUI thread, from the op's queued slots) ----------------------------------
    def _synced(self, result) -> None:
        report, status = result
        self._status_read(status)
        self.synced.emit(report)

    def _status_read(self, status) -> None:
        self.last_status = status
        if status.last_error:
            self.label.show_error(status.last_error)
        else:
            self.label.show_synced(status.last_sync, status.target or "")
        self.statusChanged.emit(status)

    def report_failure(self, message: str) -> None:
        """A sync's (or the page's saving) error: on the status bar's line, and ``failed``."""
        self.label.show_error(message)
        log.info("sync failed: %s", message)
        self.failed.emit(message)

    def _ended(self) -> None:
        self.running = None
        self.busyChanged.emit(False)
        self._next()

    # -- reading ---------------------------------------------------------------------------
    def _settings(self):
        rt = self.ctx.rt
        return rt.settings_store.current() if rt is not None else None

    def _configured(self) -> bool:
        settings = self._settings()
        return bool(settings is not None and settings.sync_target)

    @staticmethod
    def describe_report(report) -> str:
        return _("Synced: {sent} sent, {received} received.").format(sent=report.sent, received=report.received)
