"""The status bar's context meter: how much of the model's context the chat uses.

Exact figures come from the last reply's stats (the model's own token counts, a
reasoning model's thinking included: the tooltip says so, as the next prompt leaves it out);
messages after it, or a chat without stats, are estimated from their length, so
showing a long chat never tokenizes it, and the GUI never touches the engine.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel

from aigc_desktop.ui.kit import style
from aigc_desktop.i18n import _
from aigc_desktop.llm.context import reply_budget



def usage(records, n_ctx: int, max_tokens: int) -> tuple[int, int, int, bool]:
    """(tokens used, context size, reply budget, exact?) for the messages of a branch."""
    budget = reply_budget(n_ctx, max_tokens)
    used, exact, tail = 0, False, list(records)
    for i in range(len(records) - 1, -1, -1):
        st = records[i].stats or {}
        if records[i].role == "assistant" and st.get("prompt_tokens"):
            used = int(st["prompt_tokens"]) + int(st.get("completion_tokens") or 0)
            exact, tail = True, records[i + 1:]
            break
    if tail:
        exact = False
        # rough: ~2 characters a token for mixed Chinese/English, plus the template's markers
        used += sum(len(m.content) for m in tail) // 2 + 8 * len(tail)
    elif not records:
        exact = True
    return used, n_ctx, budget, exact


class ContextMeter(QLabel):
    def __init__(self, parent=None) -> None:
        super().__init__("", parent)
        self.setObjectName("contextMeter")
        self.figures: tuple[int, int, int, bool] | None = None

    def show_usage(self, records, n_ctx: int | None, max_tokens: int) -> None:
        if not n_ctx:
            self.figures = None
            self.setText("")
            return
        used, n_ctx, budget, exact = self.figures = usage(records, n_ctx, max_tokens)
        pct = 100 * used / n_ctx if n_ctx else 0
        text = _("Context: {used:,} / {n_ctx:,} ({pct:.0f}%)") if exact else _("Context: ≈{used:,} / {n_ctx:,} ({pct:.0f}%)")
        self.setText(text.format(used=used, n_ctx=n_ctx, pct=pct))
        # The last reply's token count is of the prompt already trimmed to fit, so also
        # warn while that reply had to leave messages out: the next one will too.
        replies = [r for r in records if r.role == "assistant"]
        dropped = bool(replies and (replies[-1].stats or {}).get("dropped_messages"))
        warn = used + budget > n_ctx or dropped
        self.setStyleSheet(f"color: {style.current().highlight};" if warn else "")
        tips = [_("The next reply will not fit whole: the oldest messages will be left out.")] if warn else []
        if replies and replies[-1].reasoning and exact:
            tips.append(_("The count includes the last reply's thinking, which is not sent with the next message."))
        self.setToolTip("\n".join(tips))
