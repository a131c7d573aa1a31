"""The Local API's door to the window's engine thread.

``server/gate.EngineGate`` is a one-thread pool of the server's own; in the window the
server is given this gate instead, so its requests run as jobs on the engine thread
(:class:`~aigc_desktop.ui.engine.jobs.CallJob`), after and before the window's own
turns, and the ``Llama`` never sees another thread. Same interface as ``EngineGate``:
``submit(fn, *args) -> Future`` (callable from the server's threads), ``new_cancel()``,
``release(event)``, ``pending``, ``stop_all()``, ``close()``.

A request takes the engine's lease when it starts, so the window shows Stop, and Stop
(or :meth:`stop_all`) sets the cancel event of every request queued or running.
The queue is bounded as ``EngineGate``'s is (``CancelSet.max_waiting``): past it a
request gets 429 with ``Retry-After`` instead of piling up behind the window's turns.
"""

from __future__ import annotations

from concurrent.futures import Future

from aigc_desktop.server.gate import CancelSet


class ClientGate(CancelSet):
    def __init__(self, client) -> None:
        super().__init__()
        self._client = client

    def submit(self, fn, *args) -> Future:
        from aigc_desktop.ui.engine.jobs import CallJob

        future: Future = Future()
        job = CallJob(fn, args, future)
        job.id = self._client.next_id()
        self._client.post(job)
        return future

    def close(self) -> None:
        """The window's engine thread outlives the server: only stop what the server started."""
        self.stop_all()
