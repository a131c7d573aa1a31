"""ChatGPT's data export: ``conversations.json``, a list of message trees (``mapping``).

Hidden, system and tool nodes are skipped and their children re-attached to
the nearest kept ancestor, so branches (edited prompts, regenerated answers)
survive as siblings. Only text parts are kept; fields of an unexpected type are
treated as missing (a message without readable text or role is skipped).
"""

from __future__ import annotations

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.importers.tree import ImportedConversation, ImportedMessage, optional_text, to_datetime

KEEP_ROLES = {"user", "assistant"}


def is_chatgpt(data) -> bool:
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(c, dict) and isinstance(c.get("mapping"), dict) for c in data)
    )


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _text(message: dict) -> str | None:
    content = _dict(message.get("content"))
    if content.get("content_type") not in ("text", "multimodal_text", None):
        return None
    parts = content.get("parts")
    if isinstance(parts, str):
        parts = [parts]
    parts = [p for p in parts if isinstance(p, str)] if isinstance(parts, list) else []
    text = "\n\n".join(p for p in parts if p)
    return text or None


def _keep(node: dict) -> tuple[str, str] | None:
    msg = node.get("message")
    if not isinstance(msg, dict):
        return None
    role = _dict(msg.get("author")).get("role")
    if not isinstance(role, str) or role not in KEEP_ROLES:
        return None
    if _dict(msg.get("metadata")).get("is_visually_hidden_from_conversation"):
        return None
    text = _text(msg)
    return (role, text) if text is not None else None


def _one(conv: dict) -> ImportedConversation:
    mapping = conv["mapping"]
    roots = [k for k, n in mapping.items() if isinstance(n, dict) and not n.get("parent")]
    out: list[ImportedMessage] = []
    kept_for: dict[str, str | None] = {}  # node id -> key of nearest kept ancestor-or-self

    stack = [(r, None) for r in reversed(roots)]
    seen: set[str] = set()
    while stack:
        node_id, kept_parent = stack.pop()
        if node_id in seen or not isinstance(mapping.get(node_id), dict):
            continue
        seen.add(node_id)
        node = mapping[node_id]
        kept = _keep(node)
        here = kept_parent
        if kept:
            role, text = kept
            msg = node["message"]
            out.append(ImportedMessage(
                key=node_id, parent_key=kept_parent, role=role, content=text,
                created_at=to_datetime(msg.get("create_time")),
                model=optional_text(_dict(msg.get("metadata")).get("model_slug")),
            ))
            here = node_id
        kept_for[node_id] = here
        children = node.get("children")
        for child in reversed(children if isinstance(children, list) else []):
            if isinstance(child, str):
                stack.append((child, here))
    current = conv.get("current_node")
    return ImportedConversation(
        title=optional_text(conv.get("title")) or _("ChatGPT chat"),
        messages=out,
        current_key=kept_for.get(current) if isinstance(current, str) else None,
        created_at=to_datetime(conv.get("create_time")),
        updated_at=to_datetime(conv.get("update_time")),
    )


def parse_chatgpt(data: list) -> list[ImportedConversation]:
    convs = []
    for c in data:
        try:
            convs.append(_one(c))
        except (AttributeError, TypeError, KeyError) as exc:
            raise UserError(_("The ChatGPT export is damaged near “{title}”.").format(
                title=optional_text(c.get("title")) or "?")) from exc
    return [c for c in convs if c.messages]
