"""Reading a long prompt reports progress, gives the same reply, and still stops."""

from __future__ import annotations

import threading


from aigc_desktop.llm.engine import READ_BATCH, collect
from aigc_desktop.llm.sampling import SamplingParams


S = SamplingParams(max_tokens=12, temperature=0.0, seed=5)


def _long_chat(topic: str = "lighthouse keeper") -> list[dict]:
    msgs = [{"role": "system", "content": f"You answer questions about the {topic}."}]
    for i in range(18):
        msgs.append({"role": "user", "content": f"Note {i}: the keeper counted {i} ships and gulls. " * 3})
        msgs.append({"role": "assistant", "content": f"Noted, number {i}. " * 4})
    msgs.append({"role": "user", "content": "How many notes were there?"})
    return msgs


def test_long_prompt_reports_reading_progress_and_the_same_reply(real_engine):
    """Progress climbs to the total in batches; the reply equals the one read without progress."""
    msgs = _long_chat()
    assert real_engine.count_tokens(msgs) > 2 * READ_BATCH
    seen: list[tuple[int, int]] = []
    text, stats = collect(real_engine.stream_chat(msgs, S, cache_key="progress-a", on_progress=lambda d, t: seen.append((d, t))))
    total = seen[-1][1]
    assert seen[0][0] == 0 and seen[-1] == (total, total) and len(seen) >= 3
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    plain, _ = collect(real_engine.stream_chat(msgs, S, cache_key="progress-b"))
    assert text == plain and stats.finish_reason in ("stop", "length")


def test_stop_while_reading_ends_the_reply_at_once(real_engine):
    """Stop pressed while the prompt is being read: the reply ends cancelled with no text."""
    msgs = _long_chat("harbour master")  # differs from the first token on: nothing is cached
    cancel = threading.Event()
    calls = []

    def progress(done, total):
        calls.append(done)
        cancel.set()  # the person presses Stop after the first batch

    text, stats = collect(real_engine.stream_chat(msgs, S, cancel, cache_key="progress-c", on_progress=progress))
    assert stats.finish_reason == "cancelled" and text == "" and len(calls) <= 2


def test_a_reply_cut_by_the_token_limit_ends_without_a_replacement_character(real_engine):
    """max_tokens may cut a multi-byte character in half: the half is dropped, never shown as U+FFFD."""
    msgs = [{"role": "user", "content": "请用中文写一段很长的话，介绍龘靐齉这几个字。"}]
    for n in range(1, 25):
        text, _ = collect(real_engine.stream_chat(msgs, SamplingParams(max_tokens=n, temperature=0.0, seed=1)))
        assert "\ufffd" not in text, n
