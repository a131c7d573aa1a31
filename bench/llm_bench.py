"""Engine and chat-service benchmarks on the real model, each ratio measured side by side."""

from __future__ import annotations

import threading
import time

from common import THREADS, fresh_home, median, model_path, report

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
        raw.reset()
        raw.set_seed(5)
        first = last = None
        count = 0
        for _tok in raw.generate(tokens, top_k=40, top_p=0.95, min_p=0.05, temp=0.7, repeat_penalty=1.1):
            now = time.perf_counter()
            first = first or now
            last = now
            count += 1
            if count >= n:
                break
        raw_rates.append((count - 1) / (last - first))
        conv = rt.service.new_conversation()
        rt.engine._llm.reset()  # no prefix advantage for the app path either
        result = rt.service.send(conv.id, PROMPT, sampling=SamplingParams(max_tokens=n, temperature=0.7, seed=5))
        app_rates.append(result.reply.stats["tokens_per_second"])
    report("decode_tokens_per_s_app", median(app_rates), "tok/s", "info")
    report("decode_tokens_per_s_raw", median(raw_rates), "tok/s", "info")
    report("decode_ratio_app_over_raw", median(app_rates) / median(raw_rates), "x", ">= 0.97")
    raw.close()
    rt.close()


def ttft_turns(turns: int = 20) -> None:
    """Time to first token of turn 20 ÷ turn 1, and of returning to that chat after another.

    Measured twice: through ``ChatService.send`` alone (the CLI's path), and the
    way the window drives it, where a pause in typing lets the engine evaluate
    the prompt up to the draft
    (``ChatService.prefill``) before Send. Turn 1 of a new chat has no
    conversation to evaluate ahead for, so it is the same in both.
    """
    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.runtime import open_runtime

    fresh_home()
    rt = open_runtime()
    rt.engine.load(model_path(), n_ctx=4096, n_threads=THREADS)
    s = SamplingParams(max_tokens=40, temperature=0.7, seed=1)
    warm = rt.service.new_conversation()  # the first generation after a load pays one-off set-up
    rt.service.send(warm.id, "Hello there.", sampling=s)

    def say(conv_id: int, text: str, typed: bool):
        if typed:
            rt.service.prefill(conv_id, text)  # a pause in typing before Send
        return rt.service.send(conv_id, text, sampling=s).reply.stats

    results = {}
    for typed, topics in ((False, ("the ocean", "deserts")), (True, ("forests", "rivers"))):
        firsts, lasts = [], []
        for topic in topics:  # two conversations each: one sample per turn is noisy
            a = rt.service.new_conversation()
            for i in range(turns):
                st = say(a.id, f"Tell me one more fact about {topic}, with some detail (turn {i}).", typed and i > 0)
                (firsts if i == 0 else lasts if i == turns - 1 else []).append(st["time_to_first_token"])
        b = rt.service.new_conversation()
        for i in range(3):
            say(b.id, f"Other chat {i}: describe a mountain.", typed and i > 0)
        back = say(a.id, "Back again: one more fact.", typed)
        results[typed] = (median(firsts), median(lasts), back, st["prompt_tokens"])
    # The plain return without the state cache: what a cold prefill costs.
    say(b.id, "Other chat again.", False)
    rt.engine.state_cache.clear()
    cold = say(a.id, "And another fact.", False)

    first, last, back, prompt_tokens = results[False]
    report("ttft_turn1", first, "s", "info")
    report(f"ttft_turn{turns}", last, "s", f"info; history {prompt_tokens} tokens")
    report(f"ttft_turn{turns}_over_turn1", last / first, "x", "<= 1.0")
    report("ttft_switch_back_over_turn1", back["time_to_first_token"] / first, "x", "<= 2")
    report("ttft_switch_back_without_state_cache_over_turn1", cold["time_to_first_token"] / first, "x", "info")
    t_first, t_last, t_back, _ = results[True]
    report(f"ttft_turn{turns}_over_turn1_as_typed_in_window", t_last / t_first, "x",
           f"<= 1.0; turn {turns} {t_last:.3f} s, turn 1 {t_first:.3f} s")
    report("ttft_switch_back_over_turn1_as_typed_in_window", t_back["time_to_first_token"] / t_first, "x", "<= 2")
    rt.close()


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
