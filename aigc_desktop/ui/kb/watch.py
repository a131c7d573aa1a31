"""Folder watch: while the app is open, a change in a knowledge base's folders syncs that base.

``QFileSystemWatcher`` watches each source folder and its sub-folders (it is not recursive),
and each source file given on its own. A burst of changes (an editor's save writes a
temporary file, renames it, touches the folder) is merged: the base is asked to sync once,
``delay_ms`` after the last change (a couple of seconds). The sync itself is incremental
(unchanged size and mtime are skipped by the core), so a spurious wake-up costs a folder scan.

Qt's watcher rather than ``watchfiles``: it needs no thread of its own and its signals arrive
on the GUI thread, where the sync is queued as an engine job.

Signals:
    syncRequested(str name)   the base ``name`` changed on disk (debounced)
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal, Slot

DELAY_MS = 2000
MAX_DIRS = 2000  # inotify watches are a shared, limited resource: a huge tree is watched at its top levels only


class FolderWatch(QObject):
    syncRequested = Signal(str)

    def __init__(self, parent: QObject | None = None, delay_ms: int = DELAY_MS) -> None:
        super().__init__(parent)
        self.watcher = QFileSystemWatcher(self)
        self.watcher.directoryChanged.connect(self._changed)
        self.watcher.fileChanged.connect(self._changed)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(delay_ms)
        self.timer.timeout.connect(self._fire)
        self._owners: dict[str, set[str]] = {}  # watched path -> the bases it belongs to
        self._pending: set[str] = set()

    def set_sources(self, sources: dict[str, list[str]]) -> None:
        """Watch exactly these sources: ``{base name: [file or folder path, …]}``."""
        owners: dict[str, set[str]] = {}
        for name, paths in sources.items():
            for path in paths:
                for watched in _paths_to_watch(Path(path)):
                    owners.setdefault(watched, set()).add(name)
        gone = [p for p in self._owners if p not in owners]
        new = [p for p in owners if p not in self._owners]
        if gone:
            self.watcher.removePaths(gone)
        if new:
            self.watcher.addPaths(new)
        self._owners = owners

    def watched(self) -> list[str]:
        return self.watcher.directories() + self.watcher.files()

    @Slot(str)
    def _changed(self, path: str) -> None:
        names = set(self._owners.get(path, ()))
        if not names:  # a path under a watched folder (Qt reports the folder itself, but be lenient)
            names = {n for p, ns in self._owners.items() if path.startswith(p.rstrip(os.sep) + os.sep) for n in ns}
        if not names:
            return
        self._pending |= names
        if path not in self.watcher.files() and os.path.isfile(path):
            self.watcher.addPath(path)  # an editor's save replaced the file: watch the new one
        self.timer.start()  # restarts: the sync waits for the burst to settle

    @Slot()
    def _fire(self) -> None:
        pending, self._pending = sorted(self._pending), set()
        for name in pending:
            self.syncRequested.emit(name)


def _paths_to_watch(path: Path) -> list[str]:
    """A file: itself (and its folder, so a save by rename is seen). A folder: it and its sub-folders."""
    if path.is_file():
        return [str(path), str(path.parent)]
    if not path.is_dir():
        parent = path.parent
        return [str(parent)] if parent.is_dir() else []  # a source that is gone: its return is seen
    found = [str(path)]
    for root, dirs, _files in os.walk(path):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for d in dirs:
            if len(found) >= MAX_DIRS:
                return found
            found.append(os.path.join(root, d))
    return found
