"""Run every benchmark on the real model and print one line per metric:

    name: value unit (goal …)

    uv run python bench/run_all.py                  # all of them
    uv run python bench/run_all.py import search    # only these steps

Ratios are measured side by side in one run. Never part of the test suite.
A step that fails prints ``# <step> FAILED: <error>`` and the others still run;
the exit code is then 1, so a broken benchmark cannot go unnoticed.
"""

from __future__ import annotations

import importlib
import os
import platform
import subprocess
import sys
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

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
    sys.stdout.flush()
    if proc.returncode != 0:
        err = [l for l in proc.stderr.splitlines() if "propagateSizeHints" not in l]
        raise RuntimeError(f"{script} exited with code {proc.returncode}: {' | '.join(err[-3:])}")


def gui_search_in_subprocess() -> None:
    """Typing into the search box over 100,000 messages: the longest event-loop stall."""
    gui_in_subprocess("gui_search_bench.py")


def run_steps(steps, only: set[str]) -> list[str]:
    """Run the chosen steps in order; a step that raises is reported and the rest go on.

    A step names its function as ``"module.function"`` and the module is imported
    when the step runs, so a module that no longer imports fails its own steps only.
    Returns the names of the steps that failed.
    """
    failed: list[str] = []
    for name, target in steps:
        if only and name not in only:
            continue
        try:
            fn = _resolve(target)
            fn()
        except (Exception, SystemExit) as exc:  # SystemExit too: a step's exit must not end the run
            traceback.print_exc(file=sys.stderr)
            print(f"# {name} FAILED: {type(exc).__name__}: {exc}", flush=True)
            failed.append(name)
    return failed


def _resolve(target):
    if callable(target):
        return target
    module, _dot, function = target.rpartition(".")
    return getattr(importlib.import_module(module), function)


def main() -> int:
    print(f"# machine: {machine()}", flush=True)
    only = set(sys.argv[1:])
    steps = [
        ("decode", "llm_bench.decode_ratio"),
        ("ttft", "llm_bench.ttft_turns"),
        ("stop", "llm_bench.stop_latency"),
        ("gui", gui_in_subprocess),
        ("startup", "startup_bench.run"),
        ("import", "history_bench.import_speed"),
        ("search", "history_bench.search_speed"),
        ("gui_search", gui_search_in_subprocess),
        ("export", "export_bench.run"),
        ("remote", "remote_bench.remote_ratio"),
        ("serve", "remote_bench.serve_ratio"),
        ("compare", "remote_bench.compare_local"),
        ("two_llamas", "remote_bench.two_llamas"),
        ("writing", "writing_bench.drafting"),
        ("kb_index", "kb_bench.index_throughput"),
        ("kb_search", "kb_bench.search_speed"),
        ("kb_resync", "kb_bench.resync"),
        ("sync", "sync_bench.throughput"),  # 10,000 messages: ops written and applied per second
        ("sync_idle", "sync_bench.no_change"),  # 100,000 messages: a sync with nothing new; folder vs database size
        ("contention", "contention_bench.run"),
        ("soak", "soak_bench.short"),  # 200 window turns on the scripted engine: KB per turn
    ]
    unknown = only - {name for name, _fn in steps}
    if unknown:
        print(f"# unknown steps: {', '.join(sorted(unknown))}", flush=True)
        return 2
    failed = run_steps(steps, only)
    if failed:
        print(f"# {len(failed)} step(s) FAILED: {', '.join(failed)}", flush=True)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
