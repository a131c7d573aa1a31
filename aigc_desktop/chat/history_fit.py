"""The history a chat turn sends: fitted into the context with token counts kept between turns.

Why this exists: a stored message never changes once it is finished (an edit or a
regeneration is a new message with a new id), yet fitting a long chat used to count
the tokens of the whole history from scratch at every turn, several times (a binary
search over how many old messages to leave out, each step rendering the chat
template over the history and tokenising it). On a chat many times longer than the
context that was seconds before the first token.

:class:`HistoryFit` keeps, per conversation, each message's size (its tokens in the
loaded model's template) keyed by message id, and checks the role and a hash of the
text before using one, so a message changed in place is counted again. Counts belong
to the model they were made with: a load (even of the same file) starts afresh. Only
the current branch is kept, so switching branches, editing and regenerating leave
nothing stale behind. With the sizes a chat well inside the context is sent without
being counted at all (the engine tokenises it once, to evaluate it), and near the limit
the candidate prompts are counted exactly (:func:`aigc_desktop.llm.context.fit_sized`).
It also remembers where the last cut started, so that later turns keep that start and
llama.cpp reuses the evaluated prefix.

Thread-safe; in the window it is used on the engine thread only.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from aigc_desktop.llm.context import FitResult, fit_sized
from aigc_desktop.llm.protocol import Engine

#: A system message with no text: the fixed head a message is sized after, so that a
#: template's own default system prompt (SmolLM2 adds one when none is given) is not
#: counted into every message.
ANCHOR = {"role": "system", "content": ""}
MAX_CONVERSATIONS = 16  # conversations whose counts are kept (least recently fitted go first)

Key = Hashable  # a message id, "system" for the system prompt, None for text not stored


@dataclass
class _Counts:
    model: object  # the engine's LoadedModel these counts were made with
    sizes: dict[Key, tuple[str, int, int]] = field(default_factory=dict)  # key -> (role, hash, tokens)
    first_kept: Key = None  # the first message kept after the last cut (None: nothing cut)


class HistoryFit:
    """Per-conversation token counts and cut point; see the module docstring."""

    def __init__(self, max_conversations: int = MAX_CONVERSATIONS) -> None:
        self.max_conversations = max_conversations
        self._convs: OrderedDict[tuple[int, int], _Counts] = OrderedDict()  # by (conversation, id(model))
        self._sizers: dict[int, _Sizer] = {}  # id(engine) -> how its loaded model sizes messages
        self._lock = threading.Lock()
        self.counted = 0  # messages sized so far (tests check that finished ones are sized once)

    def fit(self, engine: Engine, conversation_id: int, entries: Sequence[tuple[Key, dict]],
            max_tokens: int) -> FitResult:
        """The messages of ``entries`` (key, message) to send, fitted to ``engine``'s context."""
        with self._lock:
            counts = self._counts_for(conversation_id, engine.model)
            sizes = self._sizes(engine, counts, entries)
            messages = [m for _key, m in entries]
            n_sys = 1 if messages and messages[0]["role"] == "system" else 0
            keys = [key for key, _m in entries]
            keep_from = None
            if counts.first_kept is not None and counts.first_kept in keys[n_sys:]:
                keep_from = keys.index(counts.first_kept, n_sys) - n_sys
            result = fit_sized(messages, sizes, engine.count_tokens, engine.model.n_ctx, max_tokens,
                               overhead=self._sizer(engine).overhead(bool(n_sys)), keep_from=keep_from)
            counts.first_kept = keys[n_sys + result.dropped] if result.dropped else None
            return result

    def sizes(self, engine: Engine, conversation_id: int, entries: Sequence[tuple[Key, dict]]) -> list[int]:
        """Each message's tokens, from the cache where the message is unchanged."""
        with self._lock:
            return self._sizes(engine, self._counts_for(conversation_id, engine.model), entries)

    # -- internals ---------------------------------------------------------------------
    def _counts_for(self, conversation_id: int, model) -> _Counts:
        key = (conversation_id, id(model))  # a comparison asks two models about one chat in turn
        counts = self._convs.get(key)
        if counts is None or counts.model is not model:
            counts = self._convs[key] = _Counts(model)
        self._convs.move_to_end(key)
        while len(self._convs) > self.max_conversations:
            self._convs.popitem(last=False)
        return counts

    def _sizes(self, engine: Engine, counts: _Counts, entries: Sequence[tuple[Key, dict]]) -> list[int]:
        sizer = self._sizer(engine).size
        kept: dict[Key, tuple[str, int, int]] = {}
        out: list[int] = []
        for key, m in entries:
            fingerprint = (m["role"], hash(m["content"]))
            known = counts.sizes.get(key) if key is not None else None
            if known is not None and known[:2] == fingerprint:
                tokens = known[2]
            else:
                tokens = sizer(m)
                self.counted += 1
            if key is not None:
                kept[key] = (*fingerprint, tokens)
            out.append(tokens)
        counts.sizes = kept  # the current branch only: nothing from another branch lingers
        return out

    def _sizer(self, engine: Engine) -> _Sizer:
        sizer = self._sizers.get(id(engine))
        if sizer is None or sizer.model is not engine.model:
            sizer = self._sizers[id(engine)] = _Sizer(engine)
        return sizer


class _Sizer:
    """A message's tokens as the loaded model's template adds them after a fixed head,
    and what the template adds once per prompt; worked out once per loaded model.

    Some templates refuse a system message (Gemma) or a conversation that does not
    start with the user (Mistral); then the next head is tried, and as a last resort
    a message counts one token per character (more than it takes with any usual
    tokenizer, so a history sized that way is cut early rather than too late).
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.model = engine.model
        self.head: list[dict] | None = None
        self.base = 0
        self._overhead: dict[bool, int] = {}
        for head in ([ANCHOR], []):
            try:
                base = engine.count_tokens(head)
                for role in ("user", "assistant"):
                    engine.count_tokens(head + [{"role": role, "content": "a"}])
            except Exception:  # the template raised: it does not take this head
                continue
            self.head, self.base = head, base
            break

    def size(self, m: dict) -> int:
        if self.head is not None:
            try:
                return max(1, self.engine.count_tokens(self.head + [m]) - self.base)
            except Exception:  # this message's text made the template raise
                pass
        return len(m["content"]) + 4

    def overhead(self, with_system: bool) -> int:
        """What a prompt takes beyond its messages' sizes (a default system prompt, the reply's header)."""
        if with_system not in self._overhead:
            probe = [{"role": "system", "content": "a"}] if with_system else []
            probe.append({"role": "user", "content": "a"})
            try:
                extra = self.engine.count_tokens(probe) - sum(self.size(m) for m in probe)
            except Exception:
                extra = 0
            self._overhead[with_system] = max(0, extra)
        return self._overhead[with_system]
