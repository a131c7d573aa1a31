"""`templates list [--json]`, `templates show KEY_OR_ID`, `templates add NAME --body TEXT`, `templates delete ID`.

A built-in is named by its key (``polish.zh``), one of the person's by its id;
``list --json`` gives both with the same keys (key, id, name, language,
builtin, variables, body), so a script can fill a template itself.
"""

from __future__ import annotations

import json

from aigc_desktop.cli.args import ID
from aigc_desktop.i18n import _


def add_parsers(sub) -> None:
    t = sub.add_parser("templates", help=_("prompt templates: the built-ins and your own"))
    tsub = t.add_subparsers(dest="templates_command", required=True, parser_class=sub._parser_class)
    p = tsub.add_parser("list", help=_("every template, your own first"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)
    p = tsub.add_parser("show", help=_("one template's text and variables"))
    p.add_argument("key", metavar="KEY_OR_ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)
    p = tsub.add_parser("add", help=_("save a template of your own; {name} marks a variable"))
    p.add_argument("name")
    p.add_argument("--body", required=True, help=_("the prompt text, e.g. 请介绍{topic}"))
    p.add_argument("--language", choices=("zh", "en"), help=_("default: zh when the text has Chinese"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_add)
    p = tsub.add_parser("delete", help=_("delete one of your templates"))
    p.add_argument("id", type=ID)
    p.set_defaults(handler=cmd_delete)


def _store():
    from aigc_desktop.runtime import open_runtime

    return open_runtime().templates


def _dump(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _line(t) -> str:
    names = " ".join("{" + v + "}" for v in t.variables) or "-"
    kind = _("built-in") if t.builtin else _("yours")
    return f"{t.key:<16} {t.language:<3} {kind:<8} {t.name}   {names}"


def cmd_list(args) -> int:
    from aigc_desktop.writing.templates import library

    items = library(_store())
    if args.json:
        _dump([t.to_json() for t in items])
    else:
        for t in items:
            print(_line(t))
    return 0


def cmd_show(args) -> int:
    from aigc_desktop.writing.templates import find

    t = find(args.key, _store())
    if args.json:
        _dump(t.to_json())
    else:
        print(_line(t))
        print()
        print(t.body)
    return 0


def cmd_add(args) -> int:
    from aigc_desktop.writing.templates import from_record, guess_language

    record = _store().add(args.name, args.body, args.language or guess_language(args.body))
    t = from_record(record)
    if args.json:
        _dump(t.to_json())
    else:
        print(_("saved template {id}: {name}").format(id=t.id, name=t.name))
    return 0


def cmd_delete(args) -> int:
    _store().delete(args.id)
    print(_("deleted template {id}").format(id=args.id))
    return 0
