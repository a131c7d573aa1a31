"""Conversation → Markdown and JSON (pure functions).

Message text is written verbatim. Text that renders on its own (balanced
code fences, no raw HTML) goes in as Markdown so the export reads like the
chat; anything that could leak into the rest of the document — an unclosed
fence, an HTML block such as ``<script>`` that CommonMark only ends at its
closing tag — is wrapped in a fence longer than any backtick run inside it,
so it survives unchanged and cannot break the document.
"""

from __future__ import annotations

import json
import re
from datetime import datetime

from markdown_it import MarkdownIt

from aigc_desktop import __version__
from aigc_desktop.store.conversations import ConversationRecord, MessageRecord

ROLE_HEADINGS = {"user": "User", "assistant": "Assistant", "system": "System"}
THINKING_LABEL = "Thinking / 思考过程"  # the export is not translated; both readers see what it is
JSON_FORMAT = "aigc-desktop.conversation"
JSON_VERSION = 1

_md = MarkdownIt("commonmark").enable("table")
_FENCE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def inline_text(text: str) -> str:
    """Plain text safe inside one line of Markdown (a heading, a list item): HTML and
    emphasis characters are escaped, line breaks become spaces."""
    return re.sub(r"([\\`*_\[\]<>#|&])", r"\\\1", " ".join(text.split()))


def _fmt_time(dt: datetime | None) -> str:
    return dt.astimezone().strftime("%Y-%m-%d %H:%M") if dt else ""


def is_self_contained(text: str) -> bool:
    """True when the text, rendered as Markdown, cannot swallow what follows it, change
    another message (a link reference definition) or pass for a turn of its own (a
    heading named like a role)."""
    env: dict = {}
    tokens = _md.parse(text, env)
    if env.get("references"):
        return False
    lines = re.split(r"\r\n|\r|\n", text)  # markdown-it's line breaks, not str.splitlines()'s
    for i, tok in enumerate(tokens):
        if tok.type in ("html_block",):
            return False
        if tok.type == "heading_open" and i + 1 < len(tokens) and tokens[i + 1].content.strip() in ROLE_HEADINGS.values():
            return False
        if tok.type == "inline" and any(c.type == "html_inline" for c in tok.children or ()):
            return False
        if tok.type == "fence":
            end = tok.map[1] - 1 if tok.map else -1
            closing = lines[end] if 0 <= end < len(lines) else ""
            m = _FENCE_LINE.match(closing)
            if end <= tok.map[0] or not m or m.group(1)[0] != tok.markup[0] or len(m.group(1)) < len(tok.markup) or closing.strip(m.group(1)[0] + " \t"):
                return False
    return True


def fence_for(text: str) -> str:
    """A backtick fence longer than any run of backticks in ``text``."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    return "`" * max(3, longest + 1)


def quoted(text: str) -> list[str]:
    """``text`` as the lines of a blockquote. Anything that could reach past the quote
    (an unclosed fence ends with it, but a link definition would not) is fenced first."""
    body = text.strip("\n")
    if not is_self_contained(body):
        fence = fence_for(body)
        body = f"{fence}text\n{body}\n{fence}"
    return [f"> {line}" if line.strip() else ">" for line in re.split(r"\r\n|\r|\n", body)]


def thinking_block(reasoning: str) -> list[str]:
    """A reply's reasoning as a quote titled "Thinking / 思考过程", set before the answer."""
    return [f"> **{THINKING_LABEL}**", ">", *quoted(reasoning), ""]


def message_block(msg: MessageRecord, reasoning: bool = False) -> str:
    """One turn; ``reasoning`` puts a reply's thinking (if any) before its answer."""
    heading = ROLE_HEADINGS.get(msg.role, msg.role.title())
    meta = [_fmt_time(msg.created_at)]
    if msg.role == "assistant" and msg.model:
        meta.append(msg.model)
    if msg.status not in ("done",):
        meta.append(msg.status)
    meta_line = inline_text(" · ".join(m for m in meta if m))
    lines = [f"### {heading}", "", f"*{meta_line}*", ""]
    if reasoning and msg.reasoning.strip():
        lines += thinking_block(msg.reasoning)
    if msg.tool_calls:  # each call in a marked block, before the answer (export/tool_calls.py)
        from aigc_desktop.export.tool_calls import tool_calls_markdown

        lines += [tool_calls_markdown(msg.tool_calls, translate=False), ""]
    body = msg.content
    if body and is_self_contained(body):
        lines.append(body.rstrip("\n"))
    else:
        fence = fence_for(body)
        lines += [f"{fence}markdown", body.rstrip("\n"), fence]
    if msg.citations:  # a grounded reply's sources (kb/citations.py)
        from aigc_desktop.kb.citations import references_markdown

        lines += ["", references_markdown(msg.citations)]
    return "\n".join(lines)


def to_markdown(conv: ConversationRecord, messages: list[MessageRecord], reasoning: bool = False) -> str:
    """The current branch of a conversation as a Markdown document: the answers only, unless
    ``reasoning`` asks for each reply's thinking too."""
    title = conv.title or "Untitled conversation"
    models = sorted({m.model for m in messages if m.model}) or ([conv.model] if conv.model else [])
    header = [
        f"# {inline_text(title)}",
        "",
        f"- Model: {inline_text(', '.join(models)) if models else 'unknown'}",
        f"- Created: {_fmt_time(conv.created_at)}",
        f"- Updated: {_fmt_time(conv.updated_at)}",
        f"- Messages: {len(messages)}",
        f"- Exported by AIGC Desktop {__version__}",
    ]
    if conv.system_prompt:
        fence = fence_for(conv.system_prompt)
        header += ["", "**System prompt**", "", f"{fence}text", conv.system_prompt.rstrip("\n"), fence]
    parts = ["\n".join(header)]
    parts += [message_block(m, reasoning) for m in messages]
    return "\n\n---\n\n".join(parts) + "\n"


def _dt(dt: datetime | None) -> str | None:
    return dt.isoformat() if dt else None


def message_to_dict(m: MessageRecord) -> dict:
    return {
        "id": m.id,
        "parent_id": m.parent_id,
        "role": m.role,
        "content": m.content,
        "reasoning": m.reasoning,  # always: this export is everything, and it imports back
        "status": m.status,
        "created": _dt(m.created_at),
        "model": m.model,
        "stats": m.stats,
        "tool_calls": m.tool_calls,
        "citations": m.citations,
    }


def to_json_dict(conv: ConversationRecord, all_messages: list[MessageRecord], branch: list[MessageRecord]) -> dict:
    """Everything: the conversation, every message of every branch, and the current branch."""
    return {
        "format": JSON_FORMAT,
        "version": JSON_VERSION,
        "app_version": __version__,
        "conversation": {
            "id": conv.id,
            "title": conv.title,
            "created": _dt(conv.created_at),
            "updated": _dt(conv.updated_at),
            "model": conv.model,
            "system_prompt": conv.system_prompt,
            "sampling": conv.sampling,
            "pinned": conv.pinned,
            "current_leaf_id": conv.current_leaf_id,
        },
        "messages": [message_to_dict(m) for m in all_messages],
        "current_branch": [m.id for m in branch],
    }


def to_json(conv: ConversationRecord, all_messages: list[MessageRecord], branch: list[MessageRecord]) -> str:
    return json.dumps(to_json_dict(conv, all_messages, branch), ensure_ascii=False, indent=2) + "\n"


# Names Windows refuses for a file whatever its extension ("CON.md" is the console).
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


# Sentence punctuation a title may end with ("…的开头。"), dropped from the end of a file name
# ("…的开头。.docx" read as two full stops).
_TRAILING = "。！？…，、；：．｡.!?,;: \u3000"


def title_filename(title: str, ext: str, fallback: str = "conversation") -> str:
    """A title as a file name that works on every OS (Chinese kept), without the sentence punctuation
    it ends with: what a save dialog suggests."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", title).strip(" .")[:80].rstrip(_TRAILING) or fallback
    if cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = f"_{cleaned}"
    return f"{cleaned}.{ext}"


def safe_filename(title: str, conv_id: int, ext: str) -> str:
    """A conversation's file name in an export of all of them: the id in front keeps two
    chats of one title apart and the files in the order they were made."""
    return f"{conv_id:05d} {title_filename(title, ext)}"
