"""Cold start to window shown, and resident memory without a model, in a fresh process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from common import ROOT, fresh_home, median, report

CHILD = r"""
import json, os, sys, time
sys.path.insert(0, sys.argv[1])
# The same order as aigc_desktop.ui.app.main: window first, services behind it.
from PySide6.QtWidgets import QApplication
from aigc_desktop.paths import app_paths
from aigc_desktop.settings import Settings
app = QApplication([])
from aigc_desktop.ui.main_window import MainWindow
win = MainWindow(None, Settings.load(app_paths().settings_file))
win.show()
app.processEvents()
shown = time.time()
from aigc_desktop.runtime import open_runtime
rt = open_runtime()
win.attach(rt)
app.processEvents()
ready = time.time()
import psutil
print(json.dumps({"t": shown, "ready": ready, "rss": psutil.Process().memory_info().rss}), flush=True)
win.close()
"""


def run(rounds: int = 3) -> None:
    home = fresh_home()
    env = dict(os.environ, AIGC_DESKTOP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    starts, ready, rss = [], [], []
    for _ in range(rounds + 1):  # the first run warms the OS file cache
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT)], env=env, capture_output=True,
                             text=True, timeout=120)
        line = [l for l in out.stdout.splitlines() if l.startswith("{")][-1]
        data = json.loads(line)
        starts.append(data["t"] - t0)
        ready.append(data["ready"] - t0)
        rss.append(data["rss"])
    report("cold_start_to_window_shown", median(starts[1:]), "s", "< 1.5; model loads afterwards")
    report("cold_start_to_conversations_listed", median(ready[1:]), "s", "info; model loads afterwards")
    report("rss_without_model", median(rss[1:]) / 2**20, "MB", "< 200")
