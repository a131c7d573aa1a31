"""ChatService: send, regenerate, edit-and-branch, stop.

A turn, in order: the user's message is committed before any token is
generated; the reply row is created as ``streaming``; its partial text is
checkpointed at a bounded rate; it ends ``done``, ``stopped`` or ``error``
with stats. Nothing here knows about Qt: the GUI, the CLI and the tests drive
the same code.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from aigc_desktop.errors import ContextOverflowError, UserError
from aigc_desktop.i18n import _
from aigc_desktop.llm.context import reply_budget
from aigc_desktop.llm.protocol import Engine
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.store.conversations import ConversationRecord, ConversationStore, MessageRecord

log = logging.getLogger(__name__)

CHECKPOINT_SECONDS = 0.5
TITLE_LENGTH = 60
_CONTEXT_STATUSES = {"done", "stopped", "interrupted"}


def title_from(text: str) -> str:
    """A conversation title from the first user message: its first non-empty line, shortened."""
    for line in text.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= TITLE_LENGTH else line[: TITLE_LENGTH - 1].rstrip() + "…"
    return _("New chat")


@dataclass(frozen=True)
class TurnResult:
    user: MessageRecord | None
    reply: MessageRecord
    error: str | None = None


class ChatService:
    def __init__(
        self,
        store: ConversationStore,
        engine: Engine,
        *,
        checkpoint_seconds: float = CHECKPOINT_SECONDS,
        router=None,
    ) -> None:
        self.store = store
        self.engine = engine
        self.checkpoint_seconds = checkpoint_seconds
        # Optional (providers/router.EngineRouter): each conversation is answered by the engine its
        # model names (local, or provider/model on a server); without one, ``engine`` answers all.
        self.router = router

    def engine_for(self, conversation_id: int | None, model: str | None = None) -> Engine:
        """The engine that answers this conversation (or a new one whose model is ``model``)."""
        if self.router is None:
            return self.engine
        if model is None and conversation_id is not None:
            model = self.store.get(conversation_id).model
        return self.router.engine_for(model)

    # -- conversations ----------------------------------------------------------
    def new_conversation(self, **fields) -> ConversationRecord:
        return self.store.create(**fields)

    def recover(self) -> int:
        """Start-up: replies left ``streaming`` by a killed app become ``interrupted``."""
        n = self.store.mark_interrupted()
        if n:
            log.warning("marked %d interrupted replies", n)
        return n

    def history(self, conversation_id: int, upto: MessageRecord | None = None) -> list[dict]:
        """The chat messages the model sees: system prompt plus the current branch."""
        conv = self.store.get(conversation_id)
        branch = self.store.branch(conversation_id, upto.id if upto else None)
        msgs: list[dict] = []
        if conv.system_prompt and conv.system_prompt.strip():
            msgs.append({"role": "system", "content": conv.system_prompt})
        for m in branch:
            if m.role == "user" or (m.role == "assistant" and m.status in _CONTEXT_STATUSES and m.content):
                msgs.append({"role": m.role, "content": m.content})
        return msgs

    def sampling_for(self, conversation_id: int, overrides: SamplingParams | None = None) -> SamplingParams:
        if overrides is not None:
            return overrides
        return SamplingParams.from_dict(self.store.get(conversation_id).sampling)

    def prefill(self, conversation_id: int, draft: str = "", cancel: threading.Event | None = None) -> int:
        """Evaluate the next turn's prompt up to ``draft`` while the person is still typing.

        Only a speed-up: the reply is the same with or without it. Returns the
        tokens evaluated (0 when there was nothing to do).
        """
        engine = self.engine_for(conversation_id)
        if not engine.loaded:
            return 0
        params = self.sampling_for(conversation_id)
        return engine.prefill(
            self.history(conversation_id), draft, cancel,
            cache_key=f"conv:{conversation_id}", max_tokens=params.max_tokens,
        )

    def check_fits(self, conversation_id: int | None, text: str, sampling: SamplingParams | None = None,
                   *, engine: Engine | None = None) -> None:
        """Refuse, before anything is stored, a message that alone does not fit the context.

        Runs where the engine runs (the engine thread in the window): counting
        tokens uses the model's tokenizer. A longer history is not refused: its
        oldest messages are left out of the prompt (see :mod:`aigc_desktop.llm.context`).
        """
        engine = engine or self.engine_for(conversation_id)
        if not engine.loaded or engine.model is None:
            return
        conv = self.store.get(conversation_id) if conversation_id is not None else None
        msgs = [{"role": "system", "content": conv.system_prompt}] if conv and conv.system_prompt else []
        params = sampling or (self.sampling_for(conversation_id) if conv else SamplingParams())
        n_ctx = engine.model.n_ctx
        budget = n_ctx - reply_budget(n_ctx, params.max_tokens)
        alone = engine.count_tokens(msgs + [{"role": "user", "content": text}])
        if alone > budget:
            raise ContextOverflowError(
                _("This message is too long for the model's context: about {tokens:,} tokens, "
                  "and {budget:,} are available. Shorten it or raise the context length in "
                  "Conversation settings. Your text is still in the box.").format(tokens=alone, budget=budget)
            )

    # -- turns ------------------------------------------------------------------
    def send(
        self,
        conversation_id: int | None,
        text: str,
        *,
        on_delta: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        sampling: SamplingParams | None = None,
        on_user_saved: Callable[[MessageRecord], None] | None = None,
        new_conversation: dict | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> TurnResult:
        """Save the user's message, then stream and save the reply.

        ``conversation_id=None`` starts a chat (with ``new_conversation`` as its
        fields) once the message is known to fit, so a refused message leaves no
        empty chat behind.
        """
        if not text.strip():
            raise UserError(_("The message is empty."))
        engine = self.engine_for(conversation_id, (new_conversation or {}).get("model"))
        self.check_fits(conversation_id, text, sampling, engine=engine)
        if conversation_id is None:
            conversation_id = self.new_conversation(**(new_conversation or {})).id
        conv = self.store.get(conversation_id)
        user = self.store.add_message(conversation_id, "user", text)
        if not conv.title:
            self.store.rename(conversation_id, title_from(text))
        if on_user_saved:
            on_user_saved(user)
        reply = self._reply(conversation_id, user, on_delta, cancel, sampling, on_progress, engine=engine)
        return TurnResult(user=user, reply=reply, error=reply.stats.get("error"))

    def answer(
        self,
        user: MessageRecord,
        engine: Engine,
        *,
        on_delta: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        sampling: SamplingParams | None = None,
    ) -> MessageRecord:
        """A new reply to the saved message ``user`` by ``engine`` (compare asks each of its models)."""
        return self._reply(user.conversation_id, user, on_delta, cancel, sampling, engine=engine)

    def regenerate(
        self,
        message_id: int,
        *,
        on_delta: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        sampling: SamplingParams | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> TurnResult:
        """A new sibling reply to the user message that ``message_id`` answers (or is)."""
        msg = self.store.get_message(message_id)
        if msg.role == "assistant":
            if msg.parent_id is None:
                raise UserError(_("This reply has no question to answer again."))
            user = self.store.get_message(msg.parent_id)
        else:
            user = msg
        reply = self._reply(msg.conversation_id, user, on_delta, cancel, sampling, on_progress)
        return TurnResult(user=None, reply=reply, error=reply.stats.get("error"))

    def edit_and_resend(
        self,
        message_id: int,
        new_text: str,
        *,
        on_delta: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        sampling: SamplingParams | None = None,
        on_user_saved: Callable[[MessageRecord], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> TurnResult:
        """Edit a user message as a new branch: a sibling with the new text, then a reply."""
        if not new_text.strip():
            raise UserError(_("The message is empty."))
        old = self.store.get_message(message_id)
        if old.role != "user":
            raise UserError(_("Only your own messages can be edited."))
        self.check_fits(old.conversation_id, new_text, sampling)
        user = self.store.add_message(old.conversation_id, "user", new_text, parent_id=old.parent_id)
        if on_user_saved:
            on_user_saved(user)
        reply = self._reply(old.conversation_id, user, on_delta, cancel, sampling, on_progress)
        return TurnResult(user=user, reply=reply, error=reply.stats.get("error"))

    def _reply(
        self,
        conversation_id: int,
        user: MessageRecord,
        on_delta: Callable[[str], None] | None,
        cancel: threading.Event | None,
        sampling: SamplingParams | None,
        on_progress: Callable[[int, int], None] | None = None,
        engine: Engine | None = None,
    ) -> MessageRecord:
        engine = engine or self.engine_for(conversation_id)
        model_name = engine.model.name if engine.model else None
        reply = self.store.add_message(
            conversation_id, "assistant", "", parent_id=user.id, status="streaming", model=model_name
        )
        parts: list[str] = []
        last_save = time.monotonic()
        saved_len = 0
        status, stats = "error", {}
        try:
            params = self.sampling_for(conversation_id, sampling)
            messages = self.history(conversation_id, upto=user)
            for delta in engine.stream_chat(messages, params, cancel, cache_key=f"conv:{conversation_id}",
                                                 on_progress=on_progress):
                if delta.done:
                    stats = delta.stats.to_dict()
                    status = "stopped" if delta.stats.finish_reason == "cancelled" else "done"
                    break
                parts.append(delta.text)
                if on_delta:
                    on_delta(delta.text)
                now = time.monotonic()
                if now - last_save >= self.checkpoint_seconds:
                    content = "".join(parts)
                    if len(content) != saved_len:
                        self.store.update_message(reply.id, content=content)
                        saved_len, last_save = len(content), now
        except UserError as exc:
            stats = {"error": str(exc)}
            log.info("reply %s failed: %s", reply.id, exc)
        except Exception as exc:  # a bug: keep the partial text, log the traceback
            log.exception("generation failed for reply %s", reply.id)
            stats = {"error": _("Generation failed: {error}. Details are in the log file.").format(error=exc)}
        if status == "error" and cancel is not None and cancel.is_set() and "error" not in stats:
            status = "stopped"
        content = "".join(parts)
        try:
            self.store.update_message(reply.id, content=content, status=status, stats=stats)
        except UserError as exc:
            # e.g. the disk filled up: the database keeps the last checkpoint (marked
            # interrupted at the next start); the caller still gets the whole reply.
            log.warning("reply %s could not be saved: %s", reply.id, exc)
            stats = {**stats, "error": _("The reply could not be saved: {error}").format(error=exc)}
            return dataclasses.replace(reply, content=content, status="error", stats=stats)
        return self.store.get_message(reply.id)
