"""ChatGPT's data export: ``conversations.json``, a list of message trees (``mapping``).

Hidden, system and tool nodes are skipped and their children re-attached to
the nearest kept ancestor, so branches (edited prompts, regenerated answers)
survive as siblings. Only text parts are kept.
"""

from __future__ import annotations

from aigc_desktop.errors import UserError
from aigc_desktop.importers.tree import ImportedConversation, ImportedMessage, to_datetime

KEEP_ROLES = {"user", "assistant"}


def is_chatgpt(data) -> bool:
    return (
        isinstance(data, list)
        and bool(data)
        and all(isinstance(c, dict) and isinstance(c.get("mapping"), dict) for c in data)
    )


def _text(message: dict) -> str | None:
    content = message.get("content") or {}
    if content.get("content_type") not in ("text", "multimodal_text", None):
        return None
    parts = [p for p in content.get("parts") or [] if isinstance(p, str)]
    text = "\n\n".join(p for p in parts if p)
    return text or None


def _keep(node: dict) -> tuple[str, str] | None:
    msg = node.get("message")
    if not isinstance(msg, dict):
        return None
    role = (msg.get("author") or {}).get("role")
    if role not in KEEP_ROLES:
        return None
    if (msg.get("metadata") or {}).get("is_visually_hidden_from_conversation"):
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
        if node_id in seen or node_id not in mapping:
            continue
        seen.add(node_id)
        node = mapping[node_id]
        kept = _keep(node)
        here = kept_parent
        if kept:
            role, text = kept
            out.append(ImportedMessage(
                key=node_id, parent_key=kept_parent, role=role, content=text,
                created_at=to_datetime((node.get("message") or {}).get("create_time")),
                model=((node.get("message") or {}).get("metadata") or {}).get("model_slug"),
            ))
            here = node_id
        kept_for[node_id] = here
        for child in reversed(node.get("children") or []):
            stack.append((child, here))
    current = conv.get("current_node")
    return ImportedConversation(
        title=str(conv.get("title") or "ChatGPT chat"),
        messages=out,
        current_key=kept_for.get(current) if current else None,
        created_at=to_datetime(conv.get("create_time")),
        updated_at=to_datetime(conv.get("update_time")),
    )


def parse_chatgpt(data: list) -> list[ImportedConversation]:
    convs = []
    for c in data:
        try:
            convs.append(_one(c))
        except (AttributeError, TypeError, KeyError) as exc:
            raise UserError(f"The ChatGPT export is damaged near “{c.get('title', '?')}”.") from exc
    return [c for c in convs if c.messages]
