"""The Local API's door to the window's engine thread.

``server/gate.EngineGate`` is a one-thread pool of the server's own; in the window the
server is given this gate instead, so its requests run as jobs on the engine thread
(:class:`~aigc_desktop.ui.engine.jobs.CallJob`), after and before the window's own
turns, and the ``Llama`` never sees another thread. Same interface as ``EngineGate``:
``submit(fn, *args) -> Future`` (callable from the server's threads), ``new_cancel()``,
``release(event)``, ``pending``, ``stop_all()``, ``close()``.

A request takes the engine's lease when it starts, so the window shows Stop, and Stop
(or :meth:`stop_all`) sets the cancel event of every request queued or running.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future


class ClientGate:
    def __init__(self, client) -> None:
        self._client = client
        self._cancels: set[threading.Event] = set()
        self._lock = threading.Lock()

    def new_cancel(self) -> threading.Event:
        event = threading.Event()
        with self._lock:
            self._cancels.add(event)
        return event

    def release(self, event: threading.Event) -> None:
        with self._lock:
            self._cancels.discard(event)

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._cancels)

    def submit(self, fn, *args) -> Future:
        from aigc_desktop.ui.engine.jobs import CallJob

        future: Future = Future()
        job = CallJob(fn, args, future)
        job.id = self._client.next_id()
        self._client.post(job)
        return future

    def stop_all(self) -> None:
        with self._lock:
            for event in self._cancels:
                event.set()

    def close(self) -> None:
        """The window's engine thread outlives the server: only stop what the server started."""
        self.stop_all()
