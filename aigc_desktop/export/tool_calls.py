"""A reply's tool calls in an export: a marked block per call, before the answer.

Each call is a blockquote headed "Tool call: server / tool · status · seconds" holding the
arguments as a JSON code block and the result as a text code block. The fences are longer
than any backtick run inside (``fence_for``), so a tool's output, which is untrusted text,
stays inert in Markdown and is escaped as code by every renderer (HTML, Word, PDF): no link,
image, markup or script in it becomes live. The model's own text before a call (its
``text_before``) comes before that call's block, as it did in the chat.
"""

from __future__ import annotations

import json

from aigc_desktop.export.markdown import fence_for, inline_text, is_self_contained
from aigc_desktop.i18n import N_, _

TOOL_LABEL = N_("Tool call")
BILINGUAL_LABEL = "Tool call / 工具调用"  # the Markdown export is not translated (as its thinking label)
STATUS_LABELS = {"done": N_("done"), "denied": N_("denied"), "error": N_("failed"), "timeout": N_("timed out")}


def _fenced(text: str, info: str) -> list[str]:
    fence = fence_for(text)
    return [f"{fence}{info}", text.rstrip("\n"), fence]


def call_block(call: dict, translate: bool = True) -> list[str]:
    """One call as the lines of a blockquote."""
    label = _(TOOL_LABEL) if translate else BILINGUAL_LABEL
    status = call.get("status", "")
    status = _(STATUS_LABELS[status]) if translate and status in STATUS_LABELS else status
    name = " / ".join(p for p in (call.get("server"), call.get("tool")) if p) or "?"
    head = f"**{label}: {inline_text(name)}** · {inline_text(status)} · {float(call.get('seconds') or 0):.1f} s"
    args = json.dumps(call.get("arguments") or {}, ensure_ascii=False, indent=2)
    inner = [head, "", *_fenced(args, "json"), "", *_fenced(str(call.get("result", "")), "text")]
    return [f"> {line}" if line.strip() else ">" for line in "\n".join(inner).split("\n")]


def tool_calls_markdown(calls: list[dict], translate: bool = True) -> str:
    """Every call of a reply (with the model's text before each), as Markdown to put before its answer."""
    parts: list[str] = []
    for call in calls or []:
        before = (call.get("text_before") or "").strip("\n")
        if before.strip():
            parts.append(before if is_self_contained(before) else "\n".join(_fenced(before, "markdown")))
        parts.append("\n".join(call_block(call, translate)))
    return "\n\n".join(parts)
