"""`write`: the writing studio from the command line (new, draft, continue, rate, select, show, list,
export, and the outline's add-section, rename-section, delete-section, move-section).

Drafting streams each section's text to stdout under its heading; errors follow
the rest of the CLI (one line on stderr, exit 1; bad usage exit 2). Ctrl+C while a
section is written stops it as the window's Stop does (the section keeps its
finished text for `write export`; the stopped text is another version, which
`write select` can choose) and exits 130; a second Ctrl+C quits at once.
"""

from __future__ import annotations

import json
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

from aigc_desktop.cli.args import ID, float_in, int_in
from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _, sentences

FORMATS = ("md", "html", "docx", "pdf")
RATINGS = ("up", "down", "none")
SWITCH = ("on", "off")


def add_parsers(sub) -> None:
    from aigc_desktop.cli.args import _Parser

    thinking_help = _("a model that can think first or not (Qwen3): think while drafting (kept with the "
                      "document; off by default, which is faster)")
    w = sub.add_parser("write", help=_("write an article section by section (the writing studio)"))
    wsub = w.add_subparsers(dest="write_command", required=True, parser_class=_Parser)

    p = wsub.add_parser("new", help=_("create a document from a title and an outline"))
    p.add_argument("title")
    p.add_argument("--brief", default="", help=_("audience, style, length"))
    outline = p.add_mutually_exclusive_group()
    outline.add_argument("--sections", type=int_in(1, 30), help=_("ask the model for this many sections"))
    outline.add_argument("--outline", help=_('section titles separated by "|"'))
    p.add_argument("--model", help=_("a .gguf path, an installed model's name, or provider/model"))
    p.add_argument("--seed", type=int_in(-1, 2**32 - 1), help=_("-1 for a random seed"))
    p.add_argument("--thinking", choices=SWITCH, help=thinking_help)
    p.add_argument("--kb", action="append", metavar="NAME",
                   help=_("ground each section in this knowledge base (repeat for more)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_new)

    p = wsub.add_parser("draft", help=_("draft every section without finished text, or one section"))
    p.add_argument("doc", type=ID)
    p.add_argument("--section", type=ID)
    p.add_argument("--redo", action="store_true",
                   help=_("draft finished sections too (each keeps its finished text unless the new one finishes)"))
    p.add_argument("--max-tokens", type=int_in(1, 131072))
    p.add_argument("--seed", type=int_in(-1, 2**32 - 1), help=_("-1 for a random seed"))
    p.add_argument("--temperature", type=float_in(0.0, 5.0))
    p.add_argument("--thinking", choices=SWITCH, help=thinking_help)
    p.set_defaults(handler=cmd_draft)

    p = wsub.add_parser("continue", help=_("continue a section's text (raw completion, no chat template)"))
    p.add_argument("doc", type=ID)
    p.add_argument("--section", type=ID, required=True)
    p.add_argument("--max-tokens", type=int_in(1, 131072), default=256)
    p.set_defaults(handler=cmd_continue)

    p = wsub.add_parser("rate", help=_("rate a section's version: up (👍), down (👎) or none"))
    p.add_argument("doc", type=ID)
    p.add_argument("--section", type=ID, required=True)
    p.add_argument("--version", type=ID, help=_("the version number shown as < N/M > (default: the current one)"))
    p.add_argument("rating", choices=RATINGS)
    p.set_defaults(handler=cmd_rate)

    p = wsub.add_parser("select", help=_("choose which version of a section the article uses"))
    p.add_argument("doc", type=ID)
    p.add_argument("--section", type=ID, required=True)
    p.add_argument("--version", type=ID, required=True, help=_("the version number shown as < N/M >"))
    p.set_defaults(handler=cmd_select)

    p = wsub.add_parser("show", help=_("a document's sections, their status and text"))
    p.add_argument("doc", type=ID)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = wsub.add_parser("list", help=_("documents, newest first"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = wsub.add_parser("add-section", help=_("add an empty section to a document's outline"))
    p.add_argument("doc", type=ID)
    p.add_argument("title", nargs="?", default="")
    p.add_argument("--at", type=ID, help=_("its number in the outline (default: last)"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_add_section)

    p = wsub.add_parser("rename-section", help=_("give a section a new title (its text stays)"))
    p.add_argument("doc", type=ID)
    p.add_argument("--section", type=ID, required=True)
    p.add_argument("title")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_rename_section)

    p = wsub.add_parser("delete-section", help=_("delete a section and all its versions"))
    p.add_argument("doc", type=ID)
    p.add_argument("--section", type=ID, required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_delete_section)

    p = wsub.add_parser("move-section", help=_("move a section to another place in the outline"))
    p.add_argument("doc", type=ID)
    p.add_argument("--section", type=ID, required=True)
    p.add_argument("--to", type=ID, required=True, help=_("its new number in the outline"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_move_section)

    p = wsub.add_parser("export", help=_("export a document as one article"))
    p.add_argument("doc", type=ID)
    p.add_argument("--format", choices=FORMATS, default="md")
    p.add_argument("--toc", action="store_true", default=None,
                   help=_("add a table of contents (default: as set for the document)"))
    p.add_argument("--lead", default=None, help=_("a lead paragraph under the title (default: the document's own)"))
    p.add_argument("-o", "--output", required=True)
    p.set_defaults(handler=cmd_export)


def _dump(value) -> None:
    print(json.dumps(value, ensure_ascii=False, indent=2))


def _open(*, hold_lock: bool = False):
    from aigc_desktop.runtime import open_runtime

    rt = open_runtime(hold_lock=hold_lock)  # drafting holds the lock: a window starting meanwhile must not
    return rt, rt.documents                 # mark our section interrupted


def _service(rt, model: str | None):
    """The runtime's document service, with the document's model (or the default one) ready: a
    provider's through the router, a local one loaded."""
    from aigc_desktop.hub.library import resolve_model

    if model and rt.router is not None and rt.router.is_remote(model):
        rt.writing.engine_for(model)  # asks the server for the model now: a wrong name fails before any run
        return rt.writing, model
    path = resolve_model(model or rt.settings.default_model or None)
    if model and not Path(path).exists():
        raise UserError(_("No installed model is named “{name}” and no such file exists; "
                          "`python -m aigc_desktop models list` shows the installed ones.").format(name=model))
    rt.engine.load(path, n_ctx=rt.settings.n_ctx, n_threads=rt.settings.n_threads)
    return rt.writing, str(path)


def _version_list(docs, sec) -> list[dict]:
    """Each version as the window numbers them (< N/M >); only the current one has a status."""
    out = []
    for number, v in enumerate(docs.versions(sec.id), start=1):
        item = {"number": number, "id": v.id, "rating": v.rating, "created_at": v.created_at.isoformat()}
        if v.id == sec.current_version_id:
            item["status"] = sec.status
        out.append(item)
    return out


def _doc_json(docs, doc) -> dict:
    # "versions" stays the count (a contract); the list is "version_list".
    return {
        "id": doc.id, "title": doc.title, "brief": doc.brief, "lead": doc.lead, "toc": doc.toc,
        "prompt_template": doc.prompt_template, "model": doc.model, "thinking": doc.thinking,
        "kbs": list(doc.kbs),
        "sections": [
            {"index": s.index, "title": s.title, "status": s.status, "text": s.text, "prompt": s.prompt,
             "versions": s.version_count, "rating": s.rating, "version_list": _version_list(docs, s),
             "citations": s.citations}
            for s in doc.sections
        ],
    }


def _print_outline(doc) -> None:
    print(_("document {id}: {title}").format(id=doc.id, title=doc.title))
    for s in doc.sections:
        print(f"  {s.index}. {s.title}")


def cmd_new(args) -> int:
    rt, docs = _open()
    kbs = [rt.kb.get(name).uid for name in args.kb or ()]  # an unknown name is refused before anything is made
    if args.outline is not None:
        outline = [t.strip() for t in args.outline.split("|") if t.strip()]
        from aigc_desktop.writing.article import create_document

        doc = create_document(docs, args.title, args.brief, outline, model=args.model)
    else:
        from aigc_desktop.llm.sampling import SamplingParams

        service, model = _service(rt, args.model)
        doc = service.new(args.title, args.brief, None, args.sections, model=args.model or model,
                          sampling=SamplingParams().merged(seed=args.seed) if args.seed is not None else None)
    if args.thinking:
        doc = docs.update(doc.id, thinking=args.thinking == "on")
    if kbs:
        doc = docs.update(doc.id, kbs=kbs)
    if args.json:
        _dump(_doc_json(docs, doc))
    else:
        _print_outline(doc)
    return 0


def _show_outline(args, docs, doc) -> int:
    if args.json:
        _dump(_doc_json(docs, doc))
    else:
        _print_outline(doc)
    return 0


def cmd_add_section(args) -> int:
    _rt, docs = _open()
    return _show_outline(args, docs, docs.add_section(args.doc, args.title, at=args.at))


def cmd_rename_section(args) -> int:
    _rt, docs = _open()
    return _show_outline(args, docs, docs.rename_section(args.doc, args.section, args.title))


def cmd_delete_section(args) -> int:
    _rt, docs = _open()
    return _show_outline(args, docs, docs.delete_section(args.doc, args.section))


def cmd_move_section(args) -> int:
    _rt, docs = _open()
    docs.section(args.doc, args.section)  # a wrong number says "no section K", not a bare range error
    docs.section(args.doc, args.to)
    return _show_outline(args, docs, docs.move_section(args.doc, args.section, args.to))


def _stream_out():
    """on_start / on_delta callbacks writing each section under its heading."""
    state = {"open": False}

    def start(sec) -> None:
        if state["open"]:
            sys.stdout.write("\n")
        sys.stdout.write(f"\n## {sec.index}. {sec.title}\n\n")
        sys.stdout.flush()
        state["open"] = True

    def delta(_sec, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    return start, delta, state


@contextmanager
def _stop_on_ctrl_c(cancel: threading.Event):
    """The first Ctrl+C (SIGINT) sets ``cancel``, so the run ends ``stopped`` and is saved so, as
    the window's Stop; a second one raises KeyboardInterrupt (the run is still finished as
    stopped by the service). Python's own handler raises at once, wherever the run is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum, _frame) -> None:
        if cancel.is_set():
            raise KeyboardInterrupt
        cancel.set()
        print("\n" + _("stopping… (Ctrl+C again to quit at once)"), file=sys.stderr, flush=True)

    previous = signal.signal(signal.SIGINT, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _report_stopped(docs, doc_id: int, runs) -> None:
    """Where each stopped run's text went, on stderr."""
    for run in runs:
        if run.run_status != "stopped":
            continue
        if run.run_version_id is None:
            print(_("section {index}: stopped before any text was written").format(index=run.index), file=sys.stderr)
        elif run.kept_earlier:
            ids = [v.id for v in docs.versions(run.id)]
            number = ids.index(run.run_version_id) + 1
            print(_("section {index}: stopped; its finished text stays the one `write export` uses. The stopped "
                    "text is version {number} of {total} (`write select {doc} --section {index} --version {number}` "
                    "chooses it)").format(index=run.index, number=number, total=len(ids), doc=doc_id),
                  file=sys.stderr)
        else:
            print(_("section {index}: stopped; it keeps the text written so far").format(index=run.index),
                  file=sys.stderr)


def _failed(message: str, run) -> UserError:
    return UserError(sentences(message, run.run_error or ""))


def cmd_draft(args) -> int:
    rt, docs = _open(hold_lock=True)
    doc = docs.get(args.doc)
    if args.section is not None:
        docs.section(doc.id, args.section)  # refuse a wrong number before loading the model
    if args.thinking:
        doc = docs.update(doc.id, thinking=args.thinking == "on")
    service, _model = _service(rt, doc.model)
    sampling = None  # the service's own: a larger max tokens for a model that thinks, the document's switch
    if (args.max_tokens, args.seed, args.temperature) != (None, None, None):
        sampling = service.sampling_for(doc).merged(max_tokens=args.max_tokens, seed=args.seed,
                                                    temperature=args.temperature)
    start, delta, state = _stream_out()
    cancel = threading.Event()
    with _stop_on_ctrl_c(cancel):
        written = service.draft(doc.id, args.section, redo=args.redo, on_start=start, on_delta=delta, cancel=cancel,
                                sampling=sampling)
    if state["open"]:
        sys.stdout.write("\n")
        sys.stdout.flush()
    errors = [s for s in written if s.run_status == "error"]
    if not written and not cancel.is_set():
        print(_("nothing to draft: every section has finished text (--section K redrafts one, --redo all)"),
              file=sys.stderr)
    if errors:
        raise _failed(_("Section {index} could not be drafted.").format(index=errors[0].index), errors[0])
    if cancel.is_set():
        _report_stopped(docs, doc.id, written)
        return 130
    return 0


def cmd_continue(args) -> int:
    rt, docs = _open(hold_lock=True)
    doc = docs.get(args.doc)
    sec = docs.section(doc.id, args.section)
    service, _model = _service(rt, doc.model)
    start, delta, _state = _stream_out()
    sys.stdout.write(sec.text)
    cancel = threading.Event()
    with _stop_on_ctrl_c(cancel):
        result = service.continue_section(doc.id, args.section, max_tokens=args.max_tokens, on_delta=delta,
                                          cancel=cancel)
    sys.stdout.write("\n")
    sys.stdout.flush()
    if result.run_status == "error":
        raise _failed(_("Section {index} could not be continued.").format(index=result.index), result)
    if cancel.is_set():
        _report_stopped(docs, doc.id, [result])
        return 130
    return 0


def _numbered(docs, doc_id: int, index: int, number: int | None):
    """(section, its versions, the version numbered ``number`` as < N/M > shows it; default: the chosen one)."""
    from aigc_desktop.store.documents import DocumentNotFound

    sec = docs.section(doc_id, index)
    listed = docs.versions(sec.id)
    if number is None:
        number = next((n for n, v in enumerate(listed, start=1) if v.id == sec.current_version_id), None)
        if number is None:
            raise DocumentNotFound(_("Section {index} has no text to rate yet.").format(index=sec.index))
    elif number > len(listed):
        raise DocumentNotFound(_("Section {index} has no version {number}; it has {total}.").format(
            index=sec.index, number=number, total=len(listed)))
    return sec, listed, number


def cmd_rate(args) -> int:
    _rt, docs = _open()
    sec, listed, number = _numbered(docs, args.doc, args.section, args.version)
    docs.rate_version(listed[number - 1].id, None if args.rating == "none" else args.rating)
    print(_("section {index}, version {number}/{total}: {rating}").format(
        index=sec.index, number=number, total=len(listed), rating=args.rating))
    return 0


def cmd_select(args) -> int:
    _rt, docs = _open()
    sec, listed, number = _numbered(docs, args.doc, args.section, args.version)
    docs.select_version(sec.id, listed[number - 1].id)
    sec = docs.section(args.doc, args.section)
    print(_("section {index} now uses version {number}/{total} ({status})").format(
        index=sec.index, number=number, total=len(listed), status=sec.status))
    return 0


def cmd_show(args) -> int:
    _rt, docs = _open()
    doc = docs.get(args.doc)
    if args.json:
        _dump(_doc_json(docs, doc))
        return 0
    print(f"# {doc.title}")
    if doc.brief:
        print(doc.brief)
    for s in doc.sections:
        print(f"\n## {s.index}. {s.title}  [{s.status}]")
        if s.text:
            print(s.text)
    return 0


def cmd_list(args) -> int:
    _rt, docs = _open()
    items = docs.list()
    if args.json:
        _dump([{"id": d.id, "title": d.title, "updated": d.updated_at.isoformat()} for d in items])
    else:
        for d in items:
            print(f"{d.id:>5}  {d.updated_at.astimezone():%Y-%m-%d %H:%M}  {d.title}")
    return 0


def cmd_export(args) -> int:
    from aigc_desktop.export.files import write_bytes_atomic
    from aigc_desktop.writing.article import assemble

    if not args.output.strip():
        raise UserError(_("-o needs a file name."))
    _rt, docs = _open()
    doc = docs.get(args.doc)
    if args.format == "md":
        data = assemble(docs, doc.id, toc=args.toc, lead=args.lead).encode("utf-8")
    else:
        from aigc_desktop.writing.export import render

        data = render(docs.get(doc.id), args.format, toc=args.toc, lead=args.lead)
    out = Path(args.output).expanduser()
    write_bytes_atomic(out, data)
    print(_("exported document {id} to {path}").format(id=doc.id, path=out))
    return 0
