"""Fitting a history into the context with known message sizes (llm/context.fit_sized): no model needed."""

from __future__ import annotations

import pytest

from aigc_desktop.errors import ContextOverflowError
from aigc_desktop.llm.context import REFILL, SLACK, fit_messages, fit_sized, reply_budget

N_CTX, MAX_TOKENS = 1000, 200
BUDGET = N_CTX - reply_budget(N_CTX, MAX_TOKENS)  # 800


class Counter:
    """One token per character plus 4 per message; records how many tokens each count read."""

    def __init__(self) -> None:
        self.read: list[int] = []

    def __call__(self, messages) -> int:
        tokens = sum(len(m["content"]) + 4 for m in messages)
        self.read.append(tokens)
        return tokens


def chat(turns: int, question: int = 40, answer: int = 60, system: str | None = "Be brief.") -> list[dict]:
    msgs = [{"role": "system", "content": system}] if system else []
    for i in range(turns):
        msgs.append({"role": "user", "content": f"q{i:03d}".ljust(question, ".")})
        msgs.append({"role": "assistant", "content": f"a{i:03d}".ljust(answer, ".")})
    return msgs


def exact_sizes(msgs) -> list[int]:
    return [len(m["content"]) + 4 for m in msgs]


def test_a_history_that_fits_is_sent_whole_without_counting():
    """Nothing is left out when the whole history fits, and a prompt well inside the room
    is not tokenised again: the sizes (plus the template's overhead) say it fits."""
    msgs = chat(3)
    count = Counter()
    fit = fit_sized(msgs, exact_sizes(msgs), count, N_CTX, MAX_TOKENS, overhead=7)
    assert fit.messages == msgs and fit.dropped == 0 and count.read == []
    assert fit.prompt_tokens == Counter()(msgs) + 7


def test_near_the_limit_the_prompt_is_counted_exactly():
    """Within SLACK of the room the estimate is not trusted: an exact count decides."""
    msgs = chat(7)  # 713 tokens by the sizes
    sizes = exact_sizes(msgs)
    overhead = BUDGET - sum(sizes) - SLACK + 1  # the estimate is just inside the margin
    count = Counter()
    fit = fit_sized(msgs, sizes, count, N_CTX, MAX_TOKENS, overhead=overhead)
    assert count.read and fit.dropped == 0 and fit.prompt_tokens == Counter()(msgs)
    # The same estimate, but the template really adds 100 tokens: the count says it does not fit.
    fit = fit_sized(msgs, sizes, lambda m: Counter()(m) + 100, N_CTX, MAX_TOKENS, overhead=overhead)
    assert fit.dropped > 0 and Counter()(fit.messages) + 100 <= BUDGET


def test_a_long_history_is_never_counted_whole():
    """On a history fifty times the context nothing longer than the room is counted
    (with exact sizes, nothing at all: the cut is well inside it)."""
    msgs = chat(400) + [{"role": "user", "content": "last"}]
    count = Counter()
    fit = fit_sized(msgs, exact_sizes(msgs), count, N_CTX, MAX_TOKENS)
    assert count.read == []
    assert fit.prompt_tokens <= BUDGET and fit.prompt_tokens == Counter()(fit.messages)
    assert fit.messages[0]["role"] == "system" and fit.messages[-1]["content"] == "last"
    assert fit.messages[1]["role"] == "user"  # the kept history does not open with a reply
    assert len(fit.messages) - 1 + fit.dropped == len(msgs) - 1


def test_a_new_cut_leaves_room_for_the_next_turns():
    """A cut keeps at most REFILL of the room, so the turns after it fit without moving it."""
    msgs = chat(40) + [{"role": "user", "content": "next"}]
    fit = fit_sized(msgs, exact_sizes(msgs), Counter(), N_CTX, MAX_TOKENS)
    assert fit.prompt_tokens <= BUDGET * REFILL
    # Two more turns later the same first message still fits and is kept.
    later = msgs + [{"role": "assistant", "content": "x" * 60}, {"role": "user", "content": "y" * 40}]
    again = fit_sized(later, exact_sizes(later), Counter(), N_CTX, MAX_TOKENS, keep_from=fit.dropped)
    assert again.dropped == fit.dropped and again.messages[1] == fit.messages[1]


def test_the_kept_start_moves_only_when_it_no_longer_fits():
    """keep_from is honoured while that prompt fits; past the budget a new cut is made."""
    msgs = chat(30)
    first = fit_sized(msgs, exact_sizes(msgs), Counter(), N_CTX, MAX_TOKENS)
    grown = list(msgs)
    while True:
        grown += [{"role": "user", "content": "u" * 40}, {"role": "assistant", "content": "r" * 60}]
        fit = fit_sized(grown, exact_sizes(grown), Counter(), N_CTX, MAX_TOKENS, keep_from=first.dropped)
        if fit.dropped != first.dropped:
            break
        assert fit.prompt_tokens <= BUDGET
    assert Counter()(grown[:1] + grown[1 + first.dropped:]) > BUDGET  # it moved because it had to
    assert fit.dropped > first.dropped and fit.prompt_tokens <= BUDGET * REFILL


def test_sizes_slightly_small_near_the_limit_still_give_a_prompt_that_fits():
    """Each size two tokens short: where the estimate comes near the room, counting catches it."""
    msgs = chat(100)
    fit = fit_sized(msgs, [n - 2 for n in exact_sizes(msgs)], Counter(), N_CTX, MAX_TOKENS,
                    keep_from=len(msgs) - 15)  # a start that the estimate puts just inside the room
    assert Counter()(fit.messages) <= BUDGET


def test_a_kept_start_on_a_reply_is_not_used():
    """A remembered start that now points at an assistant reply is ignored (the kept history opens with the user)."""
    msgs = chat(30)
    fit = fit_sized(msgs, exact_sizes(msgs), Counter(), N_CTX, MAX_TOKENS, keep_from=len(msgs) - 4)
    assert fit.messages[1]["role"] == "user"


def test_newest_message_alone_too_long_is_refused():
    """The newest message alone over the budget raises the same error as fit_messages."""
    msgs = chat(3) + [{"role": "user", "content": "z" * 2000}]
    with pytest.raises(ContextOverflowError, match="too long"):
        fit_sized(msgs, exact_sizes(msgs), Counter(), N_CTX, MAX_TOKENS)
    with pytest.raises(ContextOverflowError, match="too long"):
        fit_messages(msgs, Counter(), N_CTX, MAX_TOKENS)


def test_one_size_per_message():
    """Sizes that do not line up with the messages are a bug, refused loudly."""
    with pytest.raises(ValueError):
        fit_sized(chat(2), [1], Counter(), N_CTX, MAX_TOKENS)
