"""Free disk space, checked the same way before every large write.

A model download, a split set, an imported model and the database each need room on
some disk; they ask here, so the margin kept free and the message a person reads are
the same everywhere. A check before writing turns "the disk filled up halfway" (a
half-written file, a confusing OS error) into one sentence saying how much is needed.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _

MARGIN = 64 * 2**20  # left free beyond what a write needs: the log, the database, other programs


def free_bytes(folder: str | Path) -> int:
    """Bytes free on the disk holding ``folder`` (which must exist)."""
    return shutil.disk_usage(folder).free


def require_free_space(folder: str | Path, need: int, name: str, *, error: type[UserError] = UserError,
                       margin: int = MARGIN) -> None:
    """Raise ``error`` naming ``name`` unless ``need`` bytes plus ``margin`` are free in ``folder``."""
    free = free_bytes(folder)
    if free < need + margin:
        raise error(_("Not enough disk space for {name}: it needs {need} more and {free} is free in {folder}.").format(
            name=name, need=_mb(need), free=_mb(free), folder=folder))


def _mb(n: float) -> str:
    return f"{n / 2**20:,.1f} MB"
