"""Writing exports to disk (the formatting lives in :mod:`.markdown`, :mod:`.html`,
:mod:`.docx` and :mod:`.pdf`).

Every format is written to a temporary file beside the target and renamed into place,
so a full disk, a cut-off write or a failing exporter never leaves half a file.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.export.markdown import safe_filename, to_json, to_markdown
from aigc_desktop.i18n import _
from aigc_desktop.store.conversations import ConversationStore

FORMATS = ("md", "json", "html", "docx", "pdf")  # each is also the file extension


def format_for_path(path: Path, default: str = "md") -> str:
    """The format a file name asks for by its extension (``.markdown`` and ``.htm`` too)."""
    ext = Path(path).suffix.lower().lstrip(".")
    ext = {"markdown": "md", "htm": "html"}.get(ext, ext)
    return ext if ext in FORMATS else default


def render(store: ConversationStore, conversation_id: int, fmt: str, page: str = "a4",
           reasoning: bool = False) -> str | bytes:
    """One conversation in ``fmt``: text for md/json/html, bytes for docx/pdf (``page``: a4/letter).

    The replies' answers only, unless ``reasoning`` puts each one's thinking before it in a
    marked block; JSON (everything, and what imports back) always keeps it as its own field."""
    conv = store.get(conversation_id)
    branch = store.branch(conversation_id)
    if fmt == "json":
        return to_json(conv, store.messages(conversation_id), branch)
    if fmt in ("html", "docx", "pdf"):
        from aigc_desktop.export.document import from_conversation

        doc = from_conversation(conv, branch, reasoning=reasoning)
        if fmt == "html":
            from aigc_desktop.export.html import to_html

            return to_html(doc)
        if fmt == "docx":
            from aigc_desktop.export.docx import to_docx

            return to_docx(doc)
        from aigc_desktop.export.pdf import to_pdf

        return to_pdf(doc, page)
    return to_markdown(conv, branch, reasoning)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write via a temporary file so a full disk never leaves half an export."""
    path = Path(path)
    tmp = path.with_name(path.name + ".tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise UserError(_("Could not write {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from exc


def write_text_atomic(path: Path, text: str) -> None:
    """Text as UTF-8 with ``\\n`` line ends, through :func:`write_bytes_atomic`."""
    write_bytes_atomic(path, text.encode("utf-8"))


def export_one(store: ConversationStore, conversation_id: int, path: Path, fmt: str = "md",
               page: str = "a4", reasoning: bool = False) -> Path:
    if fmt not in FORMATS:
        raise UserError(_("Unknown export format: {fmt}").format(fmt=fmt))
    data = render(store, conversation_id, fmt, page, reasoning)
    write_bytes_atomic(Path(path), data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)


def export_all(store: ConversationStore, folder: Path, fmt: str = "md", *, page: str = "a4",
               reasoning: bool = False, progress: Callable[[int, int], None] | None = None,
               cancel: threading.Event | None = None) -> list[Path]:
    """Every conversation into ``folder``; ``progress(done, total)`` after each one.

    ``cancel`` stops between conversations; what was written stays (each file is whole).
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(_("{folder} is a file; exporting all conversations needs a folder.").format(folder=folder))
    written = []
    convs = store.list()
    for done, conv in enumerate(convs):
        if cancel is not None and cancel.is_set():
            break
        if progress is not None:
            progress(done, len(convs))
        path = folder / safe_filename(conv.title, conv.id, fmt if fmt in FORMATS else "md")
        try:
            written.append(export_one(store, conv.id, path, fmt, page, reasoning))
        except UserError as exc:
            raise UserError(_("{error} ({done} of {total} conversations were exported before this.)").format(
                error=exc, done=len(written), total=len(convs))) from exc
    return written
