"""One data folder, several processes: detect a second app window.

SQLite in WAL mode with a busy timeout already makes concurrent writers safe
(a CLI chat while the window is open, or two windows), so a second window is
allowed. The lock says who may be writing replies: the window and a CLI chat
hold it (``open_runtime(hold_lock=True)``), and only a process that gets it marks
replies left ``streaming`` as ``interrupted`` — a reply another process is
still writing is never touched. A second window uses it to tell the person
that another window is open.
"""

from __future__ import annotations

import os
from pathlib import Path

LOCK_NAME = "app.lock"


class InstanceLock:
    """An OS-level lock on ``<data>/app.lock``, released when the process exits (even on kill -9)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self._fh = None

    def acquire(self) -> bool:
        """True if this is the only app instance on the data folder."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fh = open(self.path, "a+")
        try:
            if os.name == "nt":  # pragma: no cover - Windows
                import msvcrt

                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            fh.close()
            return False
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        self._fh = fh
        return True

    def release(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
