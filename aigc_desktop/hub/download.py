"""Our own resumable, cancellable, verified transfer of a model file.

huggingface_hub 2.x cannot resume across runs (each attempt gets a fresh
temporary file that is deleted on failure) and has no public cancel, and its
Xet path ignores ``HF_ENDPOINT``. So the Hub library supplies the URL for the
configured endpoint, its headers (auth, user agent) and its HTTP client, and
the bytes go through here: into ``<name>.<key>.part`` in the models folder
with HTTP Range requests, checked against the Hub's sha256 and the GGUF
signature, and renamed into place only when verified. The key comes from the
repository and path, so a ``.part`` only ever resumes the file it came from.
Two files with one name (``a/m.gguf``, ``b/m.gguf``) do not overwrite each
other: the second is saved as ``b_m.gguf``. A ``.part`` is never listed as a model.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import queue
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.errors import ModelLoadError, UserError
from aigc_desktop.hub.catalog import RemoteFile
from aigc_desktop.hub.endpoint import HubConfig, hub_config
from aigc_desktop.paths import app_paths

log = logging.getLogger(__name__)

CHUNK = 1 << 20
DISK_MARGIN = 64 * 2**20
PART_SUFFIX = ".part"


class DownloadError(UserError):
    """A download failed; the message says why and whether it can resume."""


class DownloadCancelled(DownloadError):
    pass


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
                raise DownloadCancelled("Download cancelled.")
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
) -> Path:
    """Download (or resume) one file; returns the verified file's path."""
    import httpx2
    from huggingface_hub import hf_hub_url
    from huggingface_hub.utils import build_hf_headers, get_session

    from aigc_desktop.hub.client import HubUnreachable, use_app_client

    config = config or hub_config()
    config.require_online()
    use_app_client()
    dest_dir = Path(dest_dir or app_paths().models)
    dest_dir.mkdir(parents=True, exist_ok=True)
    name = Path(remote.filename).name
    part = part_path(remote, dest_dir)
    total = int(remote.size)
    if total <= 0:
        raise DownloadError(f"The Hub lists {remote.filename} with {total} bytes: an empty file is not a model.")
    if remote.sha256:  # already here? (without a sha256 the file is small: fetch it, then compare)
        for final in (dest_dir / n for n in _names(remote)):
            if _same_file(final, total, remote.sha256, cancel):
                return final
    have = part.stat().st_size if part.exists() else 0
    if have > total:
        part.unlink()
        have = 0
    free = shutil.disk_usage(dest_dir).free
    if free < total - have + DISK_MARGIN:
        raise DownloadError(
            f"Not enough disk space for {name}: it needs {_mb(total - have)} more and "
            f"{_mb(free)} is free in {dest_dir}."
        )
    hasher = _sha256_of(part, cancel) if have else hashlib.sha256()
    url = hf_hub_url(remote.repo, remote.filename, endpoint=config.endpoint)
    session = get_session()
    started = time.monotonic()
    window: list[tuple[float, int]] = [(started, have)]
    attempt = 0
    while have < total:
        if cancel is not None and cancel.is_set():
            raise DownloadCancelled(f"Download of {name} cancelled; {_mb(have)} kept to resume later.")
        headers = dict(build_hf_headers())
        if have:
            headers["Range"] = f"bytes={have}-"
        try:
            with session.stream("GET", url, headers=headers, timeout=timeout, follow_redirects=True) as resp:
                if resp.status_code == 416 and have:
                    break  # the server says we already have everything
                if resp.status_code == 404:
                    raise DownloadError(f"{remote.filename} is not in {remote.repo} on {config.endpoint}.")
                if resp.status_code in (401, 403):
                    raise DownloadError(f"{remote.repo} needs a login or accepting its licence on the Hub.")
                if resp.status_code not in (200, 206):
                    raise DownloadError(f"The Hub answered {resp.status_code} for {remote.filename}.")
                mode = "ab"
                if resp.status_code == 200 and have:
                    have, hasher, mode = 0, hashlib.sha256(), "wb"  # no range support: start over
                with part.open(mode) as fh:
                    for chunk in resp.iter_bytes(CHUNK):
                        if cancel is not None and cancel.is_set():
                            raise DownloadCancelled(
                                f"Download of {name} cancelled; {_mb(have)} kept to resume later."
                            )
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
            raise DownloadError(f"Could not reach the Hub at {config.endpoint}: {exc}. "
                                f"{_mb(have)} of {name} kept to resume later.") from exc
        except OSError as exc:
            if exc.errno == errno.ENOSPC:
                raise DownloadError(f"The disk is full; {_mb(have)} of {name} kept to resume later.") from exc
            raise DownloadError(f"Could not write {part}: {exc.strerror or exc}") from exc
        except httpx2.HTTPError as exc:
            attempt += 1
            log.warning("download of %s cut at %d bytes (attempt %d): %s", remote.filename, have, attempt, exc)
            if attempt > retries:
                raise DownloadError(
                    f"The connection broke after {_mb(have)} of {_mb(total)} ({exc.__class__.__name__}). "
                    "Start the download again to resume from there."
                ) from exc
            have = part.stat().st_size if part.exists() else 0
            hasher = _sha256_of(part, cancel) if have else hashlib.sha256()
            continue
    size = part.stat().st_size if part.exists() else 0
    if size != total:
        raise DownloadError(f"{name} arrived with {size:,} bytes instead of {total:,}; try again.")
    digest = hasher.hexdigest()
    if remote.sha256 and digest != remote.sha256.lower():
        part.unlink(missing_ok=True)
        raise DownloadError(
            f"{name} failed verification (sha256 {digest[:12]}… instead of {remote.sha256[:12]}…); "
            "the damaged file was removed."
        )
    from aigc_desktop.llm.gguf_info import check_gguf_file

    try:
        check_gguf_file(part)  # a non-LFS file has no sha256: this is what stops an HTML page
    except ModelLoadError as exc:
        part.unlink(missing_ok=True)
        raise DownloadError(f"{str(exc).replace(part.name, remote.filename)} The download was removed.") from exc
    for final in (dest_dir / n for n in _names(remote)):
        if not final.exists():
            os.replace(part, final)
            log.info("downloaded %s/%s -> %s", remote.repo, remote.filename, final)
            return final
        if _same_file(final, total, digest, cancel):
            part.unlink()
            return final
    raise DownloadError(f"{remote.filename} was not saved: other files already use the names "
                        f"{', '.join(_names(remote))} in {dest_dir}.")


@dataclass
class Job:
    id: int
    remote: RemoteFile
    cancel: threading.Event
    state: str = "queued"  # queued, running, done, failed, cancelled
    message: str = ""
    path: Path | None = None


class DownloadQueue:
    """Runs downloads one at a time on a background thread.

    Callbacks run on that thread; a GUI forwards them with queued signals.
    """

    def __init__(
        self,
        on_progress: Callable[[Job, Progress], None] | None = None,
        on_finished: Callable[[Job], None] | None = None,
        config_factory: Callable[[], HubConfig] = hub_config,
        dest_dir: Path | None = None,
    ) -> None:
        self.on_progress = on_progress
        self.on_finished = on_finished
        self.config_factory = config_factory
        self.dest_dir = dest_dir
        self.jobs: list[Job] = []
        self._queue: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._next = 1

    def add(self, remote: RemoteFile) -> Job:
        job = Job(self._next, remote, threading.Event())
        self._next += 1
        self.jobs.append(job)
        self._queue.put(job)
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._run, name="downloads", daemon=True)
            self._thread.start()
        return job

    def cancel(self, job_id: int) -> None:
        for job in self.jobs:
            if job.id == job_id:
                job.cancel.set()

    def close(self) -> None:
        for job in self.jobs:
            job.cancel.set()
        self._queue.put(None)

    def _run(self) -> None:
        while True:
            job = self._queue.get()
            if job is None:
                return
            if job.cancel.is_set():
                job.state, job.message = "cancelled", "Cancelled before it started."
            else:
                job.state = "running"
                try:
                    job.path = download(
                        job.remote, self.dest_dir, cancel=job.cancel, config=self.config_factory(),
                        progress=(lambda p, j=job: self.on_progress(j, p)) if self.on_progress else None,
                    )
                    job.state, job.message = "done", f"Saved {job.path.name}"
                except DownloadCancelled as exc:
                    job.state, job.message = "cancelled", str(exc)
                except UserError as exc:
                    job.state, job.message = "failed", str(exc)
                except Exception as exc:  # a bug: keep the thread alive, log it
                    log.exception("download job %s crashed", job.id)
                    job.state, job.message = "failed", f"Unexpected error: {exc}"
            if self.on_finished:
                self.on_finished(job)
