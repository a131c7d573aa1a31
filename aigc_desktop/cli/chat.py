"""`chat`: send one message and stream the reply to stdout (stats on stderr)."""

from __future__ import annotations

import sys
import threading

from aigc_desktop.cli import tools as tools_cli
from aigc_desktop.cli.args import ID, float_in, int_in
from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _, ngettext


def add_parsers(sub) -> None:
    p = sub.add_parser("chat", help=_("send a message and stream the reply"))
    p.add_argument("text", help=_("the message"))
    p.add_argument("--model", help=_("a .gguf path or an installed model's name"))
    p.add_argument("--conversation", type=ID, help=_("continue this conversation id"))
    p.add_argument("--max-tokens", type=int_in(1, 131072))
    p.add_argument("--seed", type=int_in(-1, 2**32 - 1), help=_("-1 for a random seed"))
    p.add_argument("--temperature", type=float_in(0.0, 5.0))
    p.add_argument("--system", help=_("system prompt for a new conversation"))
    p.add_argument("--kb", action="append", metavar="NAME",
                   help=_("answer from this knowledge base, citing its passages (repeat for more)"))
    p.add_argument("--gpu-layers", type=_gpu_layers, metavar="auto|0|N",
                   help=_("layers to put on the GPU for this chat (default: the gpu_layers setting)"))
    tools_cli.add_chat_arguments(p)
    p.set_defaults(handler=cmd_chat)


def _gpu_layers(value: str) -> str:
    import argparse

    from aigc_desktop.llm.gpu import canonical_gpu_layers

    try:
        return canonical_gpu_layers(value)
    except ValueError:
        raise argparse.ArgumentTypeError(_("GPU layers must be auto, 0 or a positive number, not {value}.").format(
            value=value)) from None


def cmd_chat(args) -> int:
    from aigc_desktop.hub.library import resolve_model
    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.runtime import open_runtime

    if not args.text.strip():
        raise UserError(_("The message is empty."))
    rt = open_runtime(hold_lock=True)  # a window starting meanwhile must not mark our reply interrupted
    settings = rt.settings
    # Everything that can be refused is checked before anything is stored, so a
    # failed command leaves no empty conversation behind.
    conv = rt.store.get(args.conversation) if args.conversation is not None else None
    tool_names = tools_cli.chat_tools(rt, args.tools)  # an unknown server is refused here
    kbs = [rt.kb.get(name).uid for name in args.kb or ()]  # an unknown name is refused here
    # PROVIDER/MODEL (a configured provider) runs on that server; a conversation already on one stays there.
    remote_ref = next((r for r in (args.model, conv.model if conv else None) if r and rt.router.is_remote(r)), None)
    if args.model and remote_ref != args.model:
        remote_ref = None
    if remote_ref:
        rt.router.engine_for(remote_ref)  # connects and checks the model exists, before anything is stored
        model_ref = remote_ref
    else:
        model_path = resolve_model(args.model or settings.default_model or None)
        if args.model and not model_path.exists() and not any(c in args.model for c in "/\\") \
                and not args.model.endswith(".gguf"):
            raise UserError(_("No installed model is named “{name}” and no such file exists; "
                              "`python -m aigc_desktop models list` shows the installed ones.").format(name=args.model))
        model_ref = str(model_path)
    from aigc_desktop.chat.presets import new_chat_fields

    fields = {} if conv else new_chat_fields(settings.default_preset)  # a new chat starts from the default preset
    stored = SamplingParams.from_dict(conv.sampling if conv else fields.get("sampling", {}))
    sampling = stored.merged(max_tokens=args.max_tokens, seed=args.seed, temperature=args.temperature)
    if not remote_ref:
        rt.engine.load(model_path, n_ctx=settings.n_ctx, n_threads=settings.n_threads, n_gpu_layers=args.gpu_layers)
        if getattr(rt.engine, "gpu_note", None):  # the GPU load failed and the CPU took over
            print(_("note: {note}").format(note=_(rt.engine.gpu_note)), file=sys.stderr)
    if conv is None:
        if args.system:
            fields["system_prompt"] = args.system
        conv = rt.service.new_conversation(**{**fields, "model": model_ref})
    elif args.model and conv.model != model_ref:
        rt.store.update(conv.id, model=model_ref)  # the conversation goes on with the model asked for
    if kbs:
        conv = rt.store.set_kbs(conv.id, kbs)

    if tool_names is not None:
        conv = rt.store.set_tools(conv.id, tool_names)
    wrote = []

    def out(text: str) -> None:
        wrote.append(1)
        sys.stdout.write(text)
        sys.stdout.flush()

    cancel = threading.Event()
    try:
        result = rt.service.send(conv.id, args.text, on_delta=out, sampling=sampling, cancel=cancel,
                                 approve=tools_cli.approver(args.approve) if conv.tools else None,
                                 on_tool=tools_cli.print_tool_event)
    except KeyboardInterrupt:
        cancel.set()
        raise
    finally:
        rt.tools.close()  # the stdio servers this chat started
    if wrote:
        sys.stdout.write("\n")
    if result.reply.citations:  # the passages the reply was given, by their numbers
        from aigc_desktop.kb.citations import references_markdown

        print("\n" + references_markdown(result.reply.citations).replace("**", ""))
    stats = result.reply.stats
    if result.error:
        raise UserError(result.error)
    if stats.get("dropped_messages"):
        n = stats["dropped_messages"]
        print(ngettext("note: {n} older message did not fit the context and was left out",
                       "note: {n} older messages did not fit the context and were left out", n).format(n=n),
              file=sys.stderr)
    tps = stats.get("tokens_per_second")
    if tps:
        line = _("[conversation {id} · {tokens} tokens · {tps:.1f} tok/s]")
    else:
        line = _("[conversation {id} · {tokens} tokens]")
    print(line.format(id=conv.id, tokens=stats.get("completion_tokens", 0), tps=tps or 0), file=sys.stderr)
    return 0
