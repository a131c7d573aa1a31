"""A scripted engine for ordering and error-path tests (in the spirit of simonw/llm's
``MockModel``): replies are queued with :meth:`ScriptedEngine.enqueue` and streamed
piece by piece. Every feature also has a test on the real model; this one exists
for what the real model cannot be made to do on cue (fail mid-stream, block until
told, count tokens predictably).
"""

from __future__ import annotations

import threading
from collections import deque
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.llm.context import fit_messages
from aigc_desktop.llm.protocol import Delta, LoadedModel, ReplyStats


class ScriptedEngine:
    """Satisfies :class:`aigc_desktop.llm.protocol.Engine`; one token = one character."""

    kind = "fake"

    def __init__(self, n_ctx: int = 4096) -> None:
        self.model: LoadedModel | None = None
        self.n_ctx = n_ctx
        self.replies: deque = deque()
        self.calls: list[tuple[str, object]] = []  # ("stream", messages), ("prefill", draft), …
        self.gate: threading.Event | None = None  # when set by a test, load() waits for it
        self.tools_offered: list = []

    @property
    def loaded(self) -> bool:
        return self.model is not None

    def enqueue(self, *pieces: str | BaseException) -> "ScriptedEngine":
        """Queue one reply: its text pieces, or an exception raised after the pieces before it."""
        self.replies.append(list(pieces))
        return self

    def load(self, path, *, n_ctx: int = 4096, n_threads: int = 0) -> LoadedModel:
        path = Path(path)
        if path.name.startswith("broken"):
            raise UserError(f"{path.name} is not a GGUF file.")
        if self.gate is not None:
            self.gate.wait(30)
        self.calls.append(("load", str(path)))
        self.model = LoadedModel(path=path, name=path.stem, n_ctx=n_ctx, n_threads=n_threads or 1,
                                 chat_template="", eos_token="", bos_token="")
        return self.model

    def unload(self) -> None:
        self.model = None

    def count_tokens(self, messages) -> int:
        return sum(len(m["content"]) + 4 for m in messages)

    def fit(self, messages, max_tokens: int):
        return fit_messages(messages, self.count_tokens, self.model.n_ctx, max_tokens)

    def prefill(self, messages, draft="", cancel=None, *, cache_key=None, max_tokens=0) -> int:
        self.calls.append(("prefill", draft))
        return 0

    def stream_chat(self, messages, sampling=None, cancel=None, *, fit=True, cache_key=None, on_progress=None,
                    tools=None, tool_choice=None):
        if self.model is None:
            raise UserError("No model is loaded.")
        self.calls.append(("stream", list(messages)))
        self.tools_offered.append(tools)  # what each stream was offered (tools/loop.py), None without tools
        yield from self._play(self.count_tokens(messages), cancel)

    def complete(self, prompt: str, sampling=None, cancel=None, *, cache_key=None):
        """The next queued reply, as the continuation of ``prompt`` (raw text, no template)."""
        if self.model is None:
            raise UserError("No model is loaded.")
        self.calls.append(("complete", prompt))
        yield from self._play(len(prompt), cancel)

    def _play(self, prompt_tokens: int, cancel):
        pieces = self.replies.popleft() if self.replies else ["ok"]
        sent, finish = [], "stop"
        for piece in pieces:
            if cancel is not None and cancel.is_set():
                finish = "cancelled"
                break
            if isinstance(piece, BaseException):
                raise piece
            sent.append(piece)
            yield Delta(text=piece)
        stats = ReplyStats(prompt_tokens=prompt_tokens, completion_tokens=len("".join(sent)),
                           time_to_first_token=0.0, tokens_per_second=None, total_seconds=0.0,
                           finish_reason=finish, model=self.model.name)
        yield Delta(done=True, stats=stats)
