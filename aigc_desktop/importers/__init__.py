"""Bring history in: our own JSON export and ChatGPT's ``conversations.json``.

Imported text is untrusted and stored verbatim; it is only ever rendered
through the inert Markdown renderer. Each file is imported in one
transaction: a bad file adds nothing.
"""

from __future__ import annotations

import json
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.importers.chatgpt import is_chatgpt, parse_chatgpt
from aigc_desktop.importers.native import is_native, parse_native
from aigc_desktop.importers.tree import ImportCancelled, ImportedConversation, write_conversations
from aigc_desktop.store.conversations import ConversationStore

MAX_BYTES = 500_000_000

__all__ = ["import_file", "parse_data", "ImportedConversation"]


def parse_data(data) -> list[ImportedConversation]:
    """Recognise the format of already-decoded JSON and turn it into conversations."""
    if is_native(data):
        return parse_native(data)
    if is_chatgpt(data):
        return parse_chatgpt(data)
    raise UserError(
        _("This file is not a chat export AIGC Desktop knows: expected an AIGC Desktop JSON export "
          "or ChatGPT's conversations.json.")
    )


def _read_json(path: Path):
    try:
        if path.stat().st_size > MAX_BYTES:
            raise UserError(_("{name} is too large to import ({size:,} bytes).").format(name=path.name, size=path.stat().st_size))
        return json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise UserError(_("{name} is not a UTF-8 text file.").format(name=path.name)) from exc
    except json.JSONDecodeError as exc:
        raise UserError(_("{name} is not valid JSON (line {line}: {reason}).").format(name=path.name, line=exc.lineno, reason=exc.msg)) from exc
    except RecursionError as exc:  # json's decoder recurses once per nested list or object
        raise UserError(_("{name} is nested too deeply to be a chat export.").format(name=path.name)) from exc
    except OSError as exc:
        raise UserError(_("Cannot read {path}: {reason}").format(path=path, reason=exc.strerror or exc)) from exc


def import_file(store: ConversationStore, path: Path, *, progress=None, cancel=None) -> list[int]:
    """Import a file (or every .json file in a folder); returns the new conversation ids.

    ``progress(done, total)`` is told each stage (read, parse, write); ``cancel`` (an
    Event) stops before the next stage, or rolls the write back, so a cancelled import
    adds nothing.
    """
    def stage(done: int) -> None:
        if cancel is not None and cancel.is_set():
            raise ImportCancelled(_("The import was cancelled; nothing was added."))
        if progress is not None:
            progress(done, 3)

    stage(0)
    path = Path(path).expanduser()
    if not path.exists():
        raise UserError(_("File not found: {path}").format(path=path))
    if path.is_dir():
        files = sorted(path.glob("*.json"))
        if not files:
            raise UserError(_("No .json files in {path}.").format(path=path))
        parsed = []
        for f in files:
            parsed.extend(parse_data(_read_json(f)))
    else:
        data = _read_json(path)
        stage(1)
        parsed = parse_data(data)
    if not parsed:
        raise UserError(_("{name} contains no conversations.").format(name=path.name))
    stage(2)
    return write_conversations(store.db, parsed, cancel=cancel)
