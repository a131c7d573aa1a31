"""Looking up the recommended model's file on the configured Hub (runs on a worker thread).

A connection failure is returned as :class:`Unreachable`, a value, so the panel
can offer the mirror instead of showing an error.
"""

from __future__ import annotations

from aigc_desktop.errors import UserError
from aigc_desktop.hub.catalog import CatalogEntry, RemoteFile, list_gguf_files
from aigc_desktop.i18n import _
from aigc_desktop.ui.welcome.text import TEXT


class Unreachable:
    """The lookup's result when no connection to the Hub could be made (a value, so the panel can offer the mirror)."""

    def __init__(self, message: str) -> None:
        self.message = message


def _connection_error(exc: BaseException) -> bool:
    import httpx2

    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        if isinstance(exc, httpx2.TransportError):  # includes HubUnreachable and HubUnavailable
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def find_remote(entry: CatalogEntry, config) -> RemoteFile | Unreachable:
    """The Hub's current listing of the catalog entry's file (size, sha256); runs on a worker thread."""
    try:
        files = list_gguf_files(entry.repo, config=config)
    except UserError as exc:
        if _connection_error(exc):
            return Unreachable(str(exc))
        raise
    for f in files:  # a split set may be listed as one entry whose parts hold the catalog's file
        if f.filename == entry.file or any(p.filename == entry.file for p in getattr(f, "parts", ())):
            return f
    raise UserError(_(TEXT["gone"]).format(file=entry.file, repo=entry.repo, host=host_of(config.endpoint)))


def host_of(endpoint: str) -> str:
    return endpoint.split("://", 1)[-1].rstrip("/")


def eta_text(seconds) -> str:
    if seconds is None:
        return "?"
    seconds = int(seconds)
    if seconds >= 90:
        return _("{minutes} min").format(minutes=seconds // 60)
    return _("{seconds} s").format(seconds=seconds)
