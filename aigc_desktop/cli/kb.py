"""`kb`: knowledge bases from the command line (create, add, sync, search, list, remove).

`kb add` and `kb sync` print the counts {"added", "updated", "unchanged", "removed", "renamed"}
(with --json as an object, with "failed" and "embedded" too); files that could not be read are
listed with the reason and do not stop the rest. Ctrl+C stops indexing; what was indexed stays.
"""

from __future__ import annotations

import json
import sys
import threading

from aigc_desktop.cli.args import int_in
from aigc_desktop.i18n import _


def add_parsers(sub) -> None:
    from aigc_desktop.cli.args import _Parser

    kb = sub.add_parser("kb", help=_("knowledge bases: your own files, searched and cited in chats and articles"))
    ksub = kb.add_subparsers(dest="kb_command", required=True, parser_class=_Parser)
    p = ksub.add_parser("create", help=_("create a knowledge base"))
    p.add_argument("name")
    p.add_argument("--embedding-model", metavar="PATH|NAME",
                   help=_("a .gguf embedding model (path, installed name or catalog name such as bge-small-zh-v1.5); "
                          "without one, search is by keyword only"))
    p.set_defaults(handler=cmd_create)
    p = ksub.add_parser("add", help=_("add files or folders to a knowledge base and index them"))
    p.add_argument("name")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_add)
    p = ksub.add_parser("sync", help=_("index what changed in a knowledge base's files"))
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_sync)
    p = ksub.add_parser("search", help=_("search a knowledge base"))
    p.add_argument("name")
    p.add_argument("query")
    p.add_argument("--k", type=int_in(1, 100), default=8, help=_("how many passages (default 8)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_search)
    p = ksub.add_parser("list", help=_("knowledge bases with their sources and counts"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)
    p = ksub.add_parser("remove", help=_("delete a knowledge base (its files are left alone)"))
    p.add_argument("name")
    p.set_defaults(handler=cmd_remove)


def _dump(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _runtime():
    from aigc_desktop.runtime import open_runtime

    return open_runtime()


def cmd_create(args) -> int:
    info = _runtime().kb.create(args.name, args.embedding_model)
    model = info.embedding_model or _("none (keyword search only)")
    print(_("created knowledge base “{name}” (embedding model: {model})").format(name=info.name, model=model))
    return 0


def _progress(done: int, total: int, label: str) -> None:
    if sys.stderr.isatty():
        print(f"\r{done}/{total}  {label[:60]:<60}", end="", file=sys.stderr, flush=True)


def _index(args, run) -> int:
    cancel = threading.Event()
    try:
        report = run(progress=_progress, cancel=cancel)
    except KeyboardInterrupt:
        cancel.set()
        raise
    if sys.stderr.isatty():
        print("\r" + " " * 70 + "\r", end="", file=sys.stderr)
    if args.json:
        _dump(report.to_dict())
    else:
        print(_("added {added}, updated {updated}, unchanged {unchanged}, removed {removed}, renamed {renamed}")
              .format(**report.to_dict()))
        if report.embedded:
            print(_("embedded {n} passages").format(n=report.embedded))
    for path, reason in report.failed:
        print(_("could not read {path}: {reason}").format(path=path, reason=reason), file=sys.stderr)
    return 0


def cmd_add(args) -> int:
    rt = _runtime()
    return _index(args, lambda **kw: rt.kb.add_sources(args.name, args.paths, **kw))


def cmd_sync(args) -> int:
    rt = _runtime()
    return _index(args, lambda **kw: rt.kb.sync(args.name, **kw))


def cmd_search(args) -> int:
    hits = _runtime().kb.search(args.name, args.query, k=args.k)
    if args.json:
        _dump([{"file": h.file, "page": h.page, "heading": h.heading, "text": h.text, "score": h.score,
                "start": h.start, "end": h.end} for h in hits])
        return 0
    if not hits:
        print(_("no passage found"))
    for n, h in enumerate(hits, start=1):
        where = h.file + (_(", page {page}").format(page=h.page) if h.page else "")
        print(f"[{n}] {where}" + (f" · {h.heading}" if h.heading else "") + f"  ({h.score:.4f})")
        print("    " + " ".join(h.text.split())[:300])
    return 0


def cmd_list(args) -> int:
    bases = _runtime().kb.list()
    if args.json:
        _dump([{"name": b.name, "uid": b.uid, "embedding_model": b.embedding_model, "sources": b.sources,
                "files": b.files, "chunks": b.chunks, "failed": b.failed,
                "indexed_at": b.indexed_at.isoformat() if b.indexed_at else None} for b in bases])
        return 0
    if not bases:
        print(_("no knowledge bases yet; create one with `kb create NAME`"))
    for b in bases:
        print(_("{name}: {files} files, {chunks} passages, {failed} unreadable; embedding model: {model}").format(
            name=b.name, files=b.files, chunks=b.chunks, failed=b.failed,
            model=b.embedding_model or _("none (keyword search only)")))
        for src in b.sources:
            print(f"    {src}")
    return 0


def cmd_remove(args) -> int:
    rt = _runtime()
    name = rt.kb.get(args.name).name
    rt.kb.remove(args.name)
    print(_("removed knowledge base “{name}”").format(name=name))
    return 0
