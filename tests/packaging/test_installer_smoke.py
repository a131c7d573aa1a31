"""The real thing: build the Linux bundle, tar.gz and .deb, then run packaging/smoke.sh on them.

Minutes long and needs root (dpkg), Xvfb, openbox, xdotool and ImageMagick: marked
``installer`` and run only with ``pytest -m installer``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.installer
def test_build_and_smoke_test_the_linux_installers():
    """One build command makes the tar.gz and the .deb, and both pass smoke.sh (install, chat, window, remove)."""
    if os.geteuid() != 0 or not shutil.which("dpkg-deb") or not shutil.which("Xvfb"):
        pytest.skip("needs root, dpkg-deb and Xvfb")
    subprocess.run([sys.executable, str(REPO / "packaging" / "build.py"), "--target", "all"], check=True, cwd=REPO)
    done = subprocess.run(["bash", str(REPO / "packaging" / "smoke.sh")], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "SMOKE OK" in done.stdout
    assert (REPO / "build" / "smoke" / "deb-window.png").stat().st_size > 10_000
