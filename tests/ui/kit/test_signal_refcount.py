"""PySide6 must not leak references of True: the engine worker emits ~30 signals a second.

PySide6 6.12.0's ``Signal.emit()`` returns ``True`` without taking a new
reference. On Python 3.11, where ``True`` is an ordinary counted object, each
emit lowers its refcount by one, and after a few minutes of streaming the
interpreter aborts with "Fatal Python error: bool_dealloc". pyproject.toml keeps
that release out; this test fails if an upgrade brings the bug back.
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    delta = Signal(str)
    finished = Signal(int, int, str, dict)


def test_emit_keeps_the_refcount_of_true(qapp):
    sender = _Emitter()
    received: list[str] = []
    sender.delta.connect(received.append)
    before = sys.getrefcount(True)
    for _ in range(500):
        sender.delta.emit("piece")
        sender.finished.emit(1, 2, "done", {})
    after = sys.getrefcount(True)
    assert len(received) == 500
    # Other threads may hold a few references briefly; 1,000 emits must not cost 1,000.
    assert after >= before - 20, (before, after)
