"""`rate MESSAGE_ID up|down|none` and `feedback export -o PATH`."""

from __future__ import annotations

from pathlib import Path

from aigc_desktop.cli.args import ID
from aigc_desktop.i18n import _

RATINGS = {"up": 1, "down": -1, "none": None}


def add_parsers(sub) -> None:
    p = sub.add_parser("rate", help=_("rate a reply: up (👍), down (👎) or none"))
    p.add_argument("message_id", type=ID)
    p.add_argument("rating", choices=tuple(RATINGS))
    p.set_defaults(handler=cmd_rate)
    fb = sub.add_parser("feedback", help=_("export your ratings as preference pairs (JSONL)"))
    fsub = fb.add_subparsers(dest="feedback_command", required=True, parser_class=sub._parser_class)
    p = fsub.add_parser("export", help=_("write preference pairs and ratings as JSONL"))
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(handler=cmd_export)


def cmd_rate(args) -> int:
    from aigc_desktop.runtime import open_runtime

    rt = open_runtime()
    rt.store.rate(args.message_id, RATINGS[args.rating])
    print(_("message {id}: {rating}").format(id=args.message_id, rating=args.rating))
    return 0


def cmd_export(args) -> int:
    from aigc_desktop.runtime import open_runtime
    from aigc_desktop.export.feedback import export_feedback

    rt = open_runtime()
    pairs, ratings, other = export_feedback(rt.store, Path(args.output).expanduser())
    print(_("wrote {pairs} preference pairs to {path} and {ratings} ratings to {other}").format(
        pairs=pairs, path=args.output, ratings=ratings, other=other))
    return 0
