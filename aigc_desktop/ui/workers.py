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
    docSectionStarted(int document_id, int section_id)   a section run begins (the one before it is stored)
    docDelta(int section_id, str text)   batched like ``delta``
    docFinished(int document_id, str kind, dict result)  a document run ended (result: statuses, error)
    docFailed(str kind, str message)     a document run could not start or failed
    draftDelta(str text)                 续写 of the composer's draft, batched like ``delta``
    draftFinished(str status, str error) done, stopped or error (with the message)

Slots: load, run_turn(kind, target, text, cancel, options), run_document(kind, document_id,
section, cancel, options) (the writing studio's outline / draft / draft-all / continue runs,
through :class:`~aigc_desktop.writing.service.DocumentService` on the same engine), and prefill (the next turn's prompt evaluated while the
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
    docSectionStarted = Signal(int, int)
    docDelta = Signal(int, str)
    docFinished = Signal(int, str, dict)
    docFailed = Signal(str, str)
    draftDelta = Signal(str)
    draftFinished = Signal(str, str)

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

    @Slot(str, int, int, object, object)
    def run_document(self, kind: str, document_id: int, section: int, cancel: threading.Event,
                     options: dict) -> None:
        """kind: "new" (``options``: title, brief, n; the model proposes the outline), "draft"
        (section number ``section``, a new version), "draft_all" (every section without
        finished text, in order), "continue" (续写 section ``section``, ``options["max_tokens"]``)."""
        from aigc_desktop.llm.sampling import SamplingParams
        from aigc_desktop.store.documents import DocumentStore
        from aigc_desktop.writing.service import DocumentService

        options = options or {}
        buffer: list[str] = []
        last = [time.monotonic(), -1]  # last emit, section of the buffer

        def flush() -> None:
            if buffer:
                self.docDelta.emit(last[1], "".join(buffer))
                buffer.clear()

        def on_delta(sec, piece: str) -> None:
            if sec.id != last[1]:
                flush()
                last[1] = sec.id
            buffer.append(piece)
            now = time.monotonic()
            if now - last[0] >= DELTA_INTERVAL:
                flush()
                last[0] = now

        def on_start(sec) -> None:
            flush()
            self.docSectionStarted.emit(sec.document_id, sec.id)

        sampling = SamplingParams(max_tokens=int(options.get("max_tokens") or SamplingParams().max_tokens))
        service = DocumentService(DocumentStore(self.rt.db), self.rt.engine)
        try:
            if not self.rt.engine.loaded:
                raise UserError(_("No model is loaded yet. Choose one in Models, or wait for it to load."))
            if kind == "new":
                doc = service.new(options.get("title", ""), options.get("brief", ""), None,
                                  int(options.get("n") or 5), model=options.get("model"), cancel=cancel)
                if cancel.is_set():  # stopped while the outline was proposed: keep nothing half-made
                    service.store.delete(doc.id)
                    self.docFinished.emit(-1, kind, {"stopped": True})
                    return
                self.docFinished.emit(doc.id, kind, {})
                return
            if kind in ("draft", "draft_all"):
                written = service.draft(document_id, section if kind == "draft" else None, on_start=on_start,
                                        on_delta=on_delta, cancel=cancel, sampling=sampling)
            elif kind == "continue":
                sec = service.store.section(document_id, section)
                on_start(sec)
                written = [service.continue_section(document_id, section, max_tokens=sampling.max_tokens,
                                                    on_delta=on_delta, cancel=cancel)]
            else:
                raise ValueError(kind)
        except UserError as exc:
            if kind == "new" and cancel.is_set():
                self.docFinished.emit(-1, kind, {"stopped": True})
            else:
                self.docFailed.emit(kind, str(exc))
            return
        except Exception as exc:
            log.exception("document run failed")
            self.docFailed.emit(kind, _("Something went wrong ({error}). Details are in the log file.").format(
                error=exc))
            return
        flush()
        errors = [s for s in written if s.status == "error"]
        error = ""
        if errors:
            error = service.store.versions(errors[0].id)[-1].stats.get("error", "")
        self.docFinished.emit(document_id, kind, {"statuses": [s.status for s in written], "error": error})

    @Slot(str, int, object)
    def continue_draft(self, text: str, max_tokens: int, cancel: threading.Event) -> None:
        """续写 of the chat composer's draft: raw completion of ``text`` (no chat template), nothing stored."""
        from aigc_desktop.llm.sampling import SamplingParams

        buffer: list[str] = []
        last = time.monotonic()
        status, error = "error", ""
        try:
            if not self.rt.engine.loaded:
                raise UserError(_("No model is loaded yet. Choose one in Models, or wait for it to load."))
            for d in self.rt.engine.complete(text, SamplingParams(max_tokens=max_tokens), cancel,
                                             cache_key="composer-draft"):
                if d.done:
                    status = "stopped" if d.stats.finish_reason == "cancelled" else "done"
                    break
                buffer.append(d.text)
                if time.monotonic() - last >= DELTA_INTERVAL:
                    self.draftDelta.emit("".join(buffer))
                    buffer.clear()
                    last = time.monotonic()
        except UserError as exc:
            error = str(exc)
        except Exception as exc:
            log.exception("continuing the draft failed")
            error = _("Something went wrong ({error}). Details are in the log file.").format(error=exc)
        if buffer:
            self.draftDelta.emit("".join(buffer))
        self.draftFinished.emit("error" if error else status, error)
