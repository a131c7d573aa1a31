"""Asking the person before a tool runs, from a turn on the engine thread.

The turn runs on the engine thread and calls ``approve(request)`` (``tools/approval.py``'s
approver protocol). :class:`EngineApprover` is that callable: it sends the request with a
``concurrent.futures.Future`` through the job's ``emit`` (the worker's signal reaches the
engine client's bound slot on the GUI thread with a queued connection, the cross-thread
rule's one door), then blocks the engine thread until the future holds an answer.

The GUI side is ``ui/tools/asker.ApprovalAsker``: it asks through ``Prompts.ask_tool_approval``
(the dialog, or a test's answer) and sets the future. This module is plain Python, as the
jobs are (``ui/engine/jobs.py``).

Never a deadlock: the engine side wakes every ``POLL_SECONDS`` to look at the turn's
cancel event, so Stop, closing the window (``MainWindow.closeEvent`` stops the turn) or
any cancel gives "deny" at once, and a request whose future was given up is not asked
at all. ``threading.Event`` cannot be waited on together with a future, hence the short
poll, written here by hand (a few lines; no library offers "wait for either").
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout

log = logging.getLogger(__name__)

APPROVAL_EVENT = "tool_approval"  # a job's event: (request, future)
TOOL_EVENT = "tool"  # a job's event: the loop's on_tool dict, for the live cards
DECISIONS = ("once", "chat", "always", "deny")
POLL_SECONDS = 0.2


class EngineApprover:
    """``approve(request) -> decision`` for a job on the engine thread (plain Python, no Qt)."""

    def __init__(self, emit, cancel: threading.Event) -> None:
        self.emit, self.cancel = emit, cancel

    def __call__(self, request) -> str:
        if self.cancel.is_set():
            return "deny"
        future: Future = Future()
        self.emit(APPROVAL_EVENT, (request, future))
        while True:
            try:
                decision = future.result(timeout=POLL_SECONDS)
            except FutureTimeout:
                if self.cancel.is_set():
                    future.cancel()  # not yet asked: the GUI side sees it given up and asks nothing
                    return "deny"
                continue
            except CancelledError:
                return "deny"
            except Exception:  # the GUI side failed to ask: nothing runs
                log.warning("tool approval failed", exc_info=True)
                return "deny"
            if self.cancel.is_set():
                return "deny"
            return decision if decision in DECISIONS else "deny"


def turn_tools(rt, conversation_id: int | None, emit, cancel: threading.Event) -> dict:
    """The ``approve=`` / ``on_tool=`` keywords for a turn in ``conversation_id``: empty (tools not
    offered) unless the chat has MCP servers turned on (``conversations.tools``)."""
    if conversation_id is None or conversation_id < 0:
        return {}
    try:
        servers = rt.store.get(conversation_id).tools
    except Exception:  # a chat that cannot be read here is reported by the turn itself
        return {}
    if not servers:
        return {}

    def on_tool(event: dict) -> None:
        emit(TOOL_EVENT, event)

    return {"approve": EngineApprover(emit, cancel), "on_tool": on_tool}
