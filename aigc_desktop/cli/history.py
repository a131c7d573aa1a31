"""Commands over stored history: list, show, export, search, import, presets."""

from __future__ import annotations

import json
from pathlib import Path

from aigc_desktop.cli.args import ID, int_in
from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _, ngettext


#: Shown by `show` in the reader's language (the --json output keeps the stored values).
ROLE_WORDS = {"user": N_("user"), "assistant": N_("assistant"), "system": N_("system")}
STATUS_WORDS = {"stopped": N_("stopped"), "error": N_("error"), "interrupted": N_("interrupted"),
                "streaming": N_("unfinished")}


def add_parsers(sub) -> None:
    p = sub.add_parser("list", help=_("conversations, newest first"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help=_("the messages of a conversation's current branch"))
    p.add_argument("id", type=ID)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("export", help=_("export conversations to Markdown, JSON, HTML, Word or PDF"))
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("id", type=ID, nargs="?")
    target.add_argument("--all", action="store_true")
    p.add_argument("--format", choices=("md", "json", "html", "docx", "pdf"), default="md")
    p.add_argument("--page", choices=("a4", "letter"), default="a4", help=_("PDF page size"))
    p.add_argument("-o", "--output", required=True, help=_("file (or folder with --all)"))
    p.add_argument("--reasoning", action="store_true",
                   help=_("put each reply's thinking before its answer, in a marked block (JSON always has it)"))
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("search", help=_("search titles and messages of all conversations"))
    p.add_argument("query")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int_in(1, 10_000), default=50)
    p.add_argument("--reasoning", action="store_true",
                   help=_("also search the replies' thinking (on by default when the search_reasoning setting is)"))
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("import", help=_("import our JSON export or ChatGPT's conversations.json"))
    p.add_argument("path")
    p.add_argument("--json", action="store_true", help=_('print {"imported": N, "skipped": M, "ids": [...]}'))
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("presets", help=_("list presets (personas)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_presets)


def _dump(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _runtime():
    from aigc_desktop.runtime import open_runtime

    return open_runtime()


def cmd_list(args) -> int:
    convs = _runtime().store.list()
    if args.json:
        _dump([
            {"id": c.id, "title": c.title, "updated": c.updated_at.isoformat(),
             "message_count": c.message_count, "pinned": c.pinned}
            for c in convs
        ])
    else:
        for c in convs:
            print(ngettext("{id:>5}  {updated}  {count:>4} msg   {title}", "{id:>5}  {updated}  {count:>4} msgs  {title}",
                           c.message_count).format(id=c.id, updated=f"{c.updated_at.astimezone():%Y-%m-%d %H:%M}",
                                                   count=c.message_count, title=c.title))
    return 0


def cmd_show(args) -> int:
    rt = _runtime()
    conv = rt.store.get(args.id)  # NotFound is a UserError: one line, exit 1
    branch = rt.store.branch(conv.id)
    if args.json:
        everything = rt.store.messages(conv.id)
        current = {m.id for m in branch}
        _dump({
            "id": conv.id,
            "title": conv.title,
            "messages": [
                {"id": m.id, "role": m.role, "content": m.content, "status": m.status,
                 "created": m.created_at.isoformat(), "model": m.model, "rating": m.rating,
                 "tool_calls": m.tool_calls, "reasoning": m.reasoning, "citations": m.citations}
                for m in branch
            ],
            # For each user message of the branch, every reply to it (regenerated or compared: the
            # siblings), oldest first; "current" marks the one the branch goes through.
            "alternatives": [
                {"user_id": m.id, "replies": [
                    {"id": r.id, "model": r.model, "status": r.status, "content": r.content, "stats": r.stats,
                     "current": r.id in current, "tool_calls": r.tool_calls, "reasoning": r.reasoning}
                    for r in everything if r.parent_id == m.id and r.role == "assistant"]}
                for m in branch if m.role == "user"
            ],
        })
    else:
        print(f"# {conv.title}")
        for m in branch:
            flag = "" if m.status == "done" else f" [{_(STATUS_WORDS.get(m.status, m.status))}]"
            print(f"\n[{_(ROLE_WORDS.get(m.role, m.role))}]{flag}")
            for call in m.tool_calls:  # each call and how it ended, before the answer
                print(_("[tool {server}/{tool}: {status}]").format(server=call.get("server") or "?",
                                                                  tool=call.get("tool") or "?",
                                                                  status=call.get("status")))
            print(m.content)
            if m.citations:  # a grounded reply's sources, by their numbers
                from aigc_desktop.kb.citations import references_markdown

                print("\n" + references_markdown(m.citations).replace("**", ""))
    return 0


def cmd_export(args) -> int:
    from aigc_desktop.export.files import export_all, export_one

    if not args.output.strip():
        raise UserError(_("-o needs a file name (or a folder with --all)."))
    rt = _runtime()
    out = Path(args.output).expanduser()
    if args.all:
        written = export_all(rt.store, out, args.format, page=args.page, reasoning=args.reasoning)
        print(ngettext("exported {n} conversation to {folder}", "exported {n} conversations to {folder}",
                       len(written)).format(n=len(written), folder=out))
    else:
        export_one(rt.store, args.id, out, args.format, args.page, args.reasoning)
        print(_("exported conversation {id} to {path}").format(id=args.id, path=out))
    return 0


def cmd_search(args) -> int:
    from aigc_desktop.store.search import search

    rt = _runtime()
    hits = search(rt.db, args.query, limit=args.limit, reasoning=args.reasoning or rt.settings.search_reasoning)
    if args.json:
        _dump([
            {"conversation_id": h.conversation_id, "message_id": h.message_id, "title": h.conversation_title,
             "role": h.role, "snippet": h.snippet, "in_reasoning": h.in_reasoning}
            for h in hits
        ])
    else:
        for h in hits:
            where = f"{h.conversation_id}#{h.message_id}" if h.message_id else _("{id} (title)").format(id=h.conversation_id)
            found = _("(thinking) {snippet}").format(snippet=h.snippet) if h.in_reasoning else h.snippet
            print(f"{where:>10}  {h.conversation_title}: {found}")
        if not hits:
            print(_("no matches"))
    return 0


def cmd_import(args) -> int:
    """A count, not every id: an export of 2,000 chats would print a wall of numbers."""
    from aigc_desktop.importers import import_file

    ids = import_file(_runtime().store, Path(args.path))
    if args.json:
        _dump({"imported": len(ids), "skipped": ids.skipped, "ids": list(ids)})
        return 0
    if ids.skipped:
        print(ngettext("imported {n} conversation ({skipped} already imported, skipped)",
                       "imported {n} conversations ({skipped} already imported, skipped)",
                       len(ids)).format(n=len(ids), skipped=ids.skipped))
    else:
        print(ngettext("imported {n} conversation", "imported {n} conversations", len(ids)).format(n=len(ids)))
    return 0


def cmd_presets(args) -> int:
    from aigc_desktop.chat.presets import list_presets

    presets = list_presets()
    if args.json:
        _dump([
            {"name": p.name, "system_prompt": p.system_prompt, "sampling": p.sampling, "builtin": p.builtin}
            for p in presets
        ])
    else:
        for p in presets:
            print(_("{name} (built-in)").format(name=p.name) if p.builtin else p.name)
    return 0
