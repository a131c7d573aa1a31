"""`compare`: one message to 2–4 models; each answer streams under its model's name.

Remote answers arrive in parallel; the terminal shows one at a time (the first
model's live, the others' held and printed, then continued live, when their turn
comes), so the answers never interleave. All are saved as sibling replies of one
user message: `show --json` lists them under "alternatives".
"""

from __future__ import annotations

import sys
import threading

from aigc_desktop.cli.args import ID, int_in
from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _


def add_parsers(sub) -> None:
    p = sub.add_parser("compare", help=_("send one message to several models side by side"))
    p.add_argument("text", help=_("the message"))
    p.add_argument("--model", action="append", required=True, dest="models",
                   help=_("a local model (path or name) or PROVIDER/MODEL; give it 2 to 4 times"))
    p.add_argument("--max-tokens", type=int_in(1, 131072))
    p.add_argument("--seed", type=int_in(-1, 2**32 - 1), help=_("-1 for a random seed"))
    p.add_argument("--conversation", type=ID, help=_("continue this conversation id"))
    p.set_defaults(handler=cmd_compare)


class _Printer:
    """Prints answer ``i`` live when it is the current one, else holds it until its turn."""

    def __init__(self, models: list[str]) -> None:
        self.models, self.held = models, [[] for _m in models]
        self.done = [False] * len(models)
        self.current = -1
        self.lock = threading.Lock()
        self._advance()

    def _write(self, text: str) -> None:
        sys.stdout.write(text)
        sys.stdout.flush()

    def _advance(self) -> None:
        while self.current + 1 < len(self.models):
            self.current += 1
            i = self.current
            self._write(("\n" if i else "") + f"== {self.models[i]} ==\n" + "".join(self.held[i]))
            self.held[i] = []
            if not self.done[i]:
                return
            self._write("\n")

    def delta(self, index: int, text: str) -> None:
        with self.lock:
            if index == self.current:
                self._write(text)
            else:
                self.held[index].append(text)

    def finished(self, index: int) -> None:
        with self.lock:
            self.done[index] = True
            if index == self.current:
                self._write("\n")
                self._advance()


def cmd_compare(args) -> int:
    from aigc_desktop.chat.compare import MAX_MODELS, MIN_MODELS, CompareService
    from aigc_desktop.chat.presets import new_chat_fields
    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.runtime import open_runtime

    if not args.text.strip():
        raise UserError(_("The message is empty."))
    if not MIN_MODELS <= len(args.models) <= MAX_MODELS:
        raise UserError(_("Compare takes 2 to 4 models, not {n}.").format(n=len(args.models)))
    rt = open_runtime(hold_lock=True)
    settings = rt.settings
    conv = rt.store.get(args.conversation) if args.conversation is not None else None
    fields = {} if conv else new_chat_fields(settings.default_preset)
    stored = SamplingParams.from_dict(conv.sampling if conv else fields.get("sampling", {}))
    sampling = stored.merged(max_tokens=args.max_tokens, seed=args.seed)
    service = CompareService(rt.service, rt.router, n_ctx=settings.n_ctx, n_threads=settings.n_threads)
    printer = _Printer(list(args.models))
    cancel = threading.Event()
    try:
        result = service.compare(conv.id if conv else None, args.text, list(args.models), printer.delta, cancel,
                                 sampling=sampling, new_conversation=fields, restore_local=False,
                                 on_done=lambda index, _reply: printer.finished(index))
    except KeyboardInterrupt:
        cancel.set()
        raise
    failed = 0
    for model, reply in zip(args.models, result.replies):
        stats = reply.stats
        if stats.get("error"):
            failed += 1
            print(_("error: {model}: {message}").format(model=model, message=stats["error"]), file=sys.stderr)
            continue
        tps, ttft = stats.get("tokens_per_second"), stats.get("time_to_first_token")
        line = _("[{model} · {tokens} tokens").format(model=model, tokens=stats.get("completion_tokens", 0))
        if ttft:
            line += _(" · first token {seconds:.2f} s").format(seconds=ttft)
        if tps:
            line += _(" · {tps:.1f} tok/s").format(tps=tps)
        if stats.get("unsupported_sampling"):
            line += _(" · not supported by the server: {names}").format(names=", ".join(stats["unsupported_sampling"]))
        print(line + "]", file=sys.stderr)
    print(_("[conversation {id}]").format(id=result.conversation_id), file=sys.stderr)
    return 1 if failed else 0
