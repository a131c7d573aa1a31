"""The soak and long fuzz runs (tests/soak, minutes), as bench figures.

    uv run python bench/soak_bench.py

Runs ``pytest -m soak tests/soak`` in a child and prints, from the figures the tests
record: resident memory per turn over 500 window turns with the scripted engine
(goal: under 30 MB in all, so < 61 KB per turn), whether Qt objects and threads
came back to their starting counts, and the GGUF fuzz counts. Exit 1 when a test failed.
Not part of run_all: it takes minutes and measures durability, not speed.
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


if __name__ == "__main__":
    raise SystemExit(main())
