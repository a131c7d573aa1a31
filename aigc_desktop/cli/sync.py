"""Commands for sync between the person's computers (``sync folder|webdav|now|status``) and ``delete``."""

from __future__ import annotations

import json
import sys

from aigc_desktop.cli.args import ID
from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _


def add_parsers(sub) -> None:
    p = sub.add_parser("sync", help=_("sync chats, articles and templates with your other computers"))
    actions = p.add_subparsers(dest="sync_command", required=True, parser_class=type(p))

    a = actions.add_parser("folder",
                           help=_("sync through a folder (inside Dropbox, 坚果云, OneDrive, Syncthing…)"))
    a.add_argument("path")
    a.set_defaults(handler=cmd_folder)

    a = actions.add_parser("webdav", help=_("sync through a WebDAV address (坚果云 offers one)"))
    a.add_argument("url")
    a.add_argument("--user", required=True)
    a.add_argument("--password-stdin", action="store_true", required=True,
                   help=_("read the password from standard input (it goes to the keychain)"))
    a.set_defaults(handler=cmd_webdav)

    a = actions.add_parser("now", help=_("send this computer's changes and receive the others'"))
    a.add_argument("--json", action="store_true", help=_('print {"sent": N, "received": M}'))
    a.set_defaults(handler=cmd_now)

    a = actions.add_parser("status", help=_("where sync goes, when it last ran, the devices seen"))
    a.add_argument("--json", action="store_true")
    a.set_defaults(handler=cmd_status)

    p = sub.add_parser("delete", help=_("delete a conversation (on every synced computer, at their next sync)"))
    p.add_argument("id", type=ID)
    p.set_defaults(handler=cmd_delete)


def _sync():
    from aigc_desktop.runtime import open_runtime

    return open_runtime().sync


def cmd_folder(args) -> int:
    service = _sync()
    service.configure_folder(args.path)
    print(_("Sync folder set: {path}").format(path=service.settings_store.current().sync_folder))
    print(service.test())
    return 0


def cmd_webdav(args) -> int:
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise UserError(_("No password on standard input."))
    service = _sync()
    service.configure_webdav(args.url, args.user, password)
    print(_("Sync WebDAV address set: {url}").format(url=args.url))
    print(service.test())
    return 0


def cmd_now(args) -> int:
    report = _sync().sync_now()
    if args.json:
        print(json.dumps(report.to_dict()))
    else:
        print(_("Sent {sent} changes, received {received}.").format(sent=report.sent, received=report.received))
        for path in report.skipped:
            print(_("note: {path} is incomplete; it will be read at the next sync.").format(path=path),
                  file=sys.stderr)
    return 0


def cmd_status(args) -> int:
    status = _sync().status()
    if args.json:
        print(json.dumps(status.to_dict(), ensure_ascii=False, indent=2))
        return 0
    never = _("never")
    print(_("Target: {target}").format(target=status.target or _("not set up")))
    print(_("This device: {name} ({id})").format(name=status.device_name, id=status.device_id))
    last = f"{status.last_sync.astimezone():%Y-%m-%d %H:%M}" if status.last_sync else never
    print(_("Last sync: {when}").format(when=last))
    if status.last_error:
        print(_("Last error: {error}").format(error=status.last_error))
    for d in status.devices:
        seen = f"{d.last_seen.astimezone():%Y-%m-%d %H:%M}" if d.last_seen else never
        print(_("Device {name} ({id}), last seen {when}").format(name=d.name, id=d.device_id, when=seen))
    return 0


def cmd_delete(args) -> int:
    from aigc_desktop.runtime import open_runtime

    rt = open_runtime()
    title = rt.store.get(args.id).title
    rt.store.delete(args.id)
    print(_("Deleted conversation {id} ({title}).").format(id=args.id, title=title))
    return 0
