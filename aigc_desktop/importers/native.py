"""Our own JSON export (format ``aigc-desktop.conversation``), one object or a list."""

from __future__ import annotations

from dataclasses import fields

from aigc_desktop.errors import UserError
from aigc_desktop.export.markdown import JSON_FORMAT, JSON_VERSION
from aigc_desktop.i18n import _
from aigc_desktop.importers.tree import ImportedConversation, ImportedMessage, optional_text, to_datetime
from aigc_desktop.llm.sampling import SamplingParams

ROLES = {"user", "assistant", "system"}
SAMPLING_KEYS = {f.name for f in fields(SamplingParams)}


def _sampling(value) -> dict:
    """Keep the settings the chat can use, so a hand-edited file cannot break the conversation."""
    kept = {}
    for key, v in (value.items() if isinstance(value, dict) else []):
        if key == "n_ctx":
            if isinstance(v, int) and not isinstance(v, bool) and 256 <= v <= 1_048_576:
                kept[key] = v
        elif key in SAMPLING_KEYS and (v is not None or key == "seed"):
            try:
                kept[key] = getattr(SamplingParams.from_dict({key: v}), key)
            except (UserError, OverflowError):  # OverflowError: int(Infinity)
                pass
    return kept


def is_native(data) -> bool:
    items = data if isinstance(data, list) else [data]
    return bool(items) and all(isinstance(i, dict) and i.get("format") == JSON_FORMAT for i in items)


def _one(obj: dict) -> ImportedConversation:
    version = obj.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise UserError(_("This file is not a valid AIGC Desktop export: its format version is {version}.").format(version=repr(version)))
    if version > JSON_VERSION:
        raise UserError(_("This export was written by a newer AIGC Desktop (format version {version}).").format(version=version))
    conv = obj.get("conversation")
    msgs = obj.get("messages")
    if not isinstance(conv, dict) or not isinstance(msgs, list):
        raise UserError(_("The export is damaged: it has no conversation or message list."))
    known = {str(m.get("id")) for m in msgs if isinstance(m, dict)}
    out: list[ImportedMessage] = []
    placed: set[str] = set()
    pending = [m for m in msgs if isinstance(m, dict)]
    # Parents first, whatever order the file lists them in.
    while pending:
        progressed = False
        rest = []
        for m in pending:
            parent = m.get("parent_id")
            parent_key = str(parent) if parent is not None and str(parent) in known else None
            if parent_key is None or parent_key in placed:
                role = m.get("role")
                if not isinstance(role, str) or role not in ROLES:
                    raise UserError(_("The export is damaged: message {id} has role {role}.").format(
                        id=m.get("id"), role=repr(role)))
                if not isinstance(m.get("content", ""), str):
                    raise UserError(_("The export is damaged: message {id} has no text content.").format(id=m.get("id")))
                if not isinstance(m.get("reasoning") or "", str):
                    raise UserError(_("The export is damaged: the thinking of message {id} is not text.").format(
                        id=m.get("id")))
                key = str(m.get("id"))
                out.append(ImportedMessage(
                    key=key, parent_key=parent_key, role=role, content=m.get("content") or "",
                    reasoning=m.get("reasoning") or "",
                    status=m.get("status") or "done", created_at=to_datetime(m.get("created")),
                    model=optional_text(m.get("model")), stats=m.get("stats") if isinstance(m.get("stats"), dict) else {},
                    tool_calls=m.get("tool_calls") if isinstance(m.get("tool_calls"), list) else [],
                ))
                placed.add(key)
                progressed = True
            else:
                rest.append(m)
        if not progressed:
            raise UserError(_("The export is damaged: its messages form a loop."))
        pending = rest
    leaf = conv.get("current_leaf_id")
    return ImportedConversation(
        title=optional_text(conv.get("title")) or "",
        messages=out,
        current_key=str(leaf) if leaf is not None and str(leaf) in placed else None,
        created_at=to_datetime(conv.get("created")),
        updated_at=to_datetime(conv.get("updated")),
        model=optional_text(conv.get("model")),
        system_prompt=optional_text(conv.get("system_prompt")),
        sampling=_sampling(conv.get("sampling")),
        pinned=conv.get("pinned") in (True, 1),  # not "false", which is truthy
    )


def parse_native(data) -> list[ImportedConversation]:
    items = data if isinstance(data, list) else [data]
    return [_one(i) for i in items]
