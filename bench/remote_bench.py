"""Remote engines, the local API and compare, each ratio measured side by side in one run.

    remote_ratio   tokens/s through RemoteEngine ÷ the openai client alone, same llama_cpp.server (goal ≥ 0.97)
    remote_stop    Stop pressed mid-reply until the stream has returned (goal ≤ 100 ms)
    serve_ratio    tokens/s through `serve` (LocalServer + openai client) ÷ in-process LlamaEngine (goal ≥ 0.95)
    compare_local  compare of two local models, total ÷ sum of the single runs (goal ≤ 1.10)
    two_llamas     two Llama objects decoding at once vs one after another (why compare loads one at a time)

Rounds alternate between the two sides so that a busy machine slows both alike.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

from common import THREADS, fresh_home, median, model_path, report

PROMPT = "Write a long, detailed story about a lighthouse keeper and the sea."
N = 128


def _start_server():
    root = Path(__file__).resolve().parents[1]
    sys.path.insert(0, str(root))
    from tests.llama_server import free_port

    import httpx2

    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model_path()),
                             "--model_alias", "smollm2", "--host", "127.0.0.1", "--port", str(port),
                             "--n_ctx", "4096", "--n_threads", str(THREADS)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/v1"
    for _ in range(600):
        try:
            if httpx2.get(url + "/models", timeout=2).status_code == 200:
                return proc, url
        except httpx2.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise SystemExit("llama_cpp.server did not start")


def _rate(stamps: list[float]) -> float:
    return (len(stamps) - 1) / (stamps[-1] - stamps[0]) if len(stamps) > 1 else 0.0


def _openai_rate(url: str, model: str, n: int = N) -> float:
    import openai

    client = openai.OpenAI(base_url=url, api_key="x", max_retries=0)
    stamps = []
    for chunk in client.chat.completions.create(
            model=model, messages=[{"role": "user", "content": PROMPT}], max_tokens=n, stream=True,
            temperature=0.7, top_p=0.95, seed=5, extra_body={"top_k": 40, "min_p": 0.05, "repeat_penalty": 1.1}):
        if chunk.choices and chunk.choices[0].delta.content:
            stamps.append(time.perf_counter())
    client.close()
    return _rate(stamps)


def _engine_rate(engine, n: int = N) -> float:
    from aigc_desktop.llm.sampling import SamplingParams

    stamps = []
    for delta in engine.stream_chat([{"role": "user", "content": PROMPT}],
                                    SamplingParams(max_tokens=n, seed=5), cache_key="bench"):
        if delta.text:
            stamps.append(time.perf_counter())
    return _rate(stamps)


def remote_ratio(rounds: int = 5) -> None:
    """RemoteEngine ÷ the bare openai client, and Stop latency, against one llama_cpp.server."""
    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.providers.config import Provider
    from aigc_desktop.providers.remote import RemoteEngine

    fresh_home()
    proc, url = _start_server()
    try:
        engine = RemoteEngine(Provider("bench", url, "llama.cpp", 4096))
        engine.load("smollm2")
        ours, bare = [], []
        _openai_rate(url, "smollm2", 8)  # warm-up
        for _ in range(rounds):
            bare.append(_openai_rate(url, "smollm2"))
            ours.append(_engine_rate(engine))
        report("remote_ratio", median(ours) / median(bare), "x", "≥ 0.97")
        print(f"#   RemoteEngine {median(ours):.1f} tok/s, openai client {median(bare):.1f} tok/s", flush=True)
        latencies = []
        for _ in range(5):
            cancel = threading.Event()
            stream = engine.stream_chat([{"role": "user", "content": PROMPT}], SamplingParams(max_tokens=2000), cancel)
            next(stream)
            pressed = time.perf_counter()
            cancel.set()
            list(stream)
            latencies.append((time.perf_counter() - pressed) * 1000)
        report("remote_stop", median(latencies), "ms", "≤ 100")
        engine.close()
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def serve_ratio(rounds: int = 5) -> None:
    """The app's model through `serve` (HTTP + SSE + openai client) ÷ the same engine in-process."""
    from aigc_desktop.llm.engine import LlamaEngine
    from aigc_desktop.server.local import LocalServer

    fresh_home()
    engine = LlamaEngine()
    engine.load(model_path(), n_ctx=2048, n_threads=THREADS)
    server = LocalServer(engine, port=0)
    url = server.start()
    try:
        served, direct = [], []
        _engine_rate(engine, 8)
        for _ in range(rounds):
            direct.append(_engine_rate(engine))
            served.append(_openai_rate(url, engine.model.name))
        report("serve_ratio", median(served) / median(direct), "x", "≥ 0.95")
        print(f"#   served {median(served):.1f} tok/s, in-process {median(direct):.1f} tok/s", flush=True)
    finally:
        server.stop()
        engine.unload()


def compare_local(rounds: int = 3) -> None:
    """Compare of two local models (the starter and a renamed link to it): total ÷ sum of single runs.

    Each single run is what compare does for one model: load it, answer. Compare
    loads them one after another in the one engine, so the goal is no overhead.
    """
    from aigc_desktop.chat.compare import CompareService
    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.runtime import open_runtime

    home = fresh_home()
    second = home / "SmolLM2-copy.gguf"
    os.symlink(model_path(), second)
    models = [str(model_path()), str(second)]
    rt = open_runtime()
    sampling = SamplingParams(max_tokens=N, seed=5)
    service = CompareService(rt.service, rt.router, n_ctx=2048, n_threads=THREADS)
    ratios = []
    for _ in range(rounds):
        singles = 0.0
        for m in models:
            rt.engine.unload()
            t0 = time.perf_counter()
            rt.engine.load(m, n_ctx=2048, n_threads=THREADS)
            conv = rt.service.new_conversation(model=m)
            rt.service.send(conv.id, PROMPT, sampling=sampling)
            singles += time.perf_counter() - t0
        rt.engine.unload()
        t0 = time.perf_counter()
        service.compare(None, PROMPT, models, sampling=sampling, restore_local=False)
        ratios.append((time.perf_counter() - t0) / singles)
    report("compare_local", median(ratios), "x", "≤ 1.10")
    rt.close()


def two_llamas(n: int = N) -> None:
    """Memory and speed of two Llama objects decoding at the same time, against one after another."""
    import psutil
    from llama_cpp import Llama

    proc = psutil.Process()
    before = proc.memory_info().rss
    a = Llama(str(model_path()), n_ctx=2048, n_threads=THREADS, verbose=False)
    one = proc.memory_info().rss
    b = Llama(str(model_path()), n_ctx=2048, n_threads=THREADS, verbose=False)
    two = proc.memory_info().rss
    tokens = a.tokenize(PROMPT.encode())

    def run(llm, out):
        llm.reset()
        t0 = time.perf_counter()
        for i, _tok in enumerate(llm.generate(tokens, temp=0.7, top_k=40)):
            if i + 1 >= n:
                break
        out.append(time.perf_counter() - t0)

    seq: list[float] = []
    run(a, seq)
    run(b, seq)
    par: list[float] = []
    t0 = time.perf_counter()
    threads = [threading.Thread(target=run, args=(llm, par)) for llm in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    together = time.perf_counter() - t0
    report("two_llamas_parallel_over_sequential", together / sum(seq), "x", "< 1 would favour two at once")
    print(f"#   RSS: +{(one - before) / 2**20:.0f} MB for the first Llama, +{(two - one) / 2**20:.0f} MB for the "
          f"second (model file {model_path().stat().st_size / 2**20:.0f} MB)", flush=True)
    a.close()
    b.close()


def run() -> None:
    remote_ratio()
    serve_ratio()
    compare_local()
    two_llamas()


if __name__ == "__main__":
    run()
