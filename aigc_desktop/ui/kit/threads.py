"""The GUI-thread rule, checked where it matters.

Every signal from a worker thread must reach a bound ``@Slot`` of a ``QObject``
that lives on the GUI thread, through an explicit ``Qt.QueuedConnection``.
Receivers of such signals are decorated with :func:`gui_only` (under the
``@Slot``): a call on any other thread is logged as an error and remembered in
:data:`violations`, which the test suite checks after every test, so a wiring
mistake fails a test instead of crashing one run in three.
"""

from __future__ import annotations

import functools
import logging
import threading

log = logging.getLogger(__name__)

violations: list[str] = []  # "Class.method on thread X"


def on_gui_thread() -> bool:
    from PySide6.QtCore import QCoreApplication, QThread

    app = QCoreApplication.instance()
    return app is None or QThread.currentThread() is app.thread()


def gui_only(fn):
    """Mark a slot that receives cross-thread signals; records (and logs) a call off the GUI thread."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        if not on_gui_thread():
            where = f"{fn.__qualname__} on thread {threading.current_thread().name}"
            violations.append(where)
            log.error("GUI slot called off the GUI thread: %s", where)
        return fn(*args, **kwargs)

    return wrapper
