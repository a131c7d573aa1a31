"""Window first: nothing the window imports before it shows pulls the database layer,
llama.cpp or the Markdown renderer (each costs tenths of a second before the first frame)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

HEAVY = ("sqlalchemy", "alembic", "llama_cpp", "markdown_it", "pygments", "numpy", "openai", "jinja2",
         "huggingface_hub", "fpdf", "docx", "ziamath", "fastapi", "uvicorn")


def test_window_shows_before_heavy_imports(tmp_path):
    """Build and show the main window as ``ui/app.main`` does, in a fresh process, and list
    which heavy modules were imported by then: none may be."""
    script = textwrap.dedent(f"""
        import sys
        from PySide6.QtWidgets import QApplication
        app = QApplication([])
        from aigc_desktop.paths import app_paths
        from aigc_desktop.settings import SettingsStore
        from aigc_desktop.ui.main_window import MainWindow
        window = MainWindow(None, SettingsStore(app_paths().settings_file))
        window.show()
        app.processEvents()
        print(",".join(m for m in {HEAVY!r} if m in sys.modules))
        window.close()
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", AIGC_DESKTOP_HOME=str(tmp_path))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    loaded = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    assert loaded == "", f"imported before the window showed: {loaded}"
