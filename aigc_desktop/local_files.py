"""The app's own small files besides the database, checked once at start.

Every JSON file the app keeps under its home (settings, presets, providers, the
key file, the provider model list, the model-check cache, the Hub download
records) is read by a reader that already falls back to defaults. This module
adds what a reader cannot do alone: at start, a file that is not readable JSON of
the right shape (random bytes, cut short, not UTF-8, a list where an object
belongs, nested past the decoder's limit) is moved aside as ``<name>.bad`` (never
over an earlier ``.bad``: ``<name>.2.bad`` …) and one note per file is returned,
for the CLI's stderr and the window's banner (both check before anything else reads
these files). The next start finds the default
in its place, so it says so once. Only the top-level shape is checked: a
well-formed file with one bad value is the readers' business (``Settings.load``
replaces that value alone).

Written by hand, not with a schema library: the check is one ``json.loads`` and an
``isinstance`` per file, and the list of files is the point.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.i18n import N_, _
from aigc_desktop.paths import AppPaths, app_paths

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LocalFile:
    folder: str  # an AppPaths attribute: "config", "data" or "models"
    pattern: str  # a file name, or a glob for the download records
    shape: type  # dict or list: what the file's top level must be


#: Every JSON file the app writes under its home, with the shape its reader expects.
LOCAL_FILES = (
    LocalFile("config", "settings.json", dict),  # settings.py (window state is in it too)
    LocalFile("config", "presets.json", list),  # chat/presets.py
    LocalFile("data", "providers.json", list),  # providers/config.py
    LocalFile("data", "provider-keys.json", dict),  # providers/secrets.py (without a keychain)
    LocalFile("data", "provider-models.json", dict),  # providers/model_cache.py
    LocalFile("data", "model-checks.json", dict),  # llm/probe.py
    LocalFile("models", "*.part.json", dict),  # hub/download.py: an unfinished download's record
    LocalFile("models", "*.set.json", dict),  # hub/splits.py: a split model's record
)


@dataclass(frozen=True)
class SetAside:
    """A damaged file and where it went (``kept`` is None if it could not be moved)."""

    path: Path
    reason: str  # marked with N_, translated by note()
    kept: Path | None

    def note(self) -> str:
        """One sentence in the current language (the CLI checks files before it knows the language)."""
        if self.kept is None:
            return _("{path} is unreadable ({reason}); defaults are used.").format(path=self.path, reason=_(self.reason))
        return _("{name} was unreadable ({reason}); it is kept as {kept} and defaults are used.").format(
            name=self.path.name, reason=_(self.reason), kept=self.kept.name)


def _problem(path: Path, shape: type) -> str | None:
    """Why the file cannot be used, or None when it is fine."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        log.warning("cannot read %s: %s", path, exc)
        return None  # unreadable for now (permissions, a lock): not damaged, leave it
    try:
        value = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        return N_("not UTF-8 text")
    except RecursionError:
        return N_("nested too deeply")
    except ValueError:
        return N_("not valid JSON") if raw.strip() else N_("empty")
    if not isinstance(value, shape):
        return N_("a JSON object was expected") if shape is dict else N_("a JSON list was expected")
    return None


def keep_aside(path: Path) -> Path:
    """Rename ``path`` to ``<name>.bad`` (or ``<name>.N.bad`` if that is taken); returns the new path."""
    target = path.with_name(path.name + ".bad")
    n = 2
    while target.exists():
        target = path.with_name(f"{path.name}.{n}.bad")
        n += 1
    path.replace(target)
    return target


def set_aside_damaged(paths: AppPaths | None = None) -> list[SetAside]:
    """Move every damaged local file aside; what was moved, one entry per file."""
    paths = paths or app_paths()
    moved = []
    for spec in LOCAL_FILES:
        folder = Path(getattr(paths, spec.folder))
        try:
            found = sorted(folder.glob(spec.pattern)) if "*" in spec.pattern else [folder / spec.pattern]
        except OSError:
            continue
        for path in found:
            reason = _problem(path, spec.shape)
            if reason is None:
                continue
            try:
                kept = keep_aside(path)
            except OSError as exc:
                log.warning("cannot move the damaged file %s aside: %s", path, exc)
                kept = None
            else:
                log.warning("%s was unreadable (%s); kept as %s", path, reason, kept.name)
            moved.append(SetAside(path, reason, kept))
    return moved
