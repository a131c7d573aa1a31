"""CLI commands over stored history: search, import, presets."""

from __future__ import annotations

import json
from pathlib import Path

from aigc_desktop.cli import int_in


def add_parsers(sub) -> None:
    p = sub.add_parser("search", help="search titles and messages of all conversations")
    p.add_argument("query")
    p.add_argument("--json", action="store_true")
    p.add_argument("--limit", type=int_in(1, 10_000), default=50)
    p.set_defaults(handler=cmd_search)

    p = sub.add_parser("import", help="import our JSON export or ChatGPT's conversations.json")
    p.add_argument("path")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("presets", help="list presets (personas)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_presets)


def cmd_search(args) -> int:
    from aigc_desktop.runtime import open_runtime
    from aigc_desktop.store.search import search

    rt = open_runtime()
    hits = search(rt.db, args.query, limit=args.limit)
    if args.json:
        print(json.dumps([
            {"conversation_id": h.conversation_id, "message_id": h.message_id, "title": h.conversation_title,
             "role": h.role, "snippet": h.snippet}
            for h in hits
        ], ensure_ascii=False, indent=2))
    else:
        for h in hits:
            where = f"{h.conversation_id}" + (f"#{h.message_id}" if h.message_id else " (title)")
            print(f"{where:>10}  {h.conversation_title}: {h.snippet}")
        if not hits:
            print("no matches")
    return 0


def cmd_import(args) -> int:
    from aigc_desktop.importers import import_file
    from aigc_desktop.runtime import open_runtime

    rt = open_runtime()
    ids = import_file(rt.store, Path(args.path))
    skipped = getattr(ids, "skipped", 0)
    print(f"imported {len(ids)} conversation{'s' if len(ids) != 1 else ''}"
          + (f": {', '.join(map(str, ids))}" if ids else "")
          + (f" ({skipped} already imported, skipped)" if skipped else ""))
    return 0


def cmd_presets(args) -> int:
    from aigc_desktop.chat.presets import list_presets

    presets = list_presets()
    if args.json:
        print(json.dumps([
            {"name": p.name, "system_prompt": p.system_prompt, "sampling": p.sampling, "builtin": p.builtin}
            for p in presets
        ], ensure_ascii=False, indent=2))
    else:
        for p in presets:
            print(f"{p.name}{' (built-in)' if p.builtin else ''}")
    return 0
