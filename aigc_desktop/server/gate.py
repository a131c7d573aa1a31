"""The one queue in front of the engine: requests run one at a time, in the order they came.

A ``ThreadPoolExecutor`` with one worker is that queue (its work queue is
FIFO, so a burst of requests is served first come, first served, and no client
can starve another), and its single thread is "the engine thread" of the
server: a whole generation runs on it, so the ``Llama`` object and the engine's
re-entrant lock only ever see that one thread per job. The window can pass its
own gate (anything with ``submit(fn, *args) -> Future``) to run server jobs on
its engine thread instead.

``stop_all()`` sets the cancel event of every job still queued or running,
so stopping the server ends a long reply at once.

The queue is bounded: ``new_cancel()`` raises :class:`QueueFull` once one request
runs and ``max_waiting`` more wait, and the API answers 429 with ``Retry-After``
instead of letting a burst of clients pile up work (and memory) without end.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor


DEFAULT_MAX_WAITING = 8


class QueueFull(Exception):
    """More requests are waiting than the gate takes; ``retry_after`` is a hint in seconds."""

    def __init__(self, waiting: int, retry_after: int) -> None:
        super().__init__(f"{waiting} requests are waiting")
        self.waiting, self.retry_after = waiting, retry_after


class CancelSet:
    """The cancel events of the requests queued or running, so that one call stops them all
    (shared with the window's gate, ``ui/engine/gate.py``), at most one running and
    ``max_waiting`` waiting."""

    RETRY_AFTER = 2  # seconds: a short reply takes about that on a small model

    def __init__(self, max_waiting: int = DEFAULT_MAX_WAITING) -> None:
        self._cancels: set[threading.Event] = set()
        self._lock = threading.Lock()
        self.max_waiting = max_waiting

    def new_cancel(self) -> threading.Event:
        """A request's cancel event; :class:`QueueFull` when the queue is full (nothing is queued then)."""
        event = threading.Event()
        with self._lock:
            if len(self._cancels) > self.max_waiting:
                raise QueueFull(len(self._cancels) - 1, self.RETRY_AFTER)
            self._cancels.add(event)
        return event

    def release(self, event: threading.Event) -> None:
        with self._lock:
            self._cancels.discard(event)

    @property
    def pending(self) -> int:
        """Requests queued or running (for a window that shows "the server holds the model")."""
        with self._lock:
            return len(self._cancels)

    def stop_all(self) -> None:
        with self._lock:
            for event in self._cancels:
                event.set()


class EngineGate(CancelSet):
    def __init__(self, max_waiting: int = DEFAULT_MAX_WAITING) -> None:
        super().__init__(max_waiting)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="serve-engine")

    def submit(self, fn, *args) -> Future:
        return self._pool.submit(fn, *args)

    def close(self) -> None:
        self.stop_all()
        self._pool.shutdown(wait=True, cancel_futures=True)
