"""Evaluating the next turn's prompt while the person types: same reply, fewer tokens at send."""

from __future__ import annotations

import threading


from aigc_desktop.llm.engine import collect
from aigc_desktop.llm.sampling import SamplingParams

GREEDY = SamplingParams(max_tokens=20, temperature=0.0, seed=5)
HISTORY = [
    {"role": "user", "content": "Name a river in China."},
    {"role": "assistant", "content": "The Yangtze (长江) is the longest river in China."},
]
QUESTION = "How long is it, and which cities does it pass? 请用中文回答。"


class _Counting:
    """Counts the tokens llama.cpp is asked to evaluate."""

    def __init__(self, llm) -> None:
        self.llm, self.calls = llm, []
        self.original = llm.eval

    def __enter__(self):
        def counting(tokens):
            self.calls.append(len(tokens))
            return self.original(tokens)

        self.llm.eval = counting
        return self

    def __exit__(self, *exc) -> None:
        del self.llm.eval

    @property
    def prompt(self) -> int:
        return self.calls[0] if self.calls else 0


def _reset(engine) -> None:
    engine.state_cache.clear()
    engine._llm.reset()


def test_prefilled_draft_gives_the_same_reply_with_fewer_tokens(real_engine):
    msgs = HISTORY + [{"role": "user", "content": QUESTION}]
    _reset(real_engine)
    with _Counting(real_engine._llm) as cold:
        direct, stats = collect(real_engine.stream_chat(msgs, GREEDY, cache_key="river"))

    _reset(real_engine)
    collect(real_engine.stream_chat(HISTORY[:1], SamplingParams(max_tokens=1, temperature=0), cache_key="river"))
    assert real_engine.prefill(HISTORY, "", cache_key="river") > 0  # the turn's closing tags
    assert real_engine.prefill(HISTORY, QUESTION[:20], cache_key="river") > 0  # half typed
    assert real_engine.prefill(HISTORY, QUESTION, cache_key="river") > 0  # the rest
    with _Counting(real_engine._llm) as warm:
        after, _ = collect(real_engine.stream_chat(msgs, GREEDY, cache_key="river"))
    assert after == direct
    assert cold.prompt == stats.prompt_tokens
    # Only the assistant header (and a re-split last draft token) is left for the send.
    assert warm.prompt <= 8 < cold.prompt


def test_prefill_is_idempotent_and_cancellable(real_engine):
    _reset(real_engine)
    assert real_engine.prefill(HISTORY, QUESTION, cache_key="idem") > 0
    assert real_engine.prefill(HISTORY, QUESTION, cache_key="idem") == 0  # already evaluated
    cancelled = threading.Event()
    cancelled.set()
    assert real_engine.prefill(HISTORY, QUESTION + " More words.", cancelled, cache_key="idem") == 0


def test_prefill_skips_a_history_that_needs_fitting(real_engine):
    long_history = [{"role": "user", "content": "word " * 1200}, {"role": "assistant", "content": "ok " * 600}]
    _reset(real_engine)
    assert real_engine.prefill(long_history, "next", cache_key="long", max_tokens=512) == 0
    assert real_engine._llm.n_tokens == 0


def test_prefill_keeps_the_other_conversations_state(real_engine):
    """Prefilling conversation B while A owns the context saves A's state first."""
    _reset(real_engine)
    collect(real_engine.stream_chat(HISTORY + [{"role": "user", "content": QUESTION}], GREEDY, cache_key="A"))
    real_engine.prefill(HISTORY[:1] + [{"role": "assistant", "content": "Hi."}], "Draft", cache_key="B")
    assert "A" in real_engine.state_cache.keys()


def test_reply_after_an_interrupted_prefill_is_unchanged(real_engine):
    """Whenever the cancel lands (before, inside or after llama_decode), the next reply is the same."""
    draft = "Summarise: " + "The river flows east to the sea. " * 60
    msgs = HISTORY + [{"role": "user", "content": draft}]
    _reset(real_engine)
    direct, _ = collect(real_engine.stream_chat(msgs, GREEDY, cache_key="cut"))
    for delay in (0.0, 0.05, 0.2):
        _reset(real_engine)
        cancel = threading.Event()
        timer = threading.Timer(delay, cancel.set)
        timer.start()
        real_engine.prefill(HISTORY, draft, cancel, cache_key="cut")
        timer.join()
        after, _ = collect(real_engine.stream_chat(msgs, GREEDY, cache_key="cut"))
        assert after == direct
