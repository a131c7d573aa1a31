"""ruff runs with the suite (CI runs only pytest): the rules in pyproject.toml's [tool.ruff.lint]
over the code, the tests, the benchmarks and the packaging scripts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["aigc_desktop", "tests", "bench", "packaging", "main.py"]


def test_ruff_finds_nothing():
    run = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", *PATHS],
                         cwd=ROOT, capture_output=True, text=True, timeout=120)
    if run.returncode != 0:
        pytest.fail(f"ruff check {' '.join(PATHS)}:\n{run.stdout}{run.stderr}", pytrace=False)
