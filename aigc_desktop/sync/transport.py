"""Where sync files go: the :class:`Transport` protocol and the folder transport.

A transport sees a tree of plain files under one root, ``AIGC-Sync/<library>/`` in the
place the person chose. Paths are "/"-separated and relative to that root
(``devices/<device>/ops-…jsonl.gz``). The sync engine asks only five things of it:

- ``list(prefix)``: the entries directly inside the folder ``prefix`` ("" is the root),
  a missing folder being empty. A file's :class:`Entry` carries its size; a subfolder's
  path ends with "/" (size 0). One level at a time, because many WebDAV servers
  (坚果云 among them) refuse ``Depth: infinity``.
- ``read(path)``: the whole file.
- ``write(path, data)``: atomic: written under a temporary name (ending ``.tmp``) and then
  renamed to ``path``; never overwrites an existing final name (:class:`AlreadyThere`).
  A kill between the two leaves only a ``.tmp`` file, which readers skip.
- ``ensure_dir(path)``: make the folder and its parents.
- ``describe()``: the target in words for the status bar ("folder D:/Dropbox/…").

Errors are :class:`TransportError` (a :class:`~aigc_desktop.errors.UserError`) with plain
words: folder missing, disk full, no permission (the WebDAV transport adds 401 and the like).

:class:`FolderTransport` has no network code: a folder inside Dropbox, 坚果云, OneDrive,
iCloud Drive or Syncthing is moved between computers by that program. Files are only ever
added under new names, so those programs never make "conflicted copy" files.
"""

from __future__ import annotations

import errno
import os
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _

TMP_SUFFIX = ".tmp"


@dataclass(frozen=True)
class Entry:
    path: str  # relative to the transport's root; a folder's ends with "/"
    size: int

    @property
    def is_dir(self) -> bool:
        return self.path.endswith("/")

    @property
    def name(self) -> str:
        return self.path.rstrip("/").rsplit("/", 1)[-1]


class TransportError(UserError):
    """The shared place cannot be read or written; the message says why in plain words."""


class AlreadyThere(TransportError):
    """A file of that name is already in the shared place (files are never overwritten)."""


class Transport(Protocol):
    def list(self, prefix: str) -> list[Entry]: ...

    def read(self, path: str) -> bytes: ...

    def write(self, path: str, data: bytes) -> None: ...

    def ensure_dir(self, path: str) -> None: ...

    def describe(self) -> str: ...


def _clean(path: str) -> str:
    """A relative "/"-path with no ".." (a name from a sync file is untrusted)."""
    parts = [p for p in path.replace("\\", "/").split("/") if p and p != "."]
    if any(p == ".." for p in parts):
        raise TransportError(_("Invalid path in the sync folder: {path}").format(path=path))
    return "/".join(parts)


class FolderTransport:
    """Sync files in a folder on this computer (often one that another program syncs)."""

    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def describe(self) -> str:
        return _("folder {path}").format(path=self.root)

    def _path(self, path: str) -> Path:
        rel = _clean(path)
        return self.root / rel if rel else self.root

    def _error(self, exc: OSError, path: Path) -> TransportError:
        if exc.errno == errno.ENOSPC:
            return TransportError(_("The disk holding the sync folder is full ({path}).").format(path=path))
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return TransportError(_("The sync folder cannot be written (no permission): {path}").format(path=path))
        if exc.errno == errno.ENOENT:
            return TransportError(_("The sync folder is missing: {path}. Is the drive connected?").format(path=path))
        return TransportError(_("The sync folder could not be used ({path}): {reason}").format(
            path=path, reason=exc.strerror or exc))

    def _check_base(self) -> None:
        """The folder the person picked must exist; only ``AIGC-Sync/<library>`` inside it is made."""
        base = self.root.parent.parent if self.root.parent.name == "AIGC-Sync" else self.root
        if not base.is_dir():
            raise TransportError(_("The sync folder is missing: {path}. Is the drive connected?").format(path=base))

    def list(self, prefix: str) -> list[Entry]:
        folder = self._path(prefix)
        base = _clean(prefix)
        out = []
        try:
            with os.scandir(folder) as it:
                for d in it:
                    rel = f"{base}/{d.name}" if base else d.name
                    if d.is_dir():
                        out.append(Entry(rel + "/", 0))
                    elif d.is_file():
                        out.append(Entry(rel, d.stat().st_size))
        except FileNotFoundError:
            self._check_base()
            return []
        except OSError as exc:
            raise self._error(exc, folder) from exc
        return sorted(out, key=lambda e: e.path)

    def read(self, path: str) -> bytes:
        target = self._path(path)
        try:
            return target.read_bytes()
        except OSError as exc:
            raise self._error(exc, target) from exc

    def ensure_dir(self, path: str) -> None:
        self._check_base()
        target = self._path(path)
        try:
            target.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise self._error(exc, target) from exc

    def write(self, path: str, data: bytes) -> None:
        target = self._path(path)
        if target.exists():
            raise AlreadyThere(_("{path} is already in the sync folder.").format(path=path))
        tmp = target.with_name(f"{target.name}.{uuid.uuid4().hex[:8]}{TMP_SUFFIX}")
        try:
            with open(tmp, "xb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            # os.link fails if the final name appeared meanwhile (rename would replace it).
            try:
                os.link(tmp, target)
                tmp.unlink()
            except FileExistsError:
                tmp.unlink(missing_ok=True)
                raise AlreadyThere(_("{path} is already in the sync folder.").format(path=path)) from None
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK, errno.ENOSYS):
                    raise
                os.replace(tmp, target)  # a file system without hard links (FAT, some network shares)
        except AlreadyThere:
            raise
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise self._error(exc, target) from exc
