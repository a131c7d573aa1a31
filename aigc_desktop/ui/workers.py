"""The engine thread: model loads and generations run here, never on the GUI thread.

``EngineWorker`` lives on its own ``QThread``; requests arrive by queued
signal, results leave by signal (to :class:`aigc_desktop.ui.engine_client.EngineClient`,
which re-emits them on the GUI thread). The ``Llama`` object is only touched
from this one thread: token counting for a turn (is the message too long?) runs
here too. Stop is a ``threading.Event`` that comes with each request, fresh for
every turn, so a Stop pressed before the worker picks the turn up is never lost.

Signals of EngineWorker:
    loadStarted(str path), loaded(str name, int n_ctx, str path), loadFailed(str message)
    userSaved(int conversation_id, int message_id)   (a new chat's id appears here first)
    replyStarted(int conversation_id)
    reading(int done, int total)         a long prompt being read (tokens), before the first delta
    delta(str text)                      batched: at most ~30 per second
    finished(int conversation_id, int message_id, str status, dict stats)
    failed(str message)                  a turn could not start (e.g. no model)

Slots: load, run_turn(kind, target, text, cancel, options), and prefill (the next turn's prompt evaluated while the
person types; it runs only when nothing else is queued, and the GUI cancels it
through the event it passes before asking for anything else).
"""

from __future__ import annotations

import logging
import threading
import time

from PySide6.QtCore import QObject, Signal, Slot

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _

log = logging.getLogger(__name__)

DELTA_INTERVAL = 1 / 30


class EngineWorker(QObject):
    loadStarted = Signal(str)
    loaded = Signal(str, int, str)
    loadFailed = Signal(str)
    userSaved = Signal(int, int)
    replyStarted = Signal(int)
    reading = Signal(int, int)
    delta = Signal(str)
    finished = Signal(int, int, str, dict)
    failed = Signal(str)

    def __init__(self, runtime) -> None:
        super().__init__()
        self.rt = runtime

    @Slot(str, int, int)
    def load(self, path: str, n_ctx: int, n_threads: int) -> None:
        self.loadStarted.emit(path)
        try:
            model = self.rt.engine.load(path, n_ctx=n_ctx, n_threads=n_threads)
        except UserError as exc:
            self.loadFailed.emit(str(exc))
            return
        except Exception as exc:
            log.exception("model load failed")
            self.loadFailed.emit(_("The model could not be loaded ({error}). Details are in the log file.").format(error=exc))
            return
        self.loaded.emit(model.name, model.n_ctx, str(model.path))

    @Slot(int, str, object)
    def prefill(self, conversation_id: int, draft: str, cancel: threading.Event) -> None:
        if cancel.is_set():
            return
        try:
            self.rt.service.prefill(conversation_id, draft, cancel)
        except Exception:  # only a speed-up: the turn itself reports real problems
            log.debug("prefill skipped", exc_info=True)

    def _remote(self, kind: str, target_id: int) -> bool:
        """Does this turn's conversation talk to a provider (so no local model is needed)?"""
        router = getattr(self.rt, "router", None)
        if router is None or target_id < 0:
            return False
        try:
            conv_id = target_id if kind == "send" else self.rt.store.get_message(target_id).conversation_id
            return router.is_remote(self.rt.store.get(conv_id).model)
        except UserError:
            return False

    @Slot(str, int, str, object, object)
    def run_turn(self, kind: str, target_id: int, text: str, cancel: threading.Event, options: dict) -> None:
        """kind: "send" (target = conversation, or -1 for a new one with ``options["new_conversation"]``),
        "regenerate" (target = message), "edit" (target = user message to edit)."""
        buffer: list[str] = []
        last = [time.monotonic()]

        def on_delta(piece: str) -> None:
            buffer.append(piece)
            now = time.monotonic()
            if now - last[0] >= DELTA_INTERVAL:
                self.delta.emit("".join(buffer))
                buffer.clear()
                last[0] = now

        def on_progress(done: int, total: int) -> None:
            self.reading.emit(done, total)

        def on_user(msg) -> None:
            self.userSaved.emit(msg.conversation_id, msg.id)
            self.replyStarted.emit(msg.conversation_id)

        service = self.rt.service
        try:
            if not self.rt.engine.loaded and not self._remote(kind, target_id):
                raise UserError(_("No model is loaded yet. Choose one in Models, or wait for it to load."))
            if kind == "send":
                result = service.send(target_id if target_id >= 0 else None, text, on_delta=on_delta, cancel=cancel,
                                      on_user_saved=on_user, new_conversation=(options or {}).get("new_conversation"),
                                      on_progress=on_progress)
            elif kind == "regenerate":
                msg = self.rt.store.get_message(target_id)
                self.replyStarted.emit(msg.conversation_id)
                result = service.regenerate(target_id, on_delta=on_delta, cancel=cancel, on_progress=on_progress)
            elif kind == "edit":
                result = service.edit_and_resend(
                    target_id, text, on_delta=on_delta, cancel=cancel, on_user_saved=on_user, on_progress=on_progress
                )
            else:
                raise ValueError(kind)
        except UserError as exc:
            self.failed.emit(str(exc))
            return
        except Exception as exc:
            log.exception("turn failed")
            self.failed.emit(_("Something went wrong ({error}). Details are in the log file.").format(error=exc))
            return
        if buffer:
            self.delta.emit("".join(buffer))
        reply = result.reply
        self.finished.emit(reply.conversation_id, reply.id, reply.status, dict(reply.stats))
