"""The window with every local file replaced by garbage: it starts, a banner says so once,
each file is kept as ``<name>.bad`` and the defaults are used."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from aigc_desktop.local_files import LOCAL_FILES
from tests.cli.test_corrupt_files import defaults_in_use, file_path

GARBAGE = b"\x89PNG\r\n\x1a\n\x00\xff\xfe not json at all"


def test_window_starts_with_every_local_file_damaged(qtbot, make_window):
    paths = [file_path(spec) for spec in LOCAL_FILES]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(GARBAGE)
    win = make_window(load_model=False)
    assert win.isVisible() and win.banner.isVisible()
    note = win.banner.text()
    for path in paths:
        assert path.name in note, path.name
        assert not path.exists() and path.with_name(path.name + ".bad").read_bytes() == GARBAGE
    for spec in LOCAL_FILES:
        defaults_in_use(spec)
    assert win.settings_store.current().theme == "system"
    win.grab().save("/tmp/corrupt_files_window.png")
    win.close()
    again = make_window(load_model=False)  # said once
    assert not again.banner.isVisible() or again.banner.tag != "local-files"


def test_app_main_sets_damaged_files_aside_before_reading_them(tmp_path):
    """``ui/app.main`` in a fresh process: a settings.json nested past json's limit (Settings.load
    would raise) and a providers.json of random bytes; the window attaches and says so."""
    config, data = tmp_path / "config", tmp_path / "data"
    config.mkdir()
    data.mkdir()
    (config / "settings.json").write_bytes(b"[" * 100_000 + b"]" * 100_000)
    (data / "providers.json").write_bytes(os.urandom(512))
    script = textwrap.dedent("""
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from aigc_desktop.ui import app as app_module
        from aigc_desktop.ui.main_window import MainWindow

        def look():
            wins = [w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow)]
            if wins and wins[0].ctx.rt is not None and wins[0].banner.tag == "local-files":
                print("BANNER:" + wins[0].banner.text().replace("\\n", " | "), flush=True)
                QApplication.instance().quit()
            else:
                QTimer.singleShot(100, look)

        QApplication([])
        QTimer.singleShot(100, look)
        app_module.main(["aigc-desktop"])
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", AIGC_DESKTOP_HOME=str(tmp_path), AIGC_DESKTOP_LANG="en")
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    banner = [line for line in proc.stdout.splitlines() if line.startswith("BANNER:")]
    assert banner, proc.stderr[-2000:]
    assert "settings.json was unreadable (nested too deeply)" in banner[0]
    assert "providers.json was unreadable" in banner[0]
    assert (config / "settings.json.bad").exists() and (data / "providers.json.bad").exists()
