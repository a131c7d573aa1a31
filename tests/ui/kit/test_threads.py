"""Slots run on the GUI thread; the GUI-thread check can fail."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Qt, Signal

from tests.ui.conftest import send_and_wait


class _Sender(QObject):
    ping = Signal(str)


class _Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.got = []

    from PySide6.QtCore import Slot

    @Slot(str)
    def _plain(self, text: str) -> None:
        self.got.append(text)


def test_gui_only_slot_called_from_a_worker_thread_is_caught(qapp):
    """The GUI-thread check can fail: a slot reached by a direct connection from a worker thread is recorded."""
    from aigc_desktop.ui.kit import threads

    receiver = _Receiver()
    slot = threads.gui_only(receiver._plain)
    sender = _Sender()
    sender.ping.connect(slot, Qt.DirectConnection)
    worker = threading.Thread(target=sender.ping.emit, args=("from a worker",), name="worker")
    worker.start()
    worker.join(10)
    try:
        assert receiver.got == ["from a worker"]
        assert threads.violations and "on thread worker" in threads.violations[0]
    finally:
        threads.violations.clear()


def test_worker_signals_reach_slots_on_the_gui_thread(qtbot, make_window):
    """A real turn: every engine-thread signal is received on the GUI thread (the autouse rule checks)."""
    from aigc_desktop.ui.kit import threads

    win = make_window()
    send_and_wait(qtbot, win, "Say hello.")
    assert threads.violations == []
    assert win.engine.worker.thread() is win.engine.thread_ and win.engine.thread() is win.thread()
