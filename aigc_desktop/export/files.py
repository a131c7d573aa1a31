"""Writing exports to disk (the pure formatting lives in :mod:`.markdown`)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.export.markdown import safe_filename, to_json, to_markdown
from aigc_desktop.store.conversations import ConversationStore


def render(store: ConversationStore, conversation_id: int, fmt: str) -> str:
    conv = store.get(conversation_id)
    branch = store.branch(conversation_id)
    if fmt == "json":
        return to_json(conv, store.messages(conversation_id), branch)
    return to_markdown(conv, branch)


def write_text_atomic(path: Path, text: str) -> None:
    """Write via a temporary file so a full disk never leaves half an export."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"Could not write {path}: {exc.strerror or exc}") from exc


def export_one(store: ConversationStore, conversation_id: int, path: Path, fmt: str = "md") -> Path:
    write_text_atomic(Path(path), render(store, conversation_id, fmt))
    return Path(path)


def export_all(store: ConversationStore, folder: Path, fmt: str = "md", *,
               progress: Callable[[int, int], None] | None = None,
               cancel: threading.Event | None = None) -> list[Path]:
    """Every conversation into ``folder``; ``progress(done, total)`` after each one.

    ``cancel`` stops between conversations; what was written stays (each file is whole).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} is a file; --all needs a folder.")
    written = []
    convs = store.list()
    for done, conv in enumerate(convs):
        if cancel is not None and cancel.is_set():
            break
        if progress is not None:
            progress(done, len(convs))
        path = folder / safe_filename(conv.title, conv.id, "json" if fmt == "json" else "md")
        try:
            written.append(export_one(store, conv.id, path, fmt))
        except UserError as exc:
            raise UserError(f"{exc} ({len(written)} of {len(convs)} conversations were exported before this.)") from exc
    return written
