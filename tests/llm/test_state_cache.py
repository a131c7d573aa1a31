"""Per-conversation KV state: same output after a switch, stopped replies cached, byte budget."""

from __future__ import annotations

import threading

import numpy as np

from aigc_desktop.llm.engine import collect
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.llm.state_cache import SavedState, StateCache

GREEDY = SamplingParams(max_tokens=24, temperature=0.0, seed=11)


def _history(topic: str, turns: int) -> list[dict]:
    msgs = []
    for i in range(turns):
        msgs.append({"role": "user", "content": f"Tell me fact {i} about {topic}. " + "Details please. " * 10})
        msgs.append({"role": "assistant", "content": f"Fact {i} about {topic}: " + "it is interesting. " * 12})
    msgs.append({"role": "user", "content": f"Summarise {topic} in one line."})
    return msgs


def test_identical_reply_after_switch(real_engine):
    """Conversation A answered directly equals A answered after a detour through B."""
    a, b = _history("rivers", 6), _history("mountains", 6)
    real_engine.state_cache.clear()
    collect(real_engine.stream_chat(a[:-1] + [{"role": "user", "content": "warm up"}], GREEDY, cache_key="A"))
    direct, _ = collect(real_engine.stream_chat(a, GREEDY, cache_key="A"))
    collect(real_engine.stream_chat(b, GREEDY, cache_key="B"))
    assert "A" in real_engine.state_cache.keys()
    after, stats = collect(real_engine.stream_chat(a, GREEDY, cache_key="A"))
    assert real_engine.last_restore == "A"
    assert after == direct


def test_restored_state_skips_prefill(real_engine):
    """After a restore only the new suffix is evaluated: llama.cpp's token counter proves it."""
    a, b = _history("tea", 8), _history("coffee", 8)
    collect(real_engine.stream_chat(a, GREEDY, cache_key="tea"))
    collect(real_engine.stream_chat(b, GREEDY, cache_key="coffee"))
    follow = a + [{"role": "assistant", "content": "Tea is a drink."}, {"role": "user", "content": "More?"}]
    llm = real_engine._llm
    evaluated = []
    original = llm.eval

    def counting_eval(tokens):
        evaluated.append(len(tokens))
        return original(tokens)

    llm.eval = counting_eval
    try:
        _, stats = collect(real_engine.stream_chat(follow, SamplingParams(max_tokens=2, temperature=0), cache_key="tea"))
    finally:
        del llm.eval
    assert real_engine.last_restore == "tea"
    assert evaluated[0] < stats.prompt_tokens // 3  # the suffix, not the whole history


def test_stopped_reply_still_cached(real_engine):
    """A reply cut by Stop leaves its conversation's state in the cache when another takes over."""
    cancel = threading.Event()
    stream = real_engine.stream_chat(_history("sand", 3), SamplingParams(max_tokens=200, temperature=0), cancel,
                                     cache_key="stopped")
    for i, _delta in enumerate(stream):
        if i == 2:
            cancel.set()
    collect(real_engine.stream_chat(_history("glass", 2), GREEDY, cache_key="other"))
    assert "stopped" in real_engine.state_cache.keys()


def test_lru_respects_budget():
    """Entries beyond the byte budget are evicted oldest first; an oversized one is not kept."""
    cache = StateCache(max_bytes=1000)
    tok = np.zeros(10, dtype=np.intc)  # 40 bytes
    for key in "abc":
        cache.put(key, SavedState(tok, b"x" * 400))
    assert cache.keys() == ["b", "c"] and cache.nbytes <= 1000
    cache.get("b")
    cache.put("d", SavedState(tok, b"x" * 400))
    assert cache.keys() == ["b", "d"]
    cache.put("huge", SavedState(tok, b"x" * 5000))
    assert "huge" not in cache.keys()
