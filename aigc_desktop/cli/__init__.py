"""Headless command line: chat, list, show, export, search, import, presets, templates, kb, doctor, models.

A contract other tools and the tests rely on: errors are one clear line on
stderr with exit 1 (2 for bad usage); tracebacks go to the log file only.

Each command module adds its subcommands with ``add_parsers(sub)`` and sets
``handler`` on them. The modules are imported here at the top, so a broken
one fails loudly at start-up instead of its commands vanishing; what they
need that is slow to import (SQLAlchemy, llama.cpp) they import inside the
command functions.
"""

from __future__ import annotations

import argparse
import logging
import sys

from aigc_desktop.cli import (chat, compare, doctor, feedback, history, kb, models, providers, serve, sync, templates, tools,
                              write)
from aigc_desktop.cli.args import _Parser
from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _

log = logging.getLogger(__name__)

#: The command modules, in the order ``--help`` lists their commands.
COMMAND_MODULES = (chat, compare, history, write, kb, templates, feedback, doctor, models, providers, tools, serve,
                   sync)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="aigc-desktop-cli", description=_("AIGC Desktop: offline chat with local GGUF models."))
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for module in COMMAND_MODULES:
        module.add_parsers(sub)
    return p


def _start_logging() -> None:
    """Every command logs to the app's log file (and nowhere else) from its first line."""
    from aigc_desktop.logs import setup_logging
    from aigc_desktop.paths import app_paths

    try:
        paths = app_paths().ensure()
    except OSError as exc:
        raise UserError(_("Cannot create the app's folders: {reason} ({path})").format(
            reason=exc.strerror or exc, path=exc.filename)) from exc
    try:
        setup_logging(paths.log_file)
    except OSError as exc:
        raise UserError(_("Cannot write the log file {path}: {reason}").format(
            path=paths.log_file, reason=exc.strerror or exc)) from exc


def _install_language() -> None:
    """The CLI speaks the app's language (settings, or AIGC_DESKTOP_LANG), like the window."""
    from aigc_desktop import i18n
    from aigc_desktop.paths import app_paths
    from aigc_desktop.settings import Settings

    try:
        setting = Settings.load(app_paths().settings_file).language
    except (OSError, RecursionError):  # a damaged file is set aside (and said) once logging is up
        setting = None
    i18n.install(setting=setting)


def _set_aside_damaged() -> list:
    """A damaged settings or cache file is kept as ``.bad`` (local_files.py), before anything reads it."""
    from aigc_desktop.local_files import set_aside_damaged

    try:
        return set_aside_damaged()
    except OSError as exc:  # an unreadable folder: the commands' own readers cope or say so
        log.warning("cannot check the local files: %s", exc)
        return []


def main(argv: list[str] | None = None) -> int:
    if (sys.argv[1:] if argv is None else argv) == ["--smoke-test"]:  # packaging/smoke.sh
        from aigc_desktop.smoke import run

        return run()
    from aigc_desktop.llm.probe import FROZEN_FLAG, child_main

    if (sys.argv[1:] if argv is None else argv)[:1] == [FROZEN_FLAG]:  # a frozen bundle's model check child
        return child_main((sys.argv[1:] if argv is None else argv)[1:])
    _install_language()
    args = build_parser().parse_args(argv)
    try:
        _start_logging()
        args.set_aside = [moved.note() for moved in _set_aside_damaged()]
        for note in args.set_aside:  # said once: the next start finds the defaults in place
            print(_("note: {note}").format(note=note), file=sys.stderr)
        return args.handler(args) or 0
    except UserError as exc:
        print(_("error: {message}").format(message=exc), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(_("interrupted"), file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from aigc_desktop.paths import app_paths

        log.exception("unexpected error in %s", args.command)
        print(
            _("error: unexpected failure ({kind}: {error}); details are in {path}").format(
                kind=type(exc).__name__, error=exc, path=app_paths().log_file),
            file=sys.stderr,
        )
        return 1
