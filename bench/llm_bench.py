"""Engine and chat-service benchmarks on the real model, each ratio measured side by side."""

from __future__ import annotations

import threading
import time

from common import THREADS, fresh_home, median, model_path, raw_decode_rate, report

PROMPT = "Write a long, detailed story about a lighthouse keeper and the sea."


def decode_ratio(rounds: int = 5, n: int = 200) -> None:
    """Decode speed through ChatService (with SQLite checkpoints) ÷ raw llama-cpp-python."""
    from llama_cpp import Llama

    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.runtime import open_runtime

    fresh_home()
    rt = open_runtime()
    rt.engine.load(model_path(), n_ctx=2048, n_threads=THREADS)
    raw = Llama(str(model_path()), n_ctx=2048, n_threads=THREADS, n_threads_batch=THREADS, seed=5, verbose=False)
    tokens = rt.engine.format_prompt([{"role": "user", "content": PROMPT}])
    app_rates, raw_rates = [], []
    for _ in range(rounds):
        # Raw: the same prompt tokens, same sampler settings, timed from first to last token.
        raw_rates.append(raw_decode_rate(raw, tokens, n))
        conv = rt.service.new_conversation()
        rt.engine._llm.reset()  # no prefix advantage for the app path either
        result = rt.service.send(conv.id, PROMPT, sampling=SamplingParams(max_tokens=n, temperature=0.7, seed=5))
        app_rates.append(result.reply.stats["tokens_per_second"])
    report("decode_tokens_per_s_app", median(app_rates), "tok/s", "info")
    report("decode_tokens_per_s_raw", median(raw_rates), "tok/s", "info")
    report("decode_ratio_app_over_raw", median(app_rates) / median(raw_rates), "x", ">= 0.97")
    raw.close()
    rt.close()


def _raw_chat(llm, messages: list[dict], s) -> tuple[float, str]:
    """One turn through llama-cpp-python's own chat path: (seconds to the first text, reply)."""
    started = time.perf_counter()
    first, parts = None, []
    for chunk in llm.create_chat_completion(messages, stream=True, max_tokens=s.max_tokens, temperature=s.temperature,
                                            top_k=s.top_k, top_p=s.top_p, min_p=s.min_p,
                                            repeat_penalty=s.repeat_penalty, seed=s.seed):
        text = chunk["choices"][0]["delta"].get("content")
        if text:
            first = first or time.perf_counter()
            parts.append(text)
    return first - started, "".join(parts)


def ttft_turns(turns: int = 20) -> None:
    """Time to first token of turn 20 ÷ turn 1, and of returning to that chat after another.

    Time to first token is measured as a caller sees it: from the call to the first
    text (``ChatService.send``: saving the question, reading the branch, fitting,
    the template, the prompt's evaluation). Side by side, turn by turn, the same
    chats go through llama-cpp-python alone (``create_chat_completion`` on its own
    ``Llama``, which also keeps its KV cache and reuses the longest prefix), in the
    same order: a warm-up chat, then one chat after another, so that in both a new
    chat's turn 1 finds the previous chat's system prompt already evaluated.

    Measured twice more: the way the window drives it, where a pause in typing lets
    the engine evaluate the prompt up to the draft (``ChatService.prefill``) before
    Send (turn 1 of a new chat has no conversation to evaluate ahead for, so it is
    the same); and a chat ten times longer than the context, where the oldest
    messages are left out (``chat/history_fit.py``).
    """
    from llama_cpp import Llama

    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.runtime import open_runtime

    fresh_home()
    rt = open_runtime()
    rt.engine.load(model_path(), n_ctx=4096, n_threads=THREADS)
    raw = Llama(str(model_path()), n_ctx=4096, n_threads=THREADS, n_threads_batch=THREADS, seed=1, verbose=False)
    s = SamplingParams(max_tokens=40, temperature=0.7, seed=1)

    def say(conv_id: int, text: str, typed: bool = False) -> tuple[float, dict]:
        if typed:
            rt.service.prefill(conv_id, text)  # a pause in typing before Send
        started, first = time.perf_counter(), []
        result = rt.service.send(conv_id, text, sampling=s, on_delta=lambda _t: first or first.append(time.perf_counter()))
        return first[0] - started, result.reply.stats

    warm = rt.service.new_conversation()  # the first generation after a load pays one-off set-up
    say(warm.id, "Hello there.")
    _raw_chat(raw, [{"role": "user", "content": "Hello there."}], s)

    app, side = {"first": [], "last": []}, {"first": [], "last": []}
    for topic in ("the ocean", "deserts", "volcanoes"):  # one sample per turn is noisy: three chats
        a = rt.service.new_conversation()
        history: list[dict] = []
        for i in range(turns):
            text = f"Tell me one more fact about {topic}, with some detail (turn {i})."
            t_app, st = say(a.id, text)
            history.append({"role": "user", "content": text})
            t_raw, reply = _raw_chat(raw, history, s)
            history.append({"role": "assistant", "content": reply})
            if i in (0, turns - 1):
                app["first" if i == 0 else "last"].append(t_app)
                side["first" if i == 0 else "last"].append(t_raw)
    prompt_tokens = st["prompt_tokens"]
    b = rt.service.new_conversation()
    for i in range(3):
        say(b.id, f"Other chat {i}: describe a mountain.")
    back, _ = say(a.id, "Back again: one more fact.")
    say(b.id, "Other chat again.")
    rt.engine.state_cache.clear()  # the plain return without the state cache: what a cold prefill costs
    cold, _ = say(a.id, "And another fact.")

    typed_first, typed_last = [], []
    for topic in ("forests", "rivers"):
        c = rt.service.new_conversation()
        for i in range(turns):
            t, _ = say(c.id, f"Tell me one more fact about {topic}, with some detail (turn {i}).", typed=i > 0)
            (typed_first if i == 0 else typed_last if i == turns - 1 else []).append(t)
    say(b.id, "Other chat, once more.")
    typed_back, _ = say(c.id, "Back again: one more fact.", typed=True)
    long_first, long_next = _long_chat(rt, say)

    first, last = median(app["first"]), median(app["last"])
    raw_first, raw_last = median(side["first"]), median(side["last"])
    report("ttft_turn1", first, "s", "info; through ChatService.send")
    report(f"ttft_turn{turns}", last, "s", f"info; history {prompt_tokens} tokens")
    report(f"ttft_turn{turns}_over_turn1", last / first, "x", "<= 1.0")
    report(f"ttft_raw_turn{turns}_over_turn1", raw_last / raw_first, "x",
           f"info; llama-cpp-python alone, same chats: turn {turns} {raw_last:.3f} s, turn 1 {raw_first:.3f} s")
    report(f"ttft_turn{turns}_app_over_raw", last / raw_last, "x",
           "info; the app's own cost at this turn: saving the question, reading the branch, fitting")
    report("ttft_switch_back_over_turn1", back / first, "x", "<= 2")
    report("ttft_switch_back_without_state_cache_over_turn1", cold / first, "x", "info")
    t_first, t_last = median(typed_first), median(typed_last)
    report(f"ttft_turn{turns}_over_turn1_as_typed_in_window", t_last / t_first, "x",
           f"<= 1.0; turn {turns} {t_last:.3f} s, turn 1 {t_first:.3f} s")
    report("ttft_switch_back_over_turn1_as_typed_in_window", typed_back / t_first, "x", "<= 2")
    report("ttft_long_chat_next_turn", long_next, "s",
           f"info; a chat 10x the context, the turn after the first ({long_first:.2f} s, which reads the context)")
    report("ttft_long_chat_next_turn_over_turn1", long_next / first, "x", "<= 2")
    raw.close()
    rt.close()


def _long_chat(rt, say) -> tuple[float, float]:
    """A chat ten times the context (4096 tokens): its first turn reads the kept part; the
    median of the next three is what a person waits for once the chat is open."""
    conv = rt.service.new_conversation()
    for i in range(300):  # ~40k tokens of history
        rt.store.add_message(conv.id, "user", f"Note {i}: the keeper counted {i} ships and {i + 3} gulls today. " * 2)
        rt.store.add_message(conv.id, "assistant", f"Noted: number {i}, the tide and the light were as usual. " * 2)
    first, _ = say(conv.id, "How many notes were there?")
    nexts = [say(conv.id, q)[0] for q in ("And how many gulls?", "Which note came last?", "Thank you. Anything else?")]
    return first, median(nexts)


def stop_latency(rounds: int = 5) -> None:
    """Time from Stop to the end of the stream, while decoding and while evaluating a long prompt."""
    from aigc_desktop.llm.engine import LlamaEngine
    from aigc_desktop.llm.sampling import SamplingParams

    engine = LlamaEngine()
    engine.load(model_path(), n_ctx=4096, n_threads=THREADS)

    def measure(messages, delay_s: float, after_first_delta: bool) -> float:
        # Stop comes from another thread, as the GUI's does, at an arbitrary
        # moment: usually while the worker is inside llama_decode.
        cancel = threading.Event()
        fired = {}

        def fire():
            fired["t"] = time.perf_counter()
            cancel.set()

        timer = threading.Timer(delay_s, fire)
        if not after_first_delta:
            timer.start()
        for delta in engine.stream_chat(messages, SamplingParams(max_tokens=400, temperature=0.7), cancel):
            if delta.done:
                ended = time.perf_counter()
                assert delta.stats.finish_reason == "cancelled", delta.stats
                break
            if after_first_delta and timer.ident is None:
                timer.start()
        timer.cancel()
        engine._llm.reset()
        return ended - fired["t"]

    decode = [measure([{"role": "user", "content": PROMPT}], 0.2 + 0.037 * i, True) for i in range(rounds)]
    long_prompt = [{"role": "user", "content": "Summarise this. " + "The quick brown fox jumps. " * 500}]
    prefill = [measure(long_prompt, 0.2 + 0.05 * i, False) for i in range(rounds)]
    report("stop_latency_decoding", max(decode) * 1000, "ms", "< 100")
    report("stop_latency_prompt_eval", max(prefill) * 1000, "ms", "< 100")
    engine.unload()
