"""Fitting a conversation into the model's context window.

Policy: the system prompt and the newest message always stay; whole older
messages are left out, oldest first, until the prompt plus the reply budget
fits. One message that alone is larger than the context is refused with a
clear message instead of being silently cut.

Two ways to decide how many to leave out:

- :func:`fit_messages` knows nothing but ``count_tokens``: it leaves out as few
  messages as possible, counting candidate prompts in a binary search. Each count
  renders and tokenises a candidate, so on a history far longer than the context
  this costs several tokenisations of the whole history.
- :func:`fit_sized` is given every message's size (cached by the chat service,
  ``chat/history_fit.py``), so it counts exactly only prompts near the limit, and
  none at all while a chat is well inside the context. It also keeps the start of
  the kept history still from one turn to the next: when the history has to be
  cut, it is cut to :data:`REFILL` of the room, and later turns keep that first
  message for as long as the prompt fits. Moving the start every turn would change
  the prompt's first tokens every turn, and llama.cpp would read the whole context
  again (seconds on a CPU) instead of the new turn only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from aigc_desktop.errors import ContextOverflowError
from aigc_desktop.i18n import _

ChatMessage = dict  # {"role": ..., "content": ...}

#: After a cut the kept history fills at most this share of the room left for the
#: prompt, so the turns that follow add to the same prefix instead of moving its start.
REFILL = 0.75
#: A prompt estimated this many tokens under the room is taken without counting it
#: (the sizes are exact for ChatML-like templates; the margin is for the others).
SLACK = 32
#: A prompt estimated at more than this share of the room is not counted: it cannot
#: fit, and counting it would cost as much as the history is long.
SURE_TOO_LONG = 1.5


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
        raise _too_long(count_tokens(system + rest[-1:]), budget, n_ctx)
    drop, tokens = best
    # Do not start the kept history with an assistant reply.
    while drop < len(rest) - 1 and rest[drop]["role"] == "assistant":
        drop += 1
        tokens = count_tokens(system + rest[drop:])
    return FitResult(system + rest[drop:], tokens, drop)


def fit_sized(
    messages: Sequence[ChatMessage],
    sizes: Sequence[int],
    count_tokens: Callable[[Sequence[ChatMessage]], int],
    n_ctx: int,
    max_tokens: int,
    *,
    overhead: int = 0,
    keep_from: int | None = None,
) -> FitResult:
    """Fit ``messages`` deciding with ``sizes`` and counting exactly only near the limit.

    ``sizes`` are each message's tokens as the template adds them (the system prompt's
    included) and ``overhead`` what the template adds once (a default system prompt,
    the reply's header), so a prompt takes about ``overhead + sum(sizes)``. A prompt
    that by this estimate is :data:`SLACK` or more under the room is taken without
    counting: counting would render and tokenise it once more, and the engine, which
    formats it anyway, still leaves messages out itself if an estimate was wrong.
    Nearer the limit, prompts are counted exactly with ``count_tokens``.

    ``keep_from`` is how many older messages (after the system prompt) the previous
    turn left out: kept while the prompt still fits that way, so its start does not
    move. The kept history never starts with an assistant reply. ``prompt_tokens`` is
    exact when it was counted, else the estimate. Raises
    :class:`ContextOverflowError` when the newest message alone does not fit.
    """
    msgs = list(messages)
    if len(sizes) != len(msgs):
        raise ValueError("one size per message")
    budget = n_ctx - reply_budget(n_ctx, max_tokens)
    n_sys = 1 if msgs and msgs[0]["role"] == "system" else 0
    system, rest = msgs[:n_sys], msgs[n_sys:]
    if not rest:
        return FitResult(msgs, count_tokens(msgs), 0)
    fixed = overhead + sum(sizes[:n_sys])
    suffix = [0] * (len(rest) + 1)  # suffix[d]: the sizes of rest[d:]
    for i in range(len(rest) - 1, -1, -1):
        suffix[i] = suffix[i + 1] + sizes[n_sys + i]

    def fits(drop: int) -> int | None:
        """The prompt's tokens when leaving out ``drop`` messages, or None when it does not fit."""
        estimate = fixed + suffix[drop]
        if estimate + SLACK <= budget:
            return estimate
        if estimate > budget * SURE_TOO_LONG:
            return None  # counting a history this long would cost as much as it is long
        tokens = count_tokens(system + rest[drop:])
        return tokens if tokens <= budget else None

    def user_first(drop: int) -> int:  # do not start the kept history with an assistant reply
        while drop < len(rest) - 1 and rest[drop]["role"] == "assistant":
            drop += 1
        return drop

    tokens = fits(0)
    if tokens is not None:
        return FitResult(msgs, tokens, 0)
    if keep_from is not None and 0 < keep_from < len(rest) and rest[keep_from]["role"] != "assistant":
        tokens = fits(keep_from)
        if tokens is not None:
            return FitResult(system + rest[keep_from:], tokens, keep_from)

    # A new cut: keep the newest messages whose sizes fill REFILL of the room.
    drop = len(rest) - 1
    while drop > 1 and fixed + suffix[drop - 1] <= budget * REFILL:
        drop -= 1
    drop = user_first(drop)
    tokens = fits(drop)
    while tokens is None and drop < len(rest) - 1:  # the sizes were too small: leave out more
        drop = user_first(drop + 1)
        tokens = fits(drop)
    if tokens is None:
        raise _too_long(count_tokens(system + rest[-1:]), budget, n_ctx)
    return FitResult(system + rest[drop:], tokens, drop)


def _too_long(need: int, budget: int, n_ctx: int) -> ContextOverflowError:
    return ContextOverflowError(
        _("This message is too long for the model's context: it needs about {need:,} tokens, "
          "and {budget:,} are available ({n_ctx:,} in the context minus {kept:,} kept for the reply). "
          "Shorten it, or raise the context length in the settings.").format(
            need=need, budget=budget, n_ctx=n_ctx, kept=n_ctx - budget)
    )
