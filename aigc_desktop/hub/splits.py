"""Split GGUF sets: one model stored as ``<name>-00001-of-0000N.gguf`` and its siblings.

llama.cpp's ``gguf-split`` (and the ``gguf`` package's writer) write such sets: each
part carries ``split.no`` / ``split.count`` / ``split.tensors.count`` in its header and
the first part has all the metadata. llama.cpp loads a set from the first part's path
and finds the others **by name in the same folder** (``llama_split_prefix``), so the
parts are recognised by their names too (``llm/split_names.py``, re-exported here), and
must be saved side by side under those names. A Hub listing's parts are grouped into
one entry by ``hub/remote.group_remote``. The app treats a set as one model: listed
once (the name without the suffix, the size of all parts), downloaded whole, deleted
whole, loaded from part 1.

Where a set came from is kept next to its parts in a small record
(``<name>.<key>.set.json``: repository, endpoint, each part's size and sha256), so a
set left incomplete (a part missing, or still a ``.part``) can be resumed later from
the Models window, or by running the same ``models download`` command again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.diskspace import require_free_space
from aigc_desktop.hub.download import (
    DownloadError,
    Progress,
    discard_partial,
    download,
    part_path,
)
from aigc_desktop.hub.endpoint import HubConfig, hub_config
from aigc_desktop.hub.remote import RemoteFile, find_remote, group_remote  # noqa: F401 (re-exported)
from aigc_desktop.i18n import N_, _
from aigc_desktop.llm.split_names import (  # noqa: F401 (re-exported: callers import the names from here)
    PARTS_LABEL,
    SPLIT,
    model_name,
    part_name,
    parts_label,
    set_filename,
    split_of,
)
from aigc_desktop.paths import app_paths

log = logging.getLogger(__name__)

RECORD_SUFFIX = ".set.json"

# Shown through _() where they are used.
INCOMPLETE = N_("incomplete: {have} of {count} parts")
MISSING_ON_HUB = N_("The Hub lists only {have} of the {count} parts of {name}; it cannot be downloaded.")
NOT_SIDE_BY_SIDE = N_("The parts of {name} could not be saved side by side under their own names "
                      "(other files use them) in {folder}.")


# -- where a set came from -----------------------------------------------------------

def record_path(remote: RemoteFile, dest_dir: Path) -> Path:
    key = hashlib.sha256(f"{remote.repo}/{remote.filename}".encode()).hexdigest()[:10]
    return Path(dest_dir) / f"{Path(remote.filename).stem}.{key}{RECORD_SUFFIX}"


def _write_record(remote: RemoteFile, dest_dir: Path, endpoint: str) -> None:
    data = {"repo": remote.repo, "filename": remote.filename, "endpoint": endpoint,
            "parts": [{"filename": p.filename, "size": p.size, "sha256": p.sha256} for p in remote.parts]}
    try:
        record_path(remote, dest_dir).write_text(json.dumps(data, indent=1), encoding="utf-8")
    except OSError as exc:  # only resuming from a later window needs it
        log.warning("cannot write the record of %s: %s", remote.filename, exc)


def recorded_sets(dest_dir: Path | None = None) -> list[RemoteFile]:
    """Every split set whose download was started into this folder (oldest first)."""
    folder = Path(dest_dir or app_paths().models)
    found = []
    for path in sorted(folder.glob(f"*{RECORD_SUFFIX}"), key=lambda p: p.stat().st_mtime):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            repo = str(data["repo"])
            parts = tuple(RemoteFile(repo, str(p["filename"]), int(p["size"]), p.get("sha256"))
                          for p in data["parts"])
            remote = RemoteFile(repo, str(data["filename"]), sum(p.size for p in parts), None, parts)
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("ignoring unreadable set record %s: %s", path, exc)
            continue
        if record_path(remote, folder) == path and parts:
            found.append(remote)
    return found


def _final(part: RemoteFile, dest_dir: Path) -> Path:
    return Path(dest_dir) / Path(part.filename).name


def _complete(part: RemoteFile, dest_dir: Path) -> bool:
    final = _final(part, dest_dir)
    return final.is_file() and final.stat().st_size == part.size


def kept_bytes(remote: RemoteFile, dest_dir: Path | None = None) -> int:
    """Bytes of a file or of a set's parts already on disk (finished parts and ``.part`` files)."""
    folder = Path(dest_dir or app_paths().models)
    kept = 0
    for f in remote.files:
        if f is not remote and _complete(f, folder):
            kept += f.size
            continue
        try:
            kept += part_path(f, folder).stat().st_size
        except OSError:
            pass
    return kept


def unfinished_sets(dest_dir: Path | None = None) -> list[tuple[RemoteFile, int]]:
    """Recorded sets that have some bytes on disk but not every part: (the set, bytes kept)."""
    folder = Path(dest_dir or app_paths().models)
    out = []
    for remote in recorded_sets(folder):
        kept = kept_bytes(remote, folder)
        if kept and not all(_complete(p, folder) for p in remote.parts):
            out.append((remote, kept))
    return out


def discard_set(remote: RemoteFile, dest_dir: Path | None = None) -> None:
    """Delete everything of a set's download: finished parts, ``.part`` files, sidecars, its record."""
    folder = Path(dest_dir or app_paths().models)
    for p in remote.parts:
        discard_partial(p, folder)
        if _complete(p, folder):
            try:
                _final(p, folder).unlink()
            except OSError as exc:
                raise DownloadError(_("Could not remove {name}: {reason}").format(
                    name=Path(p.filename).name, reason=exc.strerror or exc)) from exc
    record_path(remote, folder).unlink(missing_ok=True)


def forget_set(first_part: Path) -> None:
    """After the set of ``first_part`` was deleted: remove its unfinished parts and its record."""
    folder = first_part.parent
    for remote in recorded_sets(folder):
        if Path(remote.parts[0].filename).name == first_part.name:
            for p in remote.parts:
                discard_partial(p, folder)
            record_path(remote, folder).unlink(missing_ok=True)


def source_of(first_part: Path) -> RemoteFile | None:
    """The recorded Hub set whose first part is ``first_part`` (to resume it), if known."""
    return next((r for r in recorded_sets(first_part.parent)
                 if Path(r.parts[0].filename).name == first_part.name), None)


# -- downloading a set ---------------------------------------------------------------

def download_model(
    remote: RemoteFile,
    dest_dir: Path | None = None,
    *,
    progress: Callable[[Progress], None] | None = None,
    cancel: threading.Event | None = None,
    config: HubConfig | None = None,
    **options,
) -> Path:
    """Download (or resume) a file or a whole split set; returns the path to load (a set's first part).

    Each part goes through :func:`download` (Range resume, sha256, the deep GGUF
    check), one after another; parts already here are verified, not fetched again.
    ``progress`` sees the set's bytes as one total. ``options`` go to :func:`download`.
    """
    if not remote.parts:
        return download(remote, dest_dir, progress=progress, cancel=cancel, config=config, **options)
    config = config or hub_config()
    config.require_online()
    folder = Path(dest_dir or app_paths().models)
    folder.mkdir(parents=True, exist_ok=True)
    base, _no, count = split_of(remote.parts[0].filename)
    if [split_of(p.filename)[1] for p in remote.parts] != list(range(1, count + 1)):
        raise DownloadError(_(MISSING_ON_HUB).format(have=len(remote.parts), count=count, name=remote.filename))
    require_free_space(folder, remote.size - kept_bytes(remote, folder), remote.filename, error=DownloadError)
    _write_record(remote, folder, config.endpoint)
    paths: list[Path] = []
    offset = 0
    try:
        for part in remote.parts:
            paths.append(download(part, folder, progress=_offset(progress, offset, remote.size),
                                  cancel=cancel, config=config, **options))
            offset += part.size
            if progress is not None:
                progress(Progress(offset, remote.size, 0.0, None))
    finally:
        if not kept_bytes(remote, folder):  # nothing to resume: no record of it either
            record_path(remote, folder).unlink(missing_ok=True)
    prefix = split_of(paths[0].name)[0]
    if any(p != paths[0].with_name(part_name(prefix, n, count)) for n, p in enumerate(paths, 1)):
        raise DownloadError(_(NOT_SIDE_BY_SIDE).format(name=remote.filename, folder=folder))
    return paths[0]


def _offset(progress, offset: int, total: int):
    """A part's progress as progress through the whole set."""
    if progress is None:
        return None

    def report(p: Progress) -> None:
        done = offset + p.done
        eta = (total - done) / p.speed if p.speed > 0 else None
        progress(Progress(done, total, p.speed, eta))

    return report


# -- a set on disk -------------------------------------------------------------------

@dataclass(frozen=True)
class LocalModel:
    """One model in the models folder: a single file, or a split set's parts."""

    path: Path  # the file to load: the file itself, or the set's first part (which may be missing)
    files: tuple[Path, ...]  # the parts on disk, in order; (path,) for a single file
    count: int = 1  # how many parts the set has

    @property
    def name(self) -> str:
        return model_name(self.path)

    @property
    def complete(self) -> bool:
        return len(self.files) == self.count

    @property
    def problem(self) -> str | None:
        return None if self.complete else _(INCOMPLETE).format(have=len(self.files), count=self.count)

    @property
    def size(self) -> int:
        return sum(p.stat().st_size for p in self.files)


def local_models(folder: Path, *, recursive: bool = True) -> list[LocalModel]:
    """The models in ``folder`` (and below): each single ``.gguf`` and each split set once, by path."""
    singles: list[LocalModel] = []
    sets: dict[tuple[Path, str, int], dict[int, Path]] = {}
    if not folder.is_dir():
        return []
    # ``*.gguf`` never matches ``*.gguf.part``: an unfinished download is not a model.
    for path in sorted(p for p in (folder.rglob if recursive else folder.glob)("*.gguf") if p.is_file()):
        split = split_of(path.name)
        if split is None:
            singles.append(LocalModel(path, (path,)))
        else:
            sets.setdefault((path.parent, split[0], split[2]), {})[split[1]] = path
    for (parent, base, count), parts in sets.items():
        first = parts.get(1) or parent / part_name(base, 1, count)
        singles.append(LocalModel(first, tuple(parts[n] for n in sorted(parts)), count))
    return sorted(singles, key=lambda m: str(m.path))
