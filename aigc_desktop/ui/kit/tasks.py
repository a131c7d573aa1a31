"""One-off background work as a small builder, in the shape of Anki's ``QueryOp``.

    op(self, fn, arg).success(self.show).failure(self.show_error).progress(bar.setValue).run()

``fn`` runs on a Python thread; if it takes a keyword ``task`` it gets the
:class:`TaskContext` (``task.cancelled``, ``task.report(value)``). Results come
back on the GUI thread: the :class:`Op` is a ``QObject`` created on the GUI
thread, and the worker's signals reach its bound ``@Slot`` methods through an
explicit ``Qt.QueuedConnection`` (a lambda or a partial would run on the
worker's thread, measured on PySide6 6.11). Callers connect everything before
``run()``, so no result can arrive before its handler.

A :class:`UserError` goes to ``failure`` with its message; any other exception is
a bug: logged with its traceback, and ``failure`` gets a short message.
``cancel()`` sets the event the work may poll and drops any later result, so a
newer search can simply cancel the older one (:class:`Latest`).

Signals of Op (internal, worker → GUI): _done(object), _failed(str), _progress(object)
"""

from __future__ import annotations

import inspect
import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.ui.kit.threads import gui_only

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised by work that noticed ``task.cancelled``; not reported as a failure."""


class TaskContext:
    """What the work sees: a cancel flag and a progress reporter."""

    def __init__(self, op: "Op") -> None:
        self._op = op
        self.cancel_event = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self.cancel_event.is_set()

    def check(self) -> None:
        if self.cancel_event.is_set():
            raise Cancelled

    def report(self, value) -> None:
        if not self.cancel_event.is_set():
            self._op._emit(self._op._progress, value)


class Op(QObject):
    _done = Signal(object)
    _failed = Signal(str)
    _progress = Signal(object)

    def __init__(self, parent: QObject, fn: Callable, *args, **kwargs) -> None:
        super().__init__(parent)
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self._on_success: Callable | None = None
        self._on_failure: Callable | None = None
        self._on_progress: Callable | None = None
        self._on_finally: Callable | None = None
        self.task = TaskContext(self)
        self.finished = False
        self.result = None
        self.error: str | None = None
        self._done.connect(self._deliver_done, Qt.QueuedConnection)
        self._failed.connect(self._deliver_failure, Qt.QueuedConnection)
        self._progress.connect(self._deliver_progress, Qt.QueuedConnection)

    # -- building ---------------------------------------------------------------------
    def success(self, callback: Callable) -> "Op":
        self._on_success = callback
        return self

    def failure(self, callback: Callable) -> "Op":
        self._on_failure = callback
        return self

    def progress(self, callback: Callable) -> "Op":
        self._on_progress = callback
        return self

    def always(self, callback: Callable) -> "Op":
        """Called after success, failure or cancel (with no argument): hide a progress bar."""
        self._on_finally = callback
        return self

    def run(self) -> "Op":
        takes_task = "task" in inspect.signature(self._fn).parameters if callable(self._fn) else False
        if takes_task:
            self._kwargs["task"] = self.task
        threading.Thread(target=self._work, name=f"op:{getattr(self._fn, '__name__', 'task')}", daemon=True).start()
        return self

    def cancel(self) -> None:
        """Ask the work to stop; whatever it returns afterwards is dropped."""
        if not self.finished:
            self.task.cancel_event.set()

    @property
    def cancelled(self) -> bool:
        return self.task.cancelled

    # -- worker thread ----------------------------------------------------------------
    def _work(self) -> None:
        try:
            result = self._fn(*self._args, **self._kwargs)
        except Cancelled:
            self._emit(self._failed, "")
        except UserError as exc:
            self._emit(self._failed, str(exc) or _("The operation failed."))
        except Exception as exc:  # a bug: traceback to the log, a short note for the person
            log.exception("background task %s failed", getattr(self._fn, "__name__", self._fn))
            self._emit(self._failed, _("Something went wrong ({error}). Details are in the log file.").format(error=exc))
        else:
            self._emit(self._done, result)

    @staticmethod
    def _emit(signal, value) -> None:
        try:
            signal.emit(value)
        except RuntimeError:  # the owner (a closed window) is gone: nobody waits for this result
            log.debug("task result dropped: its owner was deleted")

    # -- GUI thread -------------------------------------------------------------------
    @Slot(object)
    @gui_only
    def _deliver_done(self, result) -> None:
        self.finished, self.result = True, result
        if not self.task.cancelled and self._on_success is not None:
            self._on_success(result)
        self._end()

    @Slot(str)
    @gui_only
    def _deliver_failure(self, message: str) -> None:
        self.finished, self.error = True, message
        if message and not self.task.cancelled and self._on_failure is not None:
            self._on_failure(message)
        self._end()

    @Slot(object)
    @gui_only
    def _deliver_progress(self, value) -> None:
        if not self.finished and not self.task.cancelled and self._on_progress is not None:
            self._on_progress(value)

    def _end(self) -> None:
        if self._on_finally is not None:
            self._on_finally()
        self.deleteLater()


def op(parent: QObject, fn: Callable, *args, **kwargs) -> Op:
    """Build a background call owned by ``parent`` (a GUI-thread QObject); call ``.run()`` to start it."""
    return Op(parent, fn, *args, **kwargs)


class Latest:
    """Keeps only the newest of a series of ops (search as you type): starting one cancels the one before."""

    def __init__(self) -> None:
        self.current: Op | None = None

    def start(self, new: Op) -> Op:
        if self.current is not None and not self.current.finished:
            self.current.cancel()
        self.current = new
        return new.run()

    def cancel(self) -> None:
        if self.current is not None:
            self.current.cancel()
            self.current = None
