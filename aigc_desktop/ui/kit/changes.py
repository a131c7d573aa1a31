"""The window's change bus: the stores announce each committed write
(:mod:`aigc_desktop.store.changes`), and views refresh themselves from it (Anki's
``operation_did_execute``), instead of every controller remembering to call
``refresh_sidebar()``.

A write made on the GUI thread (rename, pin, delete) is delivered at once, so the view
is current when the action returns. Writes on other threads (the engine thread for a
reply, a background op for an import) are re-emitted by a queued signal to this
GUI-thread object, and those that arrive together (a reply's checkpoints, a draft-all)
are merged and delivered once, on the next turn of the event loop.

Signals of ChangeBus:
    changed(object change)   a frozenset of (table, op) pairs; see ``store.changes.touches``
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, QThread, QTimer, Signal, Slot

from aigc_desktop.ui.kit.threads import gui_only


class ChangeBus(QObject):
    changed = Signal(object)
    _arrived = Signal(object)  # from any thread

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pending: set = set()
        self._feed = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._deliver)
        self._arrived.connect(self._collect, Qt.QueuedConnection)

    def attach(self, feed) -> None:
        """Listen to a database's :class:`~aigc_desktop.store.changes.ChangeFeed`."""
        self.detach()
        self._feed = feed
        feed.add_listener(self._announce)

    def detach(self) -> None:
        if self._feed is not None:
            self._feed.remove_listener(self._announce)
            self._feed = None

    def _announce(self, change) -> None:
        """The feed's listener, on the thread that committed."""
        if QThread.currentThread() is self.thread():
            self.changed.emit(change)
        else:
            self._arrived.emit(change)

    @Slot(object)
    @gui_only
    def _collect(self, change) -> None:
        self._pending |= change
        self._timer.start()

    @Slot()
    def _deliver(self) -> None:
        change, self._pending = frozenset(self._pending), set()
        if change:
            self.changed.emit(change)
