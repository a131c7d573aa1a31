"""Decode speed while other programs keep the CPU busy: the app (threads chosen from the free
cores, llm/threads.py) against raw llama-cpp-python at a fixed thread count, side by side."""

from __future__ import annotations

import subprocess
import time

from common import THREADS, fresh_home, median, model_path, raw_decode_rate, report

PROMPT = "Write a long, detailed story about a lighthouse keeper and the sea."


def _busy(n: int) -> list[subprocess.Popen]:
    """``yes > /dev/null`` n times: the other programs of a writer's laptop."""
    return [subprocess.Popen(["yes"], stdout=subprocess.DEVNULL) for _ in range(n)]


def run(rounds: int = 3, n: int = 150) -> None:
    from llama_cpp import Llama

    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.runtime import open_runtime

    fresh_home()
    rt = open_runtime()
    rt.engine.load(model_path(), n_ctx=2048, n_threads=0)  # 0: the app's default, adaptive
    raw = Llama(str(model_path()), n_ctx=2048, n_threads=THREADS, n_threads_batch=THREADS, seed=5, verbose=False)
    tokens = rt.engine.format_prompt([{"role": "user", "content": PROMPT}])
    app: dict[int, float] = {}
    rawr: dict[int, float] = {}
    chosen: dict[int, list[int]] = {}
    for busy_count in (0, 1, 2):
        procs = _busy(busy_count)
        try:
            time.sleep(1.0)  # let them settle on their cores
            app_rates, raw_rates, threads = [], [], []
            for _ in range(rounds):
                raw_rates.append(raw_decode_rate(raw, tokens, n))
                conv = rt.service.new_conversation()
                rt.engine._llm.reset()  # no prefix advantage
                result = rt.service.send(conv.id, PROMPT,
                                         sampling=SamplingParams(max_tokens=n, temperature=0.7, seed=5))
                app_rates.append(result.reply.stats["tokens_per_second"])
                threads.append(result.reply.stats.get("threads"))
            app[busy_count], rawr[busy_count], chosen[busy_count] = median(app_rates), median(raw_rates), threads
        finally:
            for proc in procs:
                proc.kill()
                proc.wait()
        time.sleep(0.5)
    for busy_count, label in ((0, "idle"), (1, "one_busy"), (2, "two_busy")):
        report(f"decode_tokens_per_s_app_{label}", app[busy_count], "tok/s", "info")
        report(f"decode_tokens_per_s_raw_{label}", rawr[busy_count], "tok/s", f"info, {THREADS} threads")
        print(f"# threads the app chose, {label}: {chosen[busy_count]}", flush=True)
    report("decode_app_idle_over_raw_idle", app[0] / rawr[0], "x", ">= 0.97")
    report("decode_app_one_busy_over_idle", app[1] / app[0], "x", ">= 0.6")
    report("decode_app_two_busy_over_idle", app[2] / app[0], "x", "info")
    report("decode_raw_one_busy_over_idle", rawr[1] / rawr[0], "x", "info")
    report("decode_raw_two_busy_over_idle", rawr[2] / rawr[0], "x", "info")
    raw.close()
    rt.close()
