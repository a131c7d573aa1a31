"""Where the save dialog of an export opens and which file type it offers first: the
folder and format of the last export, kept in the settings (``export_folder``,
``export_format``), so a person who always saves PDFs to one folder picks neither again.

Shared by a chat's export, its long image and the studio's article export. The
suggested name is the title alone (``export.markdown.title_filename``); only an export of
all chats puts the id in front, to keep two chats of one title apart.
"""

from __future__ import annotations

import logging
from pathlib import Path

from aigc_desktop.errors import UserError

log = logging.getLogger(__name__)


def start_folder(settings_store) -> Path:
    """The last export's folder if it is still there, else the home folder."""
    folder = settings_store.current().export_folder if settings_store is not None else ""
    if folder and Path(folder).is_dir():
        return Path(folder)
    return Path.home()


def start_format(settings_store, keys: list[str], default: str) -> str:
    """The last export's file type (``format[:page]``) if this dialog offers it, else ``default``."""
    last = settings_store.current().export_format if settings_store is not None else ""
    if last in keys:
        return last
    fmt = last.partition(":")[0]
    return next((k for k in keys if k.partition(":")[0] == fmt), default) if fmt else default


def remember(settings_store, path: Path, key: str | None) -> None:
    """Keep ``path``'s folder and (unless None, as for an image) the file type for next time.
    A settings file that cannot be written costs only this convenience: logged, not shown."""
    if settings_store is None:
        return
    changes = {"export_folder": str(Path(path).expanduser().resolve().parent)}
    if key:
        changes["export_format"] = key
    try:
        settings_store.update(**changes)
    except UserError as exc:
        log.warning("export folder not remembered: %s", exc)
