"""One data folder, several processes: detect a second app window.

SQLite in WAL mode with a busy timeout already makes concurrent writers safe
(a CLI chat while the window is open, or two windows), so a second window is
allowed. The lock says who may be writing replies: the window and a CLI chat
hold it (``open_runtime(hold_lock=True)``), and only a process that gets it marks
replies left ``streaming`` as ``interrupted`` — a reply another process is
still writing is never touched. A second window uses it to tell the person
that another window is open.

The OS lock is filelock's ``FileLock`` (flock on Unix, msvcrt on Windows), so
the kernel drops it when the process dies, even on kill -9. The options matter:

- ``timeout=0``: a held lock is refused at once (``Timeout``), never waited for.
- ``thread_local=False`` and no ``is_singleton``: each ``InstanceLock`` has its
  own descriptor, so a second one on the same folder in the same process (two
  runtimes, as the tests open) is refused like another process would be.
- ``fallback_to_soft=False``: on a filesystem without flock, filelock would
  otherwise fall back to a marker file, which a killed process leaves behind.
  There we report the lock as not ours instead (nobody marks replies interrupted).
- ``preserve_lock_file=True`` and ``on_acquired``: the file stays in place and the
  holder writes its pid into it, for a person looking at a stuck folder.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from filelock import FileLock, Timeout

log = logging.getLogger(__name__)

LOCK_NAME = "app.lock"


def _write_pid(fd: int) -> None:
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, str(os.getpid()).encode())


class InstanceLock:
    """An OS-level lock on ``<data>/app.lock``, released when the process exits (even on kill -9)."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self._lock = FileLock(self.path, timeout=0, thread_local=False, fallback_to_soft=False,
                              preserve_lock_file=True, on_acquired=_write_pid)

    def acquire(self) -> bool:
        """True if this is the only app instance on the data folder."""
        if self._lock.is_locked:  # filelock would count a second hold; we hold it once
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire()
        except Timeout:
            return False
        except OSError as exc:  # no flock on this filesystem, or no right to the file
            log.warning("instance lock %s unavailable: %s", self.path, exc)
            return False
        return True

    def release(self) -> None:
        if self._lock.is_locked:
            self._lock.release(force=True)
