"""The work the engine thread does, one class per kind: a job is the only way to use the
local ``Llama`` (the window's turns, prefill, document runs, 续写, a comparison's local
legs, model loads and the Local API's requests).

A job is plain Python (no Qt): its :meth:`Job.run` is called on the engine thread with
the runtime and an ``emit`` that reports progress to the GUI:

    emit.delta(text, key=-1)   streamed text (batched to ~30 signals a second by the worker);
                               a reasoning model's thinking at :func:`reasoning_key` of the key
    emit(event, value)         anything else ("user_saved", "reading", "section", …)
    emit.model_changed()       the job loaded another model (a comparison's local legs)

What :meth:`run` returns reaches the handle's ``success``; an exception reaches its
``failure`` as one message (:func:`aigc_desktop.errors.describe`).

``leases``: the job holds the engine's lease while queued or running, so the composer's
Send is Stop and Stop cancels it. ``needs_model``: refused at submit when no local model
is loaded. ``background``: cancelled by any leasing job or load that is submitted after it
(evaluating ahead must never delay Send).
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field

from aigc_desktop.errors import NoModelError, UserError
from aigc_desktop.i18n import _
from aigc_desktop.ui.tools.approver import turn_tools

log = logging.getLogger(__name__)

REASONING_KEYS = 1 << 29  # a delta keyed ``key + REASONING_KEYS`` is the thinking of ``key``'s reply


def reasoning_key(key: int = -1) -> int:
    """The delta key of the thinking whose answer streams at ``key`` (a turn's -1, a pane's index)."""
    return key + REASONING_KEYS


def split_key(key: int) -> tuple[int, bool]:
    """(the answer's key, is this thinking?) of a delta's key."""
    if key >= REASONING_KEYS // 2:
        return key - REASONING_KEYS, True
    return key, False


class Job:
    kind = "job"
    leases = True
    needs_model = True
    background = False

    def __init__(self) -> None:
        self.id = 0  # given by the client at submit
        self.cancel = threading.Event()

    def run(self, rt, emit):  # pragma: no cover - every kind overrides it
        raise NotImplementedError

    def check_model(self, rt) -> None:
        """On the engine thread: the engine's own word on whether a model is there."""
        if self.needs_model and not rt.engine.loaded:
            raise NoModelError()


class LoadJob(Job):
    """Load a model file; the result is the engine's ``LoadedModel`` and its GPU note."""

    kind = "load"
    leases = False
    needs_model = False

    def __init__(self, path: str, n_ctx: int, n_threads: int) -> None:
        super().__init__()
        self.path, self.n_ctx, self.n_threads = str(path), int(n_ctx), int(n_threads)

    def run(self, rt, emit):
        model = rt.engine.load(self.path, n_ctx=self.n_ctx, n_threads=self.n_threads)
        return LoadResult(model.name, model.n_ctx, str(model.path), getattr(rt.engine, "gpu_note", None))


@dataclass(frozen=True)
class LoadResult:
    name: str
    n_ctx: int
    path: str
    gpu_note: str | None = None


class TurnJob(Job):
    """A chat turn: "send" (target = conversation, or -1 for a new one with ``new_conversation``),
    "regenerate" (target = message), "edit" (target = the user message edited) or "continue"
    (target = a reply cut at max tokens, carried on in place).

    Deltas: the answer at key -1, the thinking at ``reasoning_key()``. Events: ``user_saved``
    (conversation_id, message_id), ``reply_started`` conversation_id, ``reading`` (done, total)
    while a long prompt is read; in a chat with MCP servers on, ``tool`` (a call starts or ends, for
    its card) and ``tool_approval`` (request, future), answered on the GUI thread (``ui/tools/approver.py``).
    Result: :class:`TurnResult`."""

    kind = "turn"

    def __init__(self, action: str, target_id: int, text: str = "", *, remote: bool = False,
                 new_conversation: dict | None = None) -> None:
        super().__init__()
        self.action, self.target_id, self.text = action, int(target_id), text
        self.needs_model = not remote
        self.new_conversation = new_conversation

    def run(self, rt, emit):
        self.check_model(rt)
        service, cancel = rt.service, self.cancel

        def on_user(msg) -> None:
            emit("user_saved", (msg.conversation_id, msg.id))
            emit("reply_started", msg.conversation_id)

        def on_progress(done: int, total: int) -> None:
            emit("reading", (done, total))

        def on_reasoning(text: str) -> None:
            emit.delta(text, reasoning_key())

        common = dict(on_delta=emit.delta, cancel=cancel, on_progress=on_progress)
        thinking = dict(common, on_reasoning=on_reasoning)
        if self.action == "send":
            target = self.target_id if self.target_id >= 0 else None
            thinking.update(turn_tools(rt, target, emit, cancel))  # a chat with MCP servers on asks before a tool runs
            result = service.send(target, self.text, on_user_saved=on_user,
                                  new_conversation=self.new_conversation, **thinking)
        elif self.action == "regenerate":
            conversation_id = rt.store.get_message(self.target_id).conversation_id
            emit("reply_started", conversation_id)
            result = service.regenerate(self.target_id, **thinking, **turn_tools(rt, conversation_id, emit, cancel))
        elif self.action == "edit":
            thinking.update(turn_tools(rt, rt.store.get_message(self.target_id).conversation_id, emit, cancel))
            result = service.edit_and_resend(self.target_id, self.text, on_user_saved=on_user, **thinking)
        elif self.action == "continue":
            result = service.continue_reply(self.target_id, **common)
        else:
            raise ValueError(self.action)
        reply = result.reply
        stats = dict(reply.stats)
        if result.error and "error" not in stats:  # a continuation that added nothing keeps the reply as it was
            stats["error"] = result.error
        return TurnResult(reply.conversation_id, reply.id, reply.status, stats)


@dataclass(frozen=True)
class TurnResult:
    conversation_id: int
    message_id: int
    status: str
    stats: dict = field(default_factory=dict)


class PrefillJob(Job):
    """Evaluate a chat's prompt up to the end of the draft while the person types (only a
    speed-up: a failure is logged at debug level and the turn reports real problems)."""

    kind = "prefill"
    leases = False
    background = True

    def __init__(self, conversation_id: int, draft: str) -> None:
        super().__init__()
        self.conversation_id, self.draft = int(conversation_id), draft

    def run(self, rt, emit):
        if self.cancel.is_set():
            return 0
        try:
            return rt.service.prefill(self.conversation_id, self.draft, self.cancel)
        except Exception:
            log.debug("prefill skipped", exc_info=True)
            return 0


class DocumentJob(Job):
    """A writing-studio run through the runtime's document service: "new" (``options``: title,
    brief, n; the model proposes the outline), "draft" (section ``section``, a new version),
    "draft_all" (every section without a finished version, in order; ``options["redo"]``: every
    section), "continue" (续写 of section ``section``, ``options["max_tokens"]``).

    Deltas are keyed by section id; ``section`` (document_id, section_id) marks the start of
    each section. Result: ``{"document_id", "statuses", "error", "stopped", "runs"}``: the
    runs' own statuses, and for each run its section id, its version id (None when it kept
    none) and whether the section kept the version chosen before it (a stopped regenerate)."""

    kind = "document"

    def __init__(self, action: str, document_id: int = -1, section: int = 0, **options) -> None:
        super().__init__()
        self.action, self.document_id, self.section = action, int(document_id), int(section)
        self.options = options

    def run(self, rt, emit):
        from aigc_desktop.llm.sampling import SamplingParams

        self.check_model(rt)
        service, cancel, options = rt.writing, self.cancel, self.options

        def on_start(sec) -> None:
            emit("section", (sec.document_id, sec.id))

        def on_delta(sec, piece: str) -> None:
            emit.delta(piece, sec.id)

        sampling = SamplingParams(max_tokens=int(options.get("max_tokens") or SamplingParams().max_tokens))
        if self.action == "new":
            try:
                doc = service.new(options.get("title", ""), options.get("brief", ""), None,
                                  int(options.get("n") or 5), model=options.get("model"), cancel=cancel)
            except UserError:
                if cancel.is_set():
                    return {"document_id": -1, "stopped": True}
                raise
            if cancel.is_set():  # stopped while the outline was proposed: keep nothing half-made
                service.store.delete(doc.id)
                return {"document_id": -1, "stopped": True}
            return {"document_id": doc.id}
        if self.action in ("draft", "draft_all"):
            written = service.draft(self.document_id, self.section if self.action == "draft" else None,
                                    redo=bool(options.get("redo")), on_start=on_start, on_delta=on_delta,
                                    cancel=cancel, sampling=sampling)
        elif self.action == "continue":
            on_start(service.store.section(self.document_id, self.section))
            written = [service.continue_section(self.document_id, self.section, max_tokens=sampling.max_tokens,
                                                on_delta=on_delta, cancel=cancel)]
        else:
            raise ValueError(self.action)
        error = next((s.run_error or _("The section could not be written.") for s in written
                      if s.run_status == "error"), "")
        runs = [{"section_id": s.id, "version_id": s.run_version_id, "kept_earlier": s.kept_earlier}
                for s in written]
        return {"document_id": self.document_id, "statuses": [s.run_status for s in written], "error": error,
                "runs": runs}


class ContinueJob(Job):
    """续写 of the composer's text: raw completion (no chat template), nothing stored.
    Result: "done" or "stopped"."""

    kind = "continue"

    def __init__(self, text: str, max_tokens: int) -> None:
        super().__init__()
        self.text, self.max_tokens = text, int(max_tokens)

    def run(self, rt, emit):
        from aigc_desktop.llm.sampling import SamplingParams

        self.check_model(rt)
        for d in rt.engine.complete(self.text, SamplingParams(max_tokens=self.max_tokens), self.cancel,
                                    cache_key="composer-draft"):
            if d.done:
                return "stopped" if d.stats.finish_reason == "cancelled" else "done"
            emit.delta(d.text)
        return "done"


class CompareJob(Job):
    """Chat → Compare models: the comparison runs on the engine thread, so its local legs
    (and the loads of other models they need) touch the ``Llama`` from that thread only;
    remote legs stream from threads of their own. Deltas are keyed by model index (the thinking
    at ``reasoning_key(index)``); ``done``
    (index, reply) as each answer is saved. Result: the :class:`CompareResult`."""

    kind = "compare"

    def __init__(self, text: str, models: list[str], new_conversation: dict, n_ctx: int, n_threads: int) -> None:
        super().__init__()
        self.text, self.models, self.fields = text, list(models), new_conversation
        self.n_ctx, self.n_threads = int(n_ctx), int(n_threads)
        self.needs_model = False  # each leg loads what it needs

    def run(self, rt, emit):
        from aigc_desktop.chat.compare import CompareService

        # Each load of another model is reported, so the window's copy of the loaded model stays true.
        service = CompareService(rt.service, rt.router, n_ctx=self.n_ctx, n_threads=self.n_threads,
                                 on_loaded=emit.model_changed)
        return service.compare(None, self.text, self.models, on_delta=lambda i, t: emit.delta(t, i),
                               on_reasoning=lambda i, t: emit.delta(t, reasoning_key(i)),
                               cancel=self.cancel, new_conversation=self.fields,
                               on_done=lambda i, reply: emit("done", (i, reply)))


class CallJob(Job):
    """A function run on the engine thread for another part (the Local API's requests):
    its result or exception goes to ``future``. It leases the engine from the moment it
    starts, so the window shows Stop and Stop ends it (through ``stop``)."""

    kind = "serve"
    needs_model = False

    def __init__(self, fn, args, future: Future) -> None:
        super().__init__()
        self.fn, self.args, self.future = fn, args, future

    def run(self, rt, emit):
        if not self.future.set_running_or_notify_cancel():
            return None
        try:
            result = self.fn(*self.args)
        except BaseException as exc:  # the caller's future carries it; the server maps errors itself
            self.future.set_exception(exc)
            return None
        self.future.set_result(result)
        return None
