"""How ``ChatService`` runs one reply with or without tools, so that the service itself changes little.

:func:`tool_turn` picks the turn: a :class:`PlainTurn` (the engine's stream, the history's
past tool calls in the form the engine reads) unless the caller passed an approver, the chat
has servers turned on (``conversations.tools``) and the runtime has a tool service; then a
:class:`ToolTurn`, which starts the servers inside the reply's stream (so Stop works while a
server starts and a failure is said, not raised), offers their tools and runs
:class:`~aigc_desktop.tools.loop.ToolLoop`. Servers that could not start are reported in
words: as ``on_tool({"phase": "problem", "message": …})`` and in the reply's
``stats["tool_problems"]``; the reply goes on with the tools that did start (or none).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from aigc_desktop.tools.loop import ToolLoop
from aigc_desktop.tools.messages import for_engine


class PlainTurn:
    calls = None  # leaves messages.tool_calls as it is

    def __init__(self, engine) -> None:
        self.engine = engine

    def stream(self, messages, params, cancel, *, cache_key=None, on_progress=None):
        return self.engine.stream_chat(for_engine(self.engine, messages, tools_offered=False), params, cancel,
                                       cache_key=cache_key, on_progress=on_progress)

    def content(self, text: str) -> str:
        return text

    def stats(self, stats: dict) -> dict:
        return stats


class ToolTurn:
    def __init__(self, service, conversation_id: int, names: list[str], engine, approve,
                 on_tool: Callable[[dict], None] | None, cancel: threading.Event | None,
                 force_tool: str | None = None) -> None:
        self.service = service
        self.conversation_id = conversation_id
        self.names = names
        self.engine = engine
        self.approve = approve
        self.on_tool = on_tool
        self.cancel = cancel
        self.force_tool = force_tool
        self.loop: ToolLoop | None = None
        self.problems: list[str] = []

    @property
    def calls(self) -> list[dict] | None:
        return self.loop.calls if self.loop is not None else None

    def stream(self, messages, params, cancel, *, cache_key=None, on_progress=None):
        ctx = self.service.context(self.names, self.approve, conversation_id=self.conversation_id,
                                   on_tool=self.on_tool, cancel=cancel)
        if ctx is not None:
            self.problems = list(ctx.problems)
            for problem in self.problems:
                if self.on_tool is not None:
                    self.on_tool({"phase": "problem", "message": problem})
        if ctx is None or not ctx.tools:
            yield from PlainTurn(self.engine).stream(messages, params, cancel, cache_key=cache_key,
                                                     on_progress=on_progress)
            return
        self.loop = ToolLoop(self.engine, ctx, force_tool=self.force_tool)
        yield from self.loop.stream(messages, params, cancel, cache_key=cache_key, on_progress=on_progress)

    def content(self, text: str) -> str:
        if self.loop is None:
            return text
        return self.loop.final_text if self.loop.final_text is not None else self.loop.step_text

    def stats(self, stats: dict) -> dict:
        out = dict(stats)
        if self.problems:
            out["tool_problems"] = list(self.problems)
        if self.loop is not None:
            out["tool_steps"] = self.loop.steps
        return out


def tool_turn(service, conversation, engine, approve, on_tool, cancel, *, force_tool: str | None = None):
    """The turn for one reply (see the module docstring). ``conversation`` is a ``ConversationRecord``."""
    names = list(getattr(conversation, "tools", None) or [])
    if approve is None or service is None or not names:
        return PlainTurn(engine)
    return ToolTurn(service, conversation.id, names, engine, approve, on_tool, cancel, force_tool)
