"""Cold start to window shown, and resident memory without a model, in a fresh process.

Each round starts a new Python process that runs the app's own entry point,
``aigc_desktop.ui.app.main``, offscreen: whatever the window's constructor or the
import order becomes, the figure is the app's, not a copy of it. The child only
watches: an application-wide event filter notes the first paint of the main
window (the person sees it) and polls until :meth:`MainWindow.attach` has run
(the conversations are listed). Times are from just before the process is
started, so the interpreter's own start-up counts too.
"""

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
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication

seen = {}  # the figures printed
watched = {}  # the main window, once shown

def finish():
    import psutil
    seen["rss"] = psutil.Process().memory_info().rss
    print(json.dumps(seen), flush=True)
    os._exit(0)  # the measurement is over; closing the window would only add noise

class Watch(QObject):
    def eventFilter(self, obj, event):
        kind = event.type()
        if kind in (QEvent.Show, QEvent.Paint) and type(obj).__name__ == "MainWindow" and obj.isWindow():
            if kind == QEvent.Show and not watched:
                watched["window"] = obj
                try:  # rss_without_model: app.main loads the default model right after attach
                    obj.model_choice.load_default = lambda: None
                except AttributeError as exc:  # the app changed: fail loudly, do not measure a load
                    seen["error"] = f"cannot hold back the model load: {exc}"
                    finish()
                poll.start(1)
            if kind == QEvent.Paint and "painted" not in seen:
                seen["painted"] = time.time()
        return False

def check():
    if watched["window"].rt is not None:  # attach() has run to its end
        poll.stop()
        seen["ready"] = time.time()
        finish()

app = QApplication(sys.argv[:1])  # app.main takes the existing instance
watch = Watch()
app.installEventFilter(watch)
poll = QTimer()
poll.timeout.connect(check)
QTimer.singleShot(60_000, finish)  # never hang the benchmark
from aigc_desktop.ui.app import main
main(sys.argv[:1])
"""


def run(rounds: int = 3) -> None:
    home = fresh_home()
    env = dict(os.environ, AIGC_DESKTOP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    starts, ready, rss = [], [], []
    for _ in range(rounds + 1):  # the first run warms the OS file cache
        t0 = time.time()
        out = subprocess.run([sys.executable, "-c", CHILD, str(ROOT)], env=env, capture_output=True,
                             text=True, timeout=120)
        lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
        if not lines:
            raise RuntimeError(f"the app printed no timings (exit {out.returncode}): "
                               + " | ".join(out.stderr.strip().splitlines()[-3:]))
        data = json.loads(lines[-1])
        if "error" in data:
            raise RuntimeError(data["error"])
        if "painted" not in data or "ready" not in data:
            raise RuntimeError(f"the window was not shown and attached within 60 s: {data}")
        starts.append(data["painted"] - t0)
        ready.append(data["ready"] - t0)
        rss.append(data["rss"])
    report("cold_start_to_window_shown", median(starts[1:]), "s", "< 1.0; model loads afterwards")
    report("cold_start_to_conversations_listed", median(ready[1:]), "s", "info; model loads afterwards")
    report("rss_without_model", median(rss[1:]) / 2**20, "MB", "< 200")
