"""The settings store's changes on the GUI thread.

``SettingsStore`` calls its listeners on the thread that changed a setting (a download
thread turning offline on, the CLI's write seen on re-read, a dialog on the GUI thread).
Widgets must hear them on the GUI thread, so the window makes one bridge: its listener
re-emits each change through a queued signal to a bound slot of this GUI-thread object,
which emits :attr:`changed`. Every part that shows settings connects to it, instead of
each keeping its own listener, signal and hop.

Signals of SettingsBridge:
    changed(object settings, object names)   the new ``Settings`` and the set of changed names
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot

from aigc_desktop.ui.kit.threads import gui_only


class SettingsBridge(QObject):
    changed = Signal(object, object)
    _arrived = Signal(object, object)  # from the thread that changed a setting

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = None
        self._arrived.connect(self._relay, Qt.QueuedConnection)

    def attach(self, store) -> None:
        """Listen to ``store`` (the one settings writer); replaces any store heard before."""
        self.detach()
        self._store = store
        store.add_listener(self._hear)

    def detach(self) -> None:
        if self._store is not None:
            self._store.remove_listener(self._hear)
            self._store = None

    def _hear(self, settings, names) -> None:
        """The store's listener, on whichever thread changed a setting."""
        try:
            self._arrived.emit(settings, frozenset(names))
        except RuntimeError:  # the window is gone, its bridge with it
            pass

    @Slot(object, object)
    @gui_only
    def _relay(self, settings, names) -> None:
        self.changed.emit(settings, names)
