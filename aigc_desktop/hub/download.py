"""Our own resumable, cancellable, verified transfer of a model file.

huggingface_hub 2.x cannot resume across runs (each attempt gets a fresh
temporary file that is deleted on failure) and has no public cancel, and its
Xet path ignores ``HF_ENDPOINT``. So the Hub library supplies the URL for the
configured endpoint, its headers (auth, user agent) and its HTTP client, and
the bytes go through here: into ``<name>.<key>.part`` in the models folder
with HTTP Range requests, checked against the Hub's sha256 and the GGUF
signature, and renamed into place only when verified. The key comes from the
repository and path, so a ``.part`` only ever resumes the file it came from.
Next to each ``.part`` a small JSON sidecar (``<part>.json``) says which remote
file it belongs to, so a window opened later can offer to resume it.

The queue that runs downloads one after another is ``hub/queue.py``; a split GGUF
set is fetched part by part through this module by ``hub/splits.py``.
A cut connection that made progress is retried without limit (after a growing,
cancellable pause); only ``retries`` failures in a row without a new byte end it.
Two files with one name (``a/m.gguf``, ``b/m.gguf``) do not overwrite each
other: the second is saved as ``b_m.gguf``. A ``.part`` is never listed as a model.
"""

from __future__ import annotations

import errno
import hashlib
import json
import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.diskspace import MARGIN, require_free_space
from aigc_desktop.errors import ModelLoadError, UserError
from aigc_desktop.hub.endpoint import HubConfig, hub_config
from aigc_desktop.hub.remote import RemoteFile
from aigc_desktop.i18n import _
from aigc_desktop.paths import app_paths

log = logging.getLogger(__name__)

CHUNK = 1 << 20
DISK_MARGIN = MARGIN  # the name hub/ used before diskspace.py
PART_SUFFIX = ".part"
SIDECAR_SUFFIX = ".json"  # <name>.<key>.part.json
MAX_BACKOFF = 30.0


class DownloadError(UserError):
    """A download failed; the message says why and whether it can resume."""


class DownloadCancelled(DownloadError):
    pass


class _Transient(Exception):
    """The Hub answered a server error or "too many requests": worth another attempt."""

    def __init__(self, text: str, status: int) -> None:
        super().__init__(text)
        self.status = status


def _answered(status: int, filename: str, have: int, total: int) -> str:
    """The Hub refused with ``status``; says what is kept when bytes are."""
    if not have:
        return _("The Hub answered {status} for {file}.").format(status=status, file=filename)
    return _("The Hub answered {status} for {file}. {have} of {total} is kept; Resume (or the same "
             "download command) continues from there.").format(
        status=status, file=filename, have=_mb(have), total=_mb(total))


@dataclass(frozen=True)
class Progress:
    done: int
    total: int
    speed: float  # bytes per second, recent average
    eta: float | None  # seconds

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


def _mb(n: float) -> str:
    return f"{n / 2**20:,.1f} MB"


def part_path(remote: RemoteFile, dest_dir: Path) -> Path:
    key = hashlib.sha256(f"{remote.repo}/{remote.filename}".encode()).hexdigest()[:10]
    return Path(dest_dir) / f"{Path(remote.filename).name}.{key}{PART_SUFFIX}"


def sidecar_path(part: Path) -> Path:
    return part.with_name(part.name + SIDECAR_SUFFIX)


def _write_sidecar(remote: RemoteFile, part: Path, endpoint: str) -> None:
    data = {"repo": remote.repo, "filename": remote.filename, "size": remote.size,
            "sha256": remote.sha256, "endpoint": endpoint}
    try:
        sidecar_path(part).write_text(json.dumps(data, indent=1), encoding="utf-8")
    except OSError as exc:  # only resuming from a later window needs it
        log.warning("cannot write %s: %s", sidecar_path(part), exc)


@dataclass(frozen=True)
class Unfinished:
    """A ``.part`` left on disk by an earlier download, with the remote file it belongs to."""

    remote: RemoteFile
    part: Path
    kept: int  # bytes already on disk
    endpoint: str


def unfinished_downloads(dest_dir: Path | None = None) -> list[Unfinished]:
    """Downloads that stopped part-way, found from their sidecars (oldest first)."""
    folder = Path(dest_dir or app_paths().models)
    found = []
    for side in sorted(folder.glob(f"*{PART_SUFFIX}{SIDECAR_SUFFIX}"), key=lambda p: p.stat().st_mtime):
        part = side.with_name(side.name.removesuffix(SIDECAR_SUFFIX))
        try:
            data = json.loads(side.read_text(encoding="utf-8"))
            remote = RemoteFile(str(data["repo"]), str(data["filename"]), int(data["size"]), data.get("sha256"))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable download record %s: %s", side, exc)
            continue
        if part_path(remote, folder) != part:
            log.warning("ignoring download record %s: it does not match its .part", side)
            continue
        kept = part.stat().st_size if part.is_file() else 0
        found.append(Unfinished(remote, part, kept, str(data.get("endpoint") or "")))
    return found


def discard_partial(remote: RemoteFile, dest_dir: Path | None = None) -> None:
    """Delete an unfinished download's ``.part`` and its sidecar."""
    part = part_path(remote, Path(dest_dir or app_paths().models))
    try:
        _remove_part(part)
    except OSError as exc:
        raise DownloadError(_("Could not remove {name}: {reason}").format(name=part.name, reason=exc.strerror or exc)) from exc


def _remove_part(part: Path) -> None:
    part.unlink(missing_ok=True)
    sidecar_path(part).unlink(missing_ok=True)


def _cancelled(name: str, have: int) -> DownloadCancelled:
    return DownloadCancelled(_("Download of {name} cancelled; {have} kept to resume later.").format(name=name, have=_mb(have)))


def _backoff(failures: int, base: float) -> float:
    """The wait before the next attempt after ``failures`` in a row: doubling, capped."""
    return min(MAX_BACKOFF, base * 2 ** (failures - 1))


def _pause(seconds: float, cancel: threading.Event | None, name: str, have: int) -> None:
    """Wait before the next attempt; Cancel ends the wait at once."""
    if seconds > 0 and (cancel or threading.Event()).wait(seconds):
        raise _cancelled(name, have)


def _names(remote: RemoteFile) -> list[str]:
    """File names to try in turn: the plain name, then ones that say where it came from."""
    path = Path(remote.filename)
    names = [path.name]
    if path.parent != Path("."):
        names.append(f"{'_'.join(path.parent.parts)}_{path.name}")
    names.append(f"{remote.repo.replace('/', '_')}_{'_'.join(path.parts)}")
    return names


def _same_file(path: Path, size: int, sha256: str, cancel: threading.Event | None) -> bool:
    return (path.is_file() and path.stat().st_size == size
            and _sha256_of(path, cancel).hexdigest() == sha256.lower())


def _sha256_of(path: Path, cancel: threading.Event | None) -> "hashlib._Hash":
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK * 4):
            if cancel is not None and cancel.is_set():
                raise DownloadCancelled(_("Download cancelled."))
            h.update(chunk)
    return h


def download(
    remote: RemoteFile,
    dest_dir: Path | None = None,
    *,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    config: HubConfig | None = None,
    retries: int = 3,
    timeout: float = 30.0,
    backoff: float = 1.0,
) -> Path:
    """Download (or resume) one file; returns the verified file's path.

    ``retries`` is how many failed attempts in a row *without a new byte* are
    retried (0: none); attempt ``n`` of such a run first waits
    ``backoff * 2**(n-1)`` seconds, at most :data:`MAX_BACKOFF`.
    """
    from aigc_desktop.hub.client import use_app_client

    config = config or hub_config()
    config.require_online()
    use_app_client()
    dest_dir = Path(dest_dir or app_paths().models)
    dest_dir.mkdir(parents=True, exist_ok=True)
    name = Path(remote.filename).name
    part = part_path(remote, dest_dir)
    total = int(remote.size)
    if total <= 0:
        raise DownloadError(_("The Hub lists {file} with {size} bytes: an empty file is not a model.").format(file=remote.filename, size=total))
    if remote.sha256:  # already here? (without a sha256 the file is small: fetch it, then compare)
        for final in (dest_dir / n for n in _names(remote)):
            if _same_file(final, total, remote.sha256, cancel):
                _remove_part(part)  # a leftover .part of a file that is complete
                return final
    have = part.stat().st_size if part.exists() else 0
    if have > total:
        _remove_part(part)
        have = 0
    require_free_space(dest_dir, total - have, name, error=DownloadError)
    _write_sidecar(remote, part, config.endpoint)
    try:
        return _transfer(remote, dest_dir, part, have, config, progress, cancel, retries, timeout, backoff)
    finally:
        if not part.exists() or part.stat().st_size == 0:  # done, removed, or nothing to resume
            _remove_part(part)


def _transfer(remote, dest_dir, part, have, config, progress, cancel, retries, timeout, backoff) -> Path:
    import httpx2
    from huggingface_hub import hf_hub_url
    from huggingface_hub.utils import build_hf_headers, get_session

    from aigc_desktop.hub.client import HubUnreachable

    name = Path(remote.filename).name
    total = int(remote.size)
    hasher = _sha256_of(part, cancel) if have else hashlib.sha256()
    url = hf_hub_url(remote.repo, remote.filename, endpoint=config.endpoint)
    session = get_session()
    started = time.monotonic()
    window: list[tuple[float, int]] = [(started, have)]
    failures = 0  # failed attempts in a row that brought no new byte
    received = False  # did this call get any byte yet?
    while have < total:
        if cancel is not None and cancel.is_set():
            raise _cancelled(name, have)
        attempt_start = have
        headers = dict(build_hf_headers())
        if have:
            headers["Range"] = f"bytes={have}-"
        try:
            with session.stream("GET", url, headers=headers, timeout=timeout, follow_redirects=True) as resp:
                if resp.status_code == 416 and have:
                    break  # the server says we already have everything
                if resp.status_code == 404:
                    raise DownloadError(_("{file} is not in {repo} on {endpoint}.").format(file=remote.filename, repo=remote.repo, endpoint=config.endpoint))
                if resp.status_code in (401, 403):
                    raise DownloadError(_("{repo} needs a login or accepting its licence on the Hub.").format(repo=remote.repo))
                if resp.status_code >= 500 or resp.status_code == 429:  # a passing fault: retried below
                    raise _Transient(f"HTTP {resp.status_code}", resp.status_code)
                if resp.status_code not in (200, 206):
                    raise DownloadError(_answered(resp.status_code, remote.filename, have, total))
                mode = "ab"
                if resp.status_code == 200 and have:
                    have, hasher, mode = 0, hashlib.sha256(), "wb"  # no range support: start over
                with part.open(mode) as fh:
                    for chunk in resp.iter_bytes(CHUNK):
                        if cancel is not None and cancel.is_set():
                            raise _cancelled(name, have)
                        fh.write(chunk)
                        hasher.update(chunk)
                        have += len(chunk)
                        if progress is not None:
                            now = time.monotonic()
                            window.append((now, have))
                            while len(window) > 2 and now - window[0][0] > 5:
                                window.pop(0)
                            span = now - window[0][0]
                            speed = (have - window[0][1]) / span if span > 0 else 0.0
                            eta = (total - have) / speed if speed > 0 else None
                            progress(Progress(have, total, speed, eta))
        except DownloadError:
            raise
        except HubUnreachable as exc:
            # A dead Hub at the start fails fast; losing it mid-file (a flaky line) is retried below.
            if not received or failures >= retries:
                raise DownloadError(_("Could not reach the Hub at {endpoint}: {error}. {have} of {name} kept "
                                      "to resume later.").format(
                    endpoint=config.endpoint, error=exc, have=_mb(have), name=name)) from exc
            failures += 1
            log.warning("download of %s: Hub unreachable at %d bytes (%d failed in a row): %s",
                        remote.filename, have, failures, exc)
            _pause(_backoff(failures, backoff), cancel, name, have)
            continue
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DownloadError(_("The disk is full; {have} of {name} kept to resume later.").format(have=_mb(have), name=name)) from exc
            raise DownloadError(_("Could not write {path}: {reason}").format(path=part, reason=exc.strerror or exc)) from exc
        except (httpx2.HTTPError, _Transient) as exc:
            have = part.stat().st_size if part.exists() else 0
            received = received or have > attempt_start
            failures = 1 if have > attempt_start else failures + 1
            log.warning("download of %s stopped at %d bytes (%d failed in a row): %s",
                        remote.filename, have, failures, exc)
            if failures > retries:
                if isinstance(exc, _Transient):
                    raise DownloadError(_answered(exc.status, remote.filename, have, total)) from exc
                raise DownloadError(
                    _("The connection broke after {have} of {total} ({error}). "
                      "Start the download again to resume from there.").format(
                        have=_mb(have), total=_mb(total), error=exc.__class__.__name__)
                ) from exc
            _pause(_backoff(failures, backoff), cancel, name, have)
            hasher = _sha256_of(part, cancel) if have else hashlib.sha256()
            continue
    size = part.stat().st_size if part.exists() else 0
    if size != total:
        raise DownloadError(_("{name} arrived with {size:,} bytes instead of {total:,}; try again.").format(name=name, size=size, total=total))
    digest = hasher.hexdigest()
    if remote.sha256 and digest != remote.sha256.lower():
        _remove_part(part)
        raise DownloadError(
            _("{name} failed verification (sha256 {got}… instead of {want}…); "
              "the damaged file was removed.").format(name=name, got=digest[:12], want=remote.sha256[:12])
        )
    from aigc_desktop.llm.gguf_info import check_gguf_file

    try:
        # A non-LFS file has no sha256: this stops an HTML page. The deep check (as import
        # does) stops a GGUF that was uploaded truncated, which its own sha256 cannot.
        check_gguf_file(part, deep=True)
    except ModelLoadError as exc:
        _remove_part(part)
        raise DownloadError(_("{problem} The download was removed.").format(problem=str(exc).replace(part.name, remote.filename))) from exc
    for final in (dest_dir / n for n in _names(remote)):
        if not final.exists():
            os.replace(part, final)
            log.info("downloaded %s/%s -> %s", remote.repo, remote.filename, final)
            return final
        if _same_file(final, total, digest, cancel):
            _remove_part(part)
            return final
    raise DownloadError(_("{file} was not saved: other files already use the names {names} in {folder}.").format(
        file=remote.filename, names=", ".join(_names(remote)), folder=dest_dir))
