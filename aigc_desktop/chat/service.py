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
from collections.abc import Callable
from dataclasses import dataclass

from aigc_desktop.chat.history_fit import HistoryFit
from aigc_desktop.chat.record import CHECKPOINT_SECONDS, record_stream
from aigc_desktop.errors import ContextOverflowError, UserError
from aigc_desktop.kb.grounding import ground_turn
from aigc_desktop.i18n import _
from aigc_desktop.llm.context import FitResult, reply_budget
from aigc_desktop.llm.protocol import Delta, Engine
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.llm.thinking import default_max_tokens
from aigc_desktop.store.conversations import ConversationRecord, ConversationStore, MessageRecord
from aigc_desktop.tools.messages import expand_reply, for_engine
from aigc_desktop.tools.turn import tool_turn

log = logging.getLogger(__name__)

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
        tools=None,
        kb=None,
    ) -> None:
        self.store = store
        self.kb = kb  # kb/service.KnowledgeBaseService: a conversation's knowledge bases ground its replies
        self.engine = engine
        self.checkpoint_seconds = checkpoint_seconds
        # Optional (providers/router.EngineRouter): each conversation is answered by the engine its
        # model names (local, or provider/model on a server); without one, ``engine`` answers all.
        self.router = router
        self.history_fit = HistoryFit()  # token counts of stored messages, kept between turns
        self.tools = tools  # tools/service.ToolService: MCP servers a turn may offer (with approve=…)

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
        return [m for _key, m in self._entries(conversation_id, upto)]

    def _entries(self, conversation_id: int, upto: MessageRecord | None = None) -> list[tuple[object, dict]]:
        """:meth:`history` with each message's key for the token-count cache (its id)."""
        conv = self.store.get(conversation_id)
        branch = self.store.branch(conversation_id, upto.id if upto else None)
        entries: list[tuple[object, dict]] = []
        if conv.system_prompt and conv.system_prompt.strip():
            entries.append(("system", {"role": "system", "content": conv.system_prompt}))
        for m in branch:
            if m.role == "assistant" and m.tool_calls and m.status in _CONTEXT_STATUSES:  # its calls and results too
                entries.extend(((m.id, i), msg) for i, msg in enumerate(expand_reply(m.content, m.tool_calls)))
            elif m.role == "user" or (m.role == "assistant" and m.status in _CONTEXT_STATUSES and m.content):
                entries.append((m.id, {"role": m.role, "content": m.content}))
        return entries

    def fitted_history(self, conversation_id: int, engine: Engine, max_tokens: int, *,
                       upto: MessageRecord | None = None, draft: str | None = None,
                       grounded: str | None = None) -> FitResult:
        """The history as it will be sent: oldest messages left out when it does not fit.

        Fitted here rather than by the engine because only the service knows which
        messages are the same as last turn (their ids): their token counts are kept
        (``chat/history_fit.py``), so a long chat is not tokenised whole every turn,
        and the cut keeps its start so llama.cpp reuses the evaluated prefix.
        ``draft`` (evaluating ahead) is fitted as the next user message and left
        out of the result. ``prompt_tokens`` is 0 when no model is loaded.
        """
        entries = self._entries(conversation_id, upto)
        if grounded is not None and entries:  # the last question with its passages (kb/grounding.py)
            entries[-1] = (("kb", entries[-1][0]), {"role": "user", "content": grounded})
        if draft is not None:
            entries.append((None, {"role": "user", "content": draft}))
        if not engine.loaded or engine.model is None:
            return FitResult([m for _key, m in entries], 0, 0)
        fitted = self.history_fit.fit(engine, conversation_id, entries, max_tokens)
        if draft is not None:
            fitted = dataclasses.replace(fitted, messages=fitted.messages[:-1])
        return fitted

    def sampling_for(self, conversation_id: int, overrides: SamplingParams | None = None,
                     engine: Engine | None = None) -> SamplingParams:
        """The conversation's settings; a model that thinks (``engine``'s) gets a larger max tokens
        when the conversation does not set one (``llm/thinking.py``)."""
        if overrides is not None:
            return overrides
        stored = self.store.get(conversation_id).sampling or {}
        params = SamplingParams.from_dict(stored)
        if "max_tokens" not in stored and engine is not None:
            params = params.merged(max_tokens=default_max_tokens(engine.model, params.max_tokens))
        return params

    def prefill(self, conversation_id: int, draft: str = "", cancel: threading.Event | None = None) -> int:
        """Evaluate the next turn's prompt up to ``draft`` while the person is still typing.

        Only a speed-up: the reply is the same with or without it. Returns the
        tokens evaluated (0 when there was nothing to do).
        """
        engine = self.engine_for(conversation_id)
        if not engine.loaded:
            return 0
        params = self.sampling_for(conversation_id, engine=engine)
        try:
            history = self.fitted_history(conversation_id, engine, params.max_tokens, draft=draft)
        except ContextOverflowError:  # the draft alone is too long: Send will say so
            return 0
        return engine.prefill(
            for_engine(engine, history.messages, tools_offered=False), draft, cancel,
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
        params = sampling or (self.sampling_for(conversation_id, engine=engine) if conv else SamplingParams())
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
        on_reasoning: Callable[[str], None] | None = None,
        approve: Callable | None = None,
        on_tool: Callable[[dict], None] | None = None,
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
        reply = self._reply(conversation_id, user, on_delta, cancel, sampling, on_progress, engine=engine,
                            on_reasoning=on_reasoning, approve=approve, on_tool=on_tool)
        return TurnResult(user=user, reply=reply, error=reply.stats.get("error"))

    def answer(
        self,
        user: MessageRecord,
        engine: Engine,
        *,
        on_delta: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        sampling: SamplingParams | None = None,
        on_reasoning: Callable[[str], None] | None = None,
        approve: Callable | None = None,
        on_tool: Callable[[dict], None] | None = None,
    ) -> MessageRecord:
        """A new reply to the saved message ``user`` by ``engine`` (compare asks each of its models)."""
        return self._reply(user.conversation_id, user, on_delta, cancel, sampling, engine=engine,
                           on_reasoning=on_reasoning, approve=approve, on_tool=on_tool)

    def regenerate(
        self,
        message_id: int,
        *,
        on_delta: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        sampling: SamplingParams | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        on_reasoning: Callable[[str], None] | None = None,
        approve: Callable | None = None,
        on_tool: Callable[[dict], None] | None = None,
    ) -> TurnResult:
        """A new sibling reply to the user message that ``message_id`` answers (or is)."""
        msg = self.store.get_message(message_id)
        if msg.role == "assistant":
            if msg.parent_id is None:
                raise UserError(_("This reply has no question to answer again."))
            user = self.store.get_message(msg.parent_id)
        else:
            user = msg
        reply = self._reply(msg.conversation_id, user, on_delta, cancel, sampling, on_progress,
                            on_reasoning=on_reasoning, approve=approve, on_tool=on_tool)
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
        on_reasoning: Callable[[str], None] | None = None,
        approve: Callable | None = None,
        on_tool: Callable[[dict], None] | None = None,
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
        reply = self._reply(old.conversation_id, user, on_delta, cancel, sampling, on_progress,
                            on_reasoning=on_reasoning, approve=approve, on_tool=on_tool)
        return TurnResult(user=user, reply=reply, error=reply.stats.get("error"))

    def continue_reply(
        self,
        message_id: int,
        *,
        on_delta: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        sampling: SamplingParams | None = None,
        on_progress: Callable[[int, int], None] | None = None,
    ) -> TurnResult:
        """Carry on a reply that was cut at max tokens, in place: the same message grows (it is
        the same answer, not another version). Its stats become the continuation's, so a reply
        cut again says so again. A continuation that fails before adding anything leaves the
        reply as it was and reports the error."""
        reply = self.store.get_message(message_id)
        if reply.role != "assistant" or reply.parent_id is None:
            raise UserError(_("Only a reply can be continued."))
        engine = self.engine_for(reply.conversation_id)
        carry_on = getattr(engine, "continue_chat", None)
        if carry_on is None:
            raise UserError(_("A reply can be continued with a local model only. Use Regenerate, or raise "
                              "Max tokens in Conversation settings."))
        user = self.store.get_message(reply.parent_id)
        prefix, before = reply.content, dict(reply.stats or {})
        self.store.update_message(reply.id, status="streaming")

        def stream():
            params = self.sampling_for(reply.conversation_id, sampling, engine)
            fitted = self.fitted_history(reply.conversation_id, engine, params.max_tokens, upto=user)
            yield from carry_on(for_engine(engine, fitted.messages, tools_offered=False), prefix, params, cancel, cache_key=f"conv:{reply.conversation_id}",
                                on_progress=on_progress)

        def finish(text: str, status: str, stats: dict, reasoning: str) -> None:
            if status == "error" and text == prefix:
                self.store.update_message(reply.id, status=reply.status, stats=before)
            else:
                self.store.update_message(reply.id, content=text, status=status, stats=stats,
                                          reasoning=(reply.reasoning + "\n\n" + reasoning).strip())

        done = record_stream(
            stream(), checkpoint=lambda text, _reasoning: self.store.update_message(reply.id, content=text),
            finish=finish,
            on_text=on_delta, cancel=cancel, prefix=prefix, stats={"continued": int(before.get("continued", 0)) + 1},
            every=self.checkpoint_seconds, what=f"continuation of reply {reply.id}",
        )
        if not done.saved:
            stats = {**done.stats, "error": _("The reply could not be saved: {error}").format(error=done.save_error)}
            return TurnResult(None, dataclasses.replace(reply, content=done.text, status="error", stats=stats),
                              stats["error"])
        return TurnResult(None, self.store.get_message(reply.id), done.stats.get("error"))

    def _reply(
        self,
        conversation_id: int,
        user: MessageRecord,
        on_delta: Callable[[str], None] | None,
        cancel: threading.Event | None,
        sampling: SamplingParams | None,
        on_progress: Callable[[int, int], None] | None = None,
        engine: Engine | None = None,
        on_reasoning: Callable[[str], None] | None = None,
        approve: Callable | None = None,
        on_tool: Callable[[dict], None] | None = None,
    ) -> MessageRecord:
        engine = engine or self.engine_for(conversation_id)
        turn = tool_turn(self.tools, self.store.get(conversation_id), engine, approve, on_tool, cancel)
        model_name = engine.model.name if engine.model else None
        reply = self.store.add_message(
            conversation_id, "assistant", "", parent_id=user.id, status="streaming", model=model_name
        )

        grounding = []

        def stream():  # runs inside record_stream: a prompt that cannot be built ends the reply as an error
            params = self.sampling_for(conversation_id, sampling, engine)
            grounding.append(ground_turn(self.kb, self.store.get(conversation_id), user.content, engine,
                                         params.max_tokens))
            fitted = self.fitted_history(conversation_id, engine, params.max_tokens, upto=user,
                                         grounded=grounding[0].grounded(user.content))
            deltas = turn.stream(fitted.messages, params, cancel, cache_key=f"conv:{conversation_id}",
                                 on_progress=on_progress)  # the model, and between its steps the tools it calls
            for delta in deltas:
                if delta.done and fitted.dropped:  # the engine saw only what was kept
                    dropped = delta.stats.dropped_messages + fitted.dropped
                    delta = Delta(done=True, stats=dataclasses.replace(delta.stats, dropped_messages=dropped))
                yield delta

        done = record_stream(
            stream(),
            checkpoint=lambda text, reasoning: self.store.update_message(reply.id, content=text, reasoning=reasoning),
            finish=lambda text, status, stats, reasoning: self.store.update_message(
                reply.id, content=turn.content(text), status=status, stats=turn.stats(stats), reasoning=reasoning,
                tool_calls=turn.calls,
                citations=grounding[0].citations if grounding and grounding[0].citations else None),
            on_text=on_delta, on_reasoning=on_reasoning, cancel=cancel, every=self.checkpoint_seconds,
            what=f"reply {reply.id}",
        )
        if not done.saved:
            stats = {**done.stats, "error": _("The reply could not be saved: {error}").format(error=done.save_error)}
            return dataclasses.replace(reply, content=done.text, status="error", stats=stats,
                                       reasoning=done.reasoning)
        return self.store.get_message(reply.id)
