"""`models …` commands: list, catalog, search, files, download, import, remove, default.

A split GGUF set is one model in every listing (its name, the size of all parts, and
"N parts"); ``download`` takes the set's name or any of its parts and fetches, or
resumes, every part. ``--json`` output keeps its fields and adds ``parts``.
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

from aigc_desktop.cli.args import _Parser
from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _


def add_parsers(sub) -> None:
    models = sub.add_parser("models", help=_("find, download and manage GGUF models"))
    msub = models.add_subparsers(dest="models_command", required=True, parser_class=_Parser)
    p = msub.add_parser("list", help=_("installed models with their metadata"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)
    p = msub.add_parser("catalog", help=_("the curated starter list, with a memory fit estimate"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_catalog)
    p = msub.add_parser("search", help=_("search the Hub for GGUF repositories"))
    p.add_argument("query")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_search)
    p = msub.add_parser("files", help=_("a repository's GGUF files"))
    p.add_argument("repo")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_files)
    p = msub.add_parser("download", help=_("download (or resume) a GGUF file or split set into the models folder"))
    p.add_argument("repo")
    p.add_argument("file", help=_("a file name from `models files`; a split set's name or any of its parts"))
    p.set_defaults(handler=cmd_download)
    p = msub.add_parser("import", help=_("copy a local GGUF file into the models folder"))
    p.add_argument("path")
    p.set_defaults(handler=cmd_import)
    p = msub.add_parser("remove", help=_("delete an installed model"))
    p.add_argument("name")
    p.set_defaults(handler=cmd_remove)
    p = msub.add_parser("default", help=_("set the model new chats use"))
    p.add_argument("name")
    p.set_defaults(handler=cmd_default)


PARTS = N_("  ({count} parts)")
REMOVED_PARTS = N_("removed every part of {name} (a set of {count}) on disk")
RESUME_HINT = N_("    resume with: models download {repo} {file}")


def _size(n: int) -> str:
    return f"{n / 2**30:.2f} GB" if n >= 2**30 else f"{n / 2**20:.0f} MB"


def _parts(count: int) -> str:
    return _(PARTS).format(count=count) if count > 1 else ""


def cmd_list(args) -> int:
    from aigc_desktop.hub.library import is_default_model, list_models
    from aigc_desktop.hub.splits import source_of

    entries = list_models()
    defaults = {str(e.path) for e in entries if is_default_model(e.path)}
    if not defaults:  # no default set: new chats use the starter model
        defaults = {str(e.path) for e in entries if e.is_starter}
    if args.json:
        print(json.dumps([
            {"name": e.name, "path": str(e.path), "size": e.size, "starter": e.is_starter,
             "default": str(e.path) in defaults,
             "quant": e.quant, "architecture": getattr(e.info, "architecture", None),
             "parameters": getattr(e.info, "parameter_count", None),
             "context_length": getattr(e.info, "context_length", None), "problem": e.problem,
             "parts": e.parts, "files": [str(p) for p in e.files or (e.path,)]}
            for e in entries
        ], ensure_ascii=False, indent=2))
        return 0
    for e in entries:
        info = e.info
        desc = (f"{info.architecture} {info.parameters_label} {e.quant} ctx {info.context_length}" if info else "")
        flag = "  !! " + e.problem if e.problem else ""
        tags = (" " + _("(starter)")) * e.is_starter + (" " + _("(default)")) * (str(e.path) in defaults)
        print(f"{e.name:<48} {_size(e.size):>9}  {desc}{tags}{_parts(e.parts)}{flag}")
        source = source_of(e.path) if e.incomplete else None
        if source is not None:
            print(_(RESUME_HINT).format(repo=source.repo, file=source.filename))
    return 0


def cmd_catalog(args) -> int:
    from aigc_desktop.hub import fit
    from aigc_desktop.hub.catalog import load_catalog

    avail = fit.available_memory()
    entries = load_catalog()
    if args.json:
        print(json.dumps([
            {"name": c.name, "repo": c.repo, "file": c.file, "size": c.size, "license": c.license,
             "quant": c.quant, "fit": fit.estimate(c.size, avail), "parts": c.parts} for c in entries
        ], ensure_ascii=False, indent=2))
        return 0
    for c in entries:
        print(f"{c.name:<34} {_size(c.size):>9}  {fit.label(fit.estimate(c.size, avail)):<8} {c.repo} {c.file}{_parts(c.parts)}")
    return 0


def cmd_search(args) -> int:
    from aigc_desktop.hub.catalog import search_repos

    hits = search_repos(args.query)
    if args.json:
        print(json.dumps([{"repo": h.repo, "downloads": h.downloads, "likes": h.likes} for h in hits], indent=2))
    else:
        for h in hits:
            print(_("{repo:<60} {downloads:>10,} downloads").format(repo=h.repo, downloads=h.downloads))
        if not hits:
            print(_("no GGUF repositories found"))
    return 0


def cmd_files(args) -> int:
    from aigc_desktop.hub import fit
    from aigc_desktop.hub.catalog import list_gguf_files

    files = list_gguf_files(args.repo)
    avail = fit.available_memory()
    if args.json:
        print(json.dumps([{"file": f.filename, "size": f.size, "sha256": f.sha256, "quant": f.quant,
                           "fit": fit.estimate(f.size, avail), "parts": len(f.files),
                           "files": [{"file": p.filename, "size": p.size, "sha256": p.sha256} for p in f.files]}
                          for f in files], indent=2))
    else:
        for f in files:
            print(f"{f.filename:<60} {_size(f.size):>9}  {f.quant:<8} {fit.label(fit.estimate(f.size, avail))}"
                  f"{_parts(len(f.parts))}")
    return 0


def cmd_download(args) -> int:
    from aigc_desktop.hub.catalog import list_gguf_files
    from aigc_desktop.hub.splits import download_model, find_remote

    remote = find_remote(list_gguf_files(args.repo), args.file)
    if remote is None:
        raise UserError(_("{file} is not a GGUF file of {repo}.").format(file=args.file, repo=args.repo))
    cancel = threading.Event()
    last = [-1]

    def show(p) -> None:
        pct = int(p.fraction * 100)
        if pct != last[0]:
            last[0] = pct
            eta = _(", {seconds:.0f}s left").format(seconds=p.eta) if p.eta is not None else ""
            print(f"\r{pct:3d}%  {p.done / 2**20:,.1f}/{p.total / 2**20:,.1f} MB  "
                  f"{p.speed / 2**20:.1f} MB/s{eta}   ", end="", file=sys.stderr, flush=True)

    try:
        path = download_model(remote, progress=show, cancel=cancel)
    except KeyboardInterrupt:
        cancel.set()
        print("\n" + _("cancelled; run the same command again to resume"), file=sys.stderr)
        return 130
    except UserError:
        if last[0] >= 0:
            print(file=sys.stderr)  # end the progress line: the error gets a line of its own
        raise
    print(file=sys.stderr)
    print(_("saved {path}").format(path=path) + _parts(len(remote.parts)))
    return 0


def cmd_import(args) -> int:
    from aigc_desktop.hub.library import import_model

    print(_("imported {path}").format(path=import_model(Path(args.path))))
    return 0


def cmd_remove(args) -> int:
    from aigc_desktop.hub.library import delete_model
    from aigc_desktop.paths import app_paths
    from aigc_desktop.settings import Settings

    from aigc_desktop.hub.splits import model_name, split_of

    before = Settings.load(app_paths().settings_file).default_model
    path = delete_model(args.name)
    print(_("removed {path}").format(path=path))
    split = split_of(path.name)
    if split:
        print(_(REMOVED_PARTS).format(count=split[2], name=model_name(path)))
    if before and not Settings.load(app_paths().settings_file).default_model:
        print(_("it was the default model; new chats now use the starter model"))
    return 0


def cmd_default(args) -> int:
    from aigc_desktop.hub.library import set_default_model

    print(_("default model: {name}").format(name=set_default_model(args.name)))
    return 0
