"""Run every benchmark on the real model and print one line per metric:

    name: value unit (goal …)

    uv run python bench/run_all.py

Ratios are measured side by side in one run. Never part of the test suite.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import gui_bench  # noqa: E402
import llm_bench  # noqa: E402
import startup_bench  # noqa: E402
from common import THREADS  # noqa: E402


def machine() -> str:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {cpu}, Python {platform.python_version()}, {THREADS} threads"


def main() -> None:
    print(f"# machine: {machine()}", flush=True)
    only = set(sys.argv[1:])
    steps = [
        ("decode", llm_bench.decode_ratio),
        ("ttft", llm_bench.ttft_turns),
        ("stop", llm_bench.stop_latency),
        ("gui", gui_bench.run),
        ("startup", startup_bench.run),
    ]
    for name, fn in steps:
        if not only or name in only:
            fn()


if __name__ == "__main__":
    main()
