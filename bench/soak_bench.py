"""The soak and long fuzz runs (tests/soak, minutes), as bench figures.

    uv run python bench/soak_bench.py

Runs ``pytest -m soak tests/soak`` in a child and prints, from the figures the tests
record: resident memory per turn over 500 window turns with the scripted engine
(goal: under 30 MB in all, so < 61 KB per turn), whether Qt objects and threads
came back to their starting counts, and the GGUF fuzz counts. Exit 1 when a test failed.
The full run is not part of run_all: it takes minutes and measures durability, not speed.
run_all's ``soak`` step is :func:`short`: 200 window turns (20 chats), under a minute.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from common import ROOT, report


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "figures.jsonl"
        env = {**os.environ, "SOAK_FIGURES": str(figures), "QT_QPA_PLATFORM": "offscreen"}
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-m", "soak", "tests/soak"], cwd=ROOT, env=env)
        rows = [json.loads(line) for line in figures.read_text().splitlines()] if figures.exists() else []
    for row in rows:
        if row["name"] == "window_soak":
            report("soak_memory_per_turn", row["kb_per_turn"], "KB/turn", "< 61 (30 MB over 500 turns)")
            back = row["start"] == row["end"]
            print(f"soak_objects_and_threads: {'back to start' if back else 'grew'} "
                  f"({row['start']} -> {row['end']})", flush=True)
        else:
            print(f"{row['name']}: " + ", ".join(f"{k} {v}" for k, v in row.items() if k != "name"), flush=True)
    return 1 if run.returncode else 0


def short(chats: int = 20) -> None:
    """run_all's ``soak`` step: the window soak alone at 10 turns × ``chats``; prints KB per turn
    and how many QObjects the closed chats left (0 is right). Raises if the test failed."""
    with tempfile.TemporaryDirectory() as tmp:
        figures = Path(tmp) / "figures.jsonl"
        env = {**os.environ, "SOAK_FIGURES": str(figures), "SOAK_CHATS": str(chats), "QT_QPA_PLATFORM": "offscreen"}
        run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "soak",
                              "tests/soak/test_window_soak.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                             timeout=300)
        rows = [json.loads(line) for line in figures.read_text().splitlines()] if figures.exists() else []
    row = next((r for r in rows if r["name"] == "window_soak"), None)
    if row is None:
        raise RuntimeError(f"the window soak recorded no figures: {run.stdout.strip().splitlines()[-1:]}")
    report("soak_kb_per_turn", row["kb_per_turn"], f"KB/turn over {row['turns']} turns", "< 61")
    print(f"soak_qobjects_delta: {row['end']['qobjects'] - row['start']['qobjects']} (goal 0)", flush=True)
    if run.returncode:
        raise RuntimeError(f"the window soak failed: {run.stdout.strip().splitlines()[-1:]}")


if __name__ == "__main__":
    raise SystemExit(main())
