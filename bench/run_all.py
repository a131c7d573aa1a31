"""Run every benchmark on the real model and print one line per metric:

    name: value unit (goal …)

    uv run python bench/run_all.py                  # all of them
    uv run python bench/run_all.py import search    # only these steps

Ratios are measured side by side in one run. Never part of the test suite.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import history_bench  # noqa: E402
import export_bench  # noqa: E402
import llm_bench  # noqa: E402
import remote_bench  # noqa: E402
import startup_bench  # noqa: E402
import writing_bench  # noqa: E402
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


def gui_in_subprocess(script: str = "gui_bench.py") -> None:
    """The GUI benchmark gets a process of its own: Qt's state and a crash at exit stay out of the rest."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    proc = subprocess.run([sys.executable, str(Path(__file__).with_name(script))], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=900)
    sys.stdout.write(proc.stdout)
    if proc.returncode != 0:
        err = [l for l in proc.stderr.splitlines() if "propagateSizeHints" not in l]
        print(f"# gui_bench exited with code {proc.returncode}: {' | '.join(err[:2])}", flush=True)


def gui_search_in_subprocess() -> None:
    """Typing into the search box over 100,000 messages: the longest event-loop stall."""
    gui_in_subprocess("gui_search_bench.py")


def main() -> None:
    print(f"# machine: {machine()}", flush=True)
    only = set(sys.argv[1:])
    steps = [
        ("decode", llm_bench.decode_ratio),
        ("ttft", llm_bench.ttft_turns),
        ("stop", llm_bench.stop_latency),
        ("gui", gui_in_subprocess),
        ("startup", startup_bench.run),
        ("import", history_bench.import_speed),
        ("search", history_bench.search_speed),
        ("gui_search", gui_search_in_subprocess),
        ("export", export_bench.run),
        ("remote", remote_bench.remote_ratio),
        ("serve", remote_bench.serve_ratio),
        ("compare", remote_bench.compare_local),
        ("two_llamas", remote_bench.two_llamas),
        ("writing", writing_bench.drafting),
    ]
    for name, fn in steps:
        if not only or name in only:
            fn()


if __name__ == "__main__":
    main()
