"""Side by side (对比): one prompt to 2–4 models, each answer a sibling reply of one user message.

    CompareService(chat, router).compare(conversation_id | None, text, models,
                                         on_delta=lambda index, text: ..., cancel=event)

The user's message is saved once; every model's answer is a reply with that
message as parent, so the conversation's ``< n/m >`` switcher, export and
feedback see them as alternatives. Each reply records its model
(``provider/model`` for remote ones).

Remote models run in parallel, one thread each (the server does the work).
Local models run one after another on the calling thread, with one ``Llama``
in memory at a time: the local engine loads each in turn. Two at once was
measured on this machine (``bench/remote_bench.py``, docs/scale-out.md): two
processes decoding together on the same CPU cores get about half the speed
each, since decoding is bound by memory bandwidth, so the total time does not
drop, while the memory needed doubles (a 7B Q4 model is ~4.5 GB, so two would
not fit a 16 GB laptop beside the app and the browser). After the compare,
the model that was loaded before is loaded again (``restore_local``), so the
window's idea of the loaded model stays true.

``on_loaded()`` hears each load of another local model (the window keeps its copy of
the loaded model true). ``on_delta(index, text)`` is called from several threads at once when remote
models are compared; the window's worker turns each call into a queued signal.
The one ``cancel`` event stops them all.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.chat.service import ChatService, title_from
from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.store.conversations import MessageRecord

log = logging.getLogger(__name__)

MIN_MODELS, MAX_MODELS = 2, 4


@dataclass(frozen=True)
class CompareResult:
    conversation_id: int
    user: MessageRecord
    replies: list[MessageRecord]  # in the order of ``models``
    errors: list[str | None]


class CompareService:
    """``compare(...)``; ``load_local(ref)`` makes the local engine hold the local model ``ref``."""

    def __init__(self, chat: ChatService, router, *, load_local: Callable[[str], None] | None = None,
                 n_ctx: int = 4096, n_threads: int = 0, on_loaded: Callable[[], None] | None = None) -> None:
        self.chat, self.router = chat, router
        self._load_local = load_local or self._default_load
        self._on_loaded = on_loaded or (lambda: None)
        self.n_ctx, self.n_threads = n_ctx, n_threads

    def _default_load(self, ref: str) -> None:
        from aigc_desktop.hub.library import resolve_model

        path = resolve_model(ref)
        engine = self.router.local
        if engine.model is not None and Path(engine.model.path) == path:
            return
        engine.load(path, n_ctx=self.n_ctx, n_threads=self.n_threads)
        self._on_loaded()

    def compare(
        self,
        conversation_id: int | None,
        text: str,
        models: Sequence[str],
        on_delta: Callable[[int, str], None] | None = None,
        cancel: threading.Event | None = None,
        *,
        sampling: SamplingParams | None = None,
        new_conversation: dict | None = None,
        restore_local: bool = True,
        on_done: Callable[[int, MessageRecord], None] | None = None,
        on_reasoning: Callable[[int, str], None] | None = None,
    ) -> CompareResult:
        """Save ``text`` once, then one reply per model; returns them in the order of ``models``.

        ``on_done(index, reply)`` hears each reply as it ends (with its stats), on the thread that ran it;
        ``on_reasoning(index, text)`` a reasoning model's thinking as it streams (apart from ``on_delta``).
        """
        if not text.strip():
            raise UserError(_("The message is empty."))
        if not MIN_MODELS <= len(models) <= MAX_MODELS:
            raise UserError(_("Compare takes 2 to 4 models, not {n}.").format(n=len(models)))
        cancel = cancel or threading.Event()
        # Everything that can be refused is checked before anything is stored.
        remote = {i: self.router.engine_for(ref) for i, ref in enumerate(models) if self.router.is_remote(ref)}
        local = [i for i in range(len(models)) if i not in remote]
        if local:
            from aigc_desktop.hub.library import resolve_model

            for i in local:
                if not resolve_model(models[i]).exists():
                    raise UserError(_("“{model}” is neither an installed model nor PROVIDER/MODEL of a configured "
                                      "provider (`providers list`).").format(model=models[i]))
        for engine in remote.values():
            self.chat.check_fits(conversation_id, text, sampling, engine=engine)
        if conversation_id is None:
            fields = {"model": models[0], **(new_conversation or {})}
            conversation_id = self.chat.new_conversation(**fields).id
        conv = self.chat.store.get(conversation_id)
        user = self.chat.store.add_message(conversation_id, "user", text)
        if not conv.title:
            self.chat.store.rename(conversation_id, title_from(text))

        replies: list[MessageRecord | None] = [None] * len(models)

        def finished(index: int, reply: MessageRecord) -> None:
            replies[index] = reply
            if on_done:
                on_done(index, reply)

        def run(index: int, engine) -> None:
            def delta(piece: str) -> None:
                if on_delta:
                    on_delta(index, piece)

            def thought(piece: str) -> None:
                if on_reasoning:
                    on_reasoning(index, piece)
            try:
                reply = self.chat.answer(user, engine, on_delta=delta, cancel=cancel, sampling=sampling,
                                         on_reasoning=thought)
            except Exception:  # answer() keeps errors in the reply; this is a bug in a thread: log it
                log.exception("compare: model %s failed", models[index])
                return
            finished(index, reply)

        threads = [threading.Thread(target=run, args=(i, e), name=f"compare-{i}", daemon=True)
                   for i, e in remote.items()]
        for t in threads:
            t.start()
        before = self.router.local.model.path if local and self.router.local.model else None
        try:
            for i in local:
                if cancel.is_set():
                    break
                try:
                    self._load_local(models[i])
                except UserError as exc:
                    finished(i, self.chat.store.add_message(
                        conversation_id, "assistant", "", parent_id=user.id, status="error",
                        model=models[i], stats={"error": str(exc)}))
                    continue
                run(i, self.router.local)
        finally:
            for t in threads:
                t.join()
            if restore_local and before is not None and self.router.local.model is not None \
                    and Path(self.router.local.model.path) != Path(before):
                try:
                    self._load_local(str(before))
                except UserError as exc:
                    log.warning("compare: could not load %s again: %s", before, exc)
        for i, reply in enumerate(replies):
            if reply is None:  # stopped before its turn, or a bug above: say so in the chat
                finished(i, self.chat.store.add_message(
                    conversation_id, "assistant", "", parent_id=user.id,
                    status="stopped" if cancel.is_set() else "error", model=models[i],
                    stats={} if cancel.is_set() else {"error": _("This model failed; details are in the log file.")}))
        first = replies[0]
        self.chat.store.set_current_leaf(conversation_id, first.id)
        return CompareResult(conversation_id, user, list(replies), [r.stats.get("error") for r in replies])
