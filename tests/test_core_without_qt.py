"""The core (runtime, chat, llm, hub, store, export, render, importers, settings, CLI) imports and runs without loading PySide6."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

MARKER = "CORE-WITHOUT-QT-OK"

SCRIPT = textwrap.dedent(f"""
    import importlib, pkgutil, sys

    import aigc_desktop
    names = ["aigc_desktop.runtime", "aigc_desktop.chat.service", "aigc_desktop.llm.engine",
             "aigc_desktop.render.html", "aigc_desktop.importers", "aigc_desktop.settings", "aigc_desktop.cli"]
    for package in ("hub", "store", "export", "importers", "cli"):
        pkg = importlib.import_module(f"aigc_desktop.{{package}}")
        names += [m.name for m in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + ".")
                  if ".migrations" not in m.name and not m.name.endswith("__main__")]
    for name in names:
        importlib.import_module(name)
    assert "aigc_desktop.cli.models" in sys.modules and "aigc_desktop.hub.download" in sys.modules

    from aigc_desktop.cli import main
    code = main(["list"])
    qt = sorted(m for m in sys.modules if m == "PySide6" or m.startswith(("PySide6.", "shiboken6")))
    print("list exit", code, "qt modules:", qt)
    if code == 0 and not qt:
        print("{MARKER}")
""")


def test_core_imports_and_cli_list_without_pyside6(tmp_path):
    """The core and `aigc-desktop-cli list` never import PySide6 (they must run headless)."""
    env = dict(os.environ, AIGC_DESKTOP_HOME=str(tmp_path / "home"))
    proc = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert MARKER in proc.stdout.splitlines(), proc.stdout + proc.stderr
