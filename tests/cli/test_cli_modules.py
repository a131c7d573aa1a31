"""The CLI package: every command module imports on its own and the parser knows every command."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

COMMANDS = {"chat", "list", "show", "export", "doctor", "search", "import", "presets", "models",
            "compare", "providers", "serve", "write", "rate", "feedback", "templates", "tools", "sync", "delete", "kb"}
MODULES = ["aigc_desktop.cli", "aigc_desktop.cli.args", "aigc_desktop.cli.chat", "aigc_desktop.cli.history",
           "aigc_desktop.cli.models", "aigc_desktop.cli.doctor", "aigc_desktop.cli.compare",
           "aigc_desktop.cli.providers", "aigc_desktop.cli.serve", "aigc_desktop.cli.write", "aigc_desktop.cli.feedback",
           "aigc_desktop.cli.templates", "aigc_desktop.cli.tools", "aigc_desktop.cli.sync",
           "aigc_desktop.cli.kb"]


@pytest.mark.parametrize("name", MODULES)
def test_module_imports_cleanly_in_a_fresh_interpreter(name):
    """Each module imports first in a new process (no hidden import order, no circle)."""
    proc = subprocess.run([sys.executable, "-W", "error", "-c", f"import {name}"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_parser_knows_every_command():
    """build_parser() registers all commands, and each has a handler."""
    from aigc_desktop.cli import build_parser

    parser = build_parser()
    [sub] = [a for a in parser._actions if a.dest == "command"]
    assert set(sub.choices) == COMMANDS
    for name, command in sub.choices.items():
        if name in ("models", "providers", "write", "feedback", "templates", "tools", "sync", "kb"):  # on subcommands
            continue
        assert callable(command.get_default("handler")), name
    [msub] = [a for a in sub.choices["models"]._actions if a.dest == "models_command"]
    assert set(msub.choices) == {"list", "catalog", "search", "files", "download", "import", "remove", "default"}
    assert all(callable(p.get_default("handler")) for p in msub.choices.values())
    [ssub] = [a for a in sub.choices["sync"]._actions if a.dest == "sync_command"]
    assert set(ssub.choices) == {"folder", "webdav", "now", "status"}
    assert all(callable(p.get_default("handler")) for p in ssub.choices.values())
    [ksub] = [a for a in sub.choices["kb"]._actions if a.dest == "kb_command"]
    assert set(ksub.choices) == {"create", "add", "sync", "search", "list", "remove"}
    assert all(callable(p.get_default("handler")) for p in ksub.choices.values())
    [psub] = [a for a in sub.choices["providers"]._actions if a.dest == "providers_command"]
    assert set(psub.choices) == {"add", "list", "models", "remove"}
    assert all(callable(p.get_default("handler")) for p in psub.choices.values())


def test_old_module_paths_are_gone():
    """The flat cli_history / cli_models modules were folded into the package."""
    for old in ("aigc_desktop.cli_history", "aigc_desktop.cli_models"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(old)
