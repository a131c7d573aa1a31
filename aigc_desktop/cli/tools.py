"""`tools add|list|remove`: the MCP servers in ``mcp.json``; and what `chat --tools … --approve …` uses.

``tools add NAME -- COMMAND [ARGS…]`` adds a stdio server (``--env KEY=VALUE`` for its
environment), ``tools add NAME --url URL`` a Streamable HTTP one (``--header "Name: value"``;
a secret header's value is better read from standard input with ``--header-stdin NAME``, so it
stays out of the shell's history; either way it goes to the keychain, not the file).
``tools list`` connects to each server and lists its tools; a server that cannot start is
listed with its error (and its stderr tail), not a traceback.
"""

from __future__ import annotations

import json
import sys

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _

APPROVE_MODES = ("ask", "always", "never")


def add_parsers(sub) -> None:
    p = sub.add_parser("tools", help=_("MCP servers whose tools a chat may use"))
    psub = p.add_subparsers(dest="tools_command", required=True, parser_class=type(p))

    a = psub.add_parser("add", help=_("add (or replace) a server: NAME -- COMMAND [ARGS…], or NAME --url URL"))
    a.add_argument("name")
    a.add_argument("argv", nargs="*", metavar="COMMAND", help=_("after --: the command and its arguments"))
    a.add_argument("--url", help=_("a Streamable HTTP server's address"))
    a.add_argument("--env", action="append", default=[], metavar="KEY=VALUE", help=_("environment of a stdio server"))
    a.add_argument("--header", action="append", default=[], metavar="NAME: VALUE", help=_("a header to send"))
    a.add_argument("--header-stdin", metavar="NAME", help=_("read this header's value from standard input"))
    a.set_defaults(handler=cmd_add)

    ls = psub.add_parser("list", help=_("servers and their tools (connects to each)"))
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)

    r = psub.add_parser("remove", help=_("remove a server"))
    r.add_argument("name")
    r.set_defaults(handler=cmd_remove)


def add_chat_arguments(p) -> None:
    """`chat`'s own options for tools."""
    p.add_argument("--tools", metavar="NAME[,NAME]", help=_("let this chat use these MCP servers' tools"))
    p.add_argument("--approve", choices=APPROVE_MODES, default="ask",
                   help=_("tool calls: ask on the terminal (denied without one), always run, or never run"))


def _service():
    from aigc_desktop.paths import app_paths
    from aigc_desktop.tools.service import ToolService

    return ToolService.open(app_paths().ensure().data)


def _pairs(items: list[str], sep: str, what: str) -> dict[str, str]:
    out = {}
    for item in items:
        key, found, value = item.partition(sep)
        if not found or not key.strip():
            raise UserError(_("{what} must look like {example}: “{item}”.").format(
                what=what, example="KEY=VALUE" if sep == "=" else "Name: value", item=item))
        out[key.strip()] = value.strip()
    return out


def cmd_add(args) -> int:
    svc = _service()
    if args.url and args.argv:
        raise UserError(_("Give either a command (after --) or --url, not both."))
    if args.url:
        headers = _pairs(args.header, ":", "--header")
        if args.header_stdin:
            value = sys.stdin.readline().strip() if sys.stdin is not None else ""
            if not value:
                raise UserError(_("No header value arrived on standard input."))
            headers[args.header_stdin] = value
        server = svc.config.add_http(args.name, args.url, headers)
    elif args.argv:
        server = svc.config.add_stdio(args.name, args.argv[0], args.argv[1:], _pairs(args.env, "=", "--env"))
    else:
        raise UserError(_("Give the server's command after --, or its --url."))
    if svc.config.kept_aside is not None:
        print(_("note: {file} was not valid JSON; it is kept as {kept}.").format(
            file=svc.config.path.name, kept=svc.config.kept_aside.name), file=sys.stderr)
    print(_("Added MCP server “{name}”: {target}").format(name=server.name, target=server.describe()))
    return 0


def cmd_list(args) -> int:
    svc = _service()
    try:
        statuses = [svc.status(name) for name in svc.servers()]
    finally:
        svc.close()
    if args.json:
        print(json.dumps([s.to_dict() for s in statuses], ensure_ascii=False, indent=2))
        return 0
    if not statuses:
        print(_("No MCP servers. Add one with: tools add NAME -- COMMAND [ARGS…]"))
    for st in statuses:
        kind = _("HTTP") if st.server.kind == "http" else _("stdio")
        state = _(" (off)") if st.server.disabled else ""
        print(f"{st.server.name}  [{kind}]{state}  {st.server.describe()}")
        if st.error:
            for line in st.error.splitlines():
                print("    " + line)
        for tool in st.tools:
            mark = _(" (read-only)") if tool.read_only else ""
            about = " ".join(tool.description.split())
            about = about if len(about) <= 100 else about[:99] + "…"
            print("  - " + _("{name}{mark}: {description}").format(name=tool.name, mark=mark, description=about))
    return 0


def cmd_remove(args) -> int:
    _service().config.remove(args.name)
    print(_("Removed MCP server “{name}”.").format(name=args.name))
    return 0


# -- chat --tools / --approve ----------------------------------------------------------
def chat_tools(rt, names: str | None) -> list[str] | None:
    """The servers ``--tools`` names, checked against ``mcp.json`` (None when the option was not given)."""
    if names is None:
        return None
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    configured = rt.tools.servers()
    unknown = [n for n in wanted if n not in configured]
    if unknown:
        raise UserError(_("No MCP server named {names}; `tools list` shows them.").format(
            names=", ".join(f"“{n}”" for n in unknown)))
    return wanted


def terminal_approver(request) -> str:
    """``--approve ask``: the request on stderr, the answer from the terminal; no terminal (or end of
    input) denies."""
    stdin = sys.stdin
    if stdin is None or stdin.closed or not stdin.isatty():
        print(_("note: no terminal to ask whether “{tool}” may run; denied.").format(tool=request.tool),
              file=sys.stderr)
        return "deny"
    err = sys.stderr
    print("\n" + _("The model wants to run “{tool}” on “{server}”.").format(tool=request.tool, server=request.server),
          file=err)
    if request.description:
        print("  " + request.description, file=err)
    print(json.dumps(request.arguments, ensure_ascii=False, indent=2), file=err)
    if not request.read_only:
        print(_("This tool is not marked read-only: it may change files or send data."), file=err)
    choices = {"o": "once", "c": "chat", "a": "always", "d": "deny", "": "deny"}
    print(_("Allow [o]nce, for this [c]hat, [a]lways, or [d]eny? "), end="", file=err, flush=True)
    answer = stdin.readline()
    return choices.get(answer.strip().lower()[:1], "deny") if answer else "deny"


def approver(mode: str):
    from aigc_desktop.tools.approval import allow_all, deny_all

    return {"always": allow_all, "never": deny_all}.get(mode, terminal_approver)


def print_tool_event(event: dict) -> None:
    """One line on stderr per finished call: the tool, how it ended, how long it took."""
    if event.get("phase") == "problem":
        print(_("note: {message}").format(message=event.get("message", "")), file=sys.stderr)
        return
    if event.get("phase") != "result":
        return
    call = event["call"]
    print(_("[tool {server}/{tool}: {status}, {seconds:.1f} s]").format(
        server=call.get("server") or "?", tool=call.get("tool") or "?", status=call.get("status"),
        seconds=call.get("seconds") or 0.0), file=sys.stderr)
