"""Fitting a conversation into the model's context window.

Policy: the system prompt and the newest message always stay; whole older
messages are left out, oldest first, until the prompt plus the reply budget
fits. One message that alone is larger than the context is refused with a
clear message instead of being silently cut.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aigc_desktop.errors import ContextOverflowError
from aigc_desktop.i18n import _

ChatMessage = dict  # {"role": ..., "content": ...}


@dataclass(frozen=True)
class FitResult:
    messages: list[ChatMessage]
    prompt_tokens: int
    dropped: int  # how many older messages were left out


def reply_budget(n_ctx: int, max_tokens: int) -> int:
    """Tokens kept free for the reply: the requested maximum, at most half the context."""
    return max(16, min(max_tokens, n_ctx // 2))


def fit_messages(
    messages: Sequence[ChatMessage],
    count_tokens: Callable[[Sequence[ChatMessage]], int],
    n_ctx: int,
    max_tokens: int,
) -> FitResult:
    msgs = list(messages)
    budget = n_ctx - reply_budget(n_ctx, max_tokens)
    system = [m for m in msgs[:1] if m["role"] == "system"]
    rest = msgs[len(system):]
    if not rest:
        return FitResult(msgs, count_tokens(msgs), 0)

    full = count_tokens(msgs)
    if full <= budget:
        return FitResult(msgs, full, 0)

    # Token counts shrink monotonically as older messages go: binary search the
    # smallest number to drop. Keep at least the newest message.
    lo, hi = 1, len(rest) - 1
    best: tuple[int, int] | None = None
    while lo <= hi:
        mid = (lo + hi) // 2
        tokens = count_tokens(system + rest[mid:])
        if tokens <= budget:
            best = (mid, tokens)
            hi = mid - 1
        else:
            lo = mid + 1
    if best is None:
        last_only = count_tokens(system + rest[-1:])
        if last_only <= budget:
            best = (len(rest) - 1, last_only)
    if best is None:
        raise ContextOverflowError(
            _("This message is too long for the model's context: it needs about {need:,} tokens, "
              "and {budget:,} are available ({n_ctx:,} in the context minus {kept:,} kept for the reply). "
              "Shorten it, or raise the context length in the settings.").format(
                need=count_tokens(system + rest[-1:]), budget=budget, n_ctx=n_ctx, kept=n_ctx - budget)
        )
    drop, tokens = best
    # Do not start the kept history with an assistant reply.
    while drop < len(rest) - 1 and rest[drop]["role"] == "assistant":
        drop += 1
        tokens = count_tokens(system + rest[drop:])
    return FitResult(system + rest[drop:], tokens, drop)
