"""Nothing runs without approval: what is asked, and what is remembered.

An approver is a callable ``approve(request: ToolRequest) -> str`` returning one of
``"once"``, ``"chat"``, ``"always"`` or ``"deny"``. It is called on the thread running the
turn (the engine thread in the window) and may block until the person answers; it returns
``"deny"`` when the turn is cancelled or the dialog is closed. The window's dialog, the CLI's
``--approve ask|always|never`` and the tests are approvers.

:class:`ApprovalPolicy` asks only when it must: "Allow for this chat" is remembered per
conversation (for this run of the app), "Always allow this tool" per (server fingerprint,
tool) in ``tool-approvals.json`` in the data folder. The fingerprint
(``ServerConfig.fingerprint``) hashes the server's command, arguments and environment
variable names (or its URL and header names), so an approval does not carry over to a
server whose command changed. A denial is returned to the loop, which tells the model with
an error result, and the chat goes on.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

log = logging.getLogger(__name__)

DECISIONS = ("once", "chat", "always", "deny")
FILE_NAME = "tool-approvals.json"


@dataclass(frozen=True)
class ToolRequest:
    """What the person is asked about: the server, the tool, its description and the arguments as the
    model wrote them. ``read_only`` is the server's own ``readOnlyHint`` (a claim, not a guarantee)."""

    server: str
    tool: str
    description: str
    arguments: dict
    read_only: bool
    fingerprint: str
    conversation_id: int | None = None
    server_detail: str = ""  # the command line or URL, for the dialog
    extra: dict = field(default_factory=dict)


Approver = Callable[[ToolRequest], str]


def allow_all(_request: ToolRequest) -> str:
    """``--approve always``: every call runs (the person said so for this command)."""
    return "once"


def deny_all(_request: ToolRequest) -> str:
    """``--approve never``: nothing runs; the model is told each call was denied."""
    return "deny"


class ApprovalPolicy:
    """Remembers "chat" and "always" decisions and asks ``approve`` for the rest."""

    def __init__(self, path: Path | None) -> None:
        self.path = Path(path) if path else None
        self._chat: set[tuple[int | None, str, str]] = set()
        self._lock = threading.Lock()

    # -- remembered ---------------------------------------------------------------
    def _read(self) -> list[dict]:
        if self.path is None:
            return []
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError) as exc:
            log.warning("%s is unreadable (%s); no tool is always allowed", self.path, exc)
            return []
        items = data.get("always") if isinstance(data, dict) else None
        return [i for i in items or [] if isinstance(i, dict) and "fingerprint" in i and "tool" in i]

    def _write(self, items: list[dict]) -> None:
        if self.path is None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(json.dumps({"always": items}, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.path)

    def always(self) -> list[dict]:
        """The tools always allowed: ``[{"fingerprint", "server", "tool", "at"}]`` (for a settings list)."""
        with self._lock:
            return self._read()

    def forget(self, fingerprint: str | None = None, tool: str | None = None) -> None:
        """Stop always allowing one tool (or every tool of a server, or everything with no arguments)."""
        with self._lock:
            keep = [i for i in self._read()
                    if not ((fingerprint is None or i["fingerprint"] == fingerprint)
                            and (tool is None or i["tool"] == tool))]
            self._write(keep)

    def forget_chat(self, conversation_id: int | None) -> None:
        with self._lock:
            self._chat = {k for k in self._chat if k[0] != conversation_id}

    def remembered(self, request: ToolRequest) -> str | None:
        """"always" or "chat" when the person already allowed this call's tool, else None."""
        with self._lock:
            if any(i["fingerprint"] == request.fingerprint and i["tool"] == request.tool for i in self._read()):
                return "always"
            if (request.conversation_id, request.fingerprint, request.tool) in self._chat:
                return "chat"
        return None

    # -- deciding -------------------------------------------------------------------
    def decide(self, request: ToolRequest, approve: Approver) -> str:
        """The decision for ``request``: remembered, or ``approve``'s answer (anything unknown, or an
        approver that fails, is "deny"); "chat" and "always" are remembered from then on."""
        known = self.remembered(request)
        if known:
            return known
        try:
            decision = approve(request)
        except Exception:
            log.exception("the approver failed; the call is denied")
            decision = "deny"
        if decision not in DECISIONS:
            decision = "deny"
        with self._lock:
            if decision == "chat":
                self._chat.add((request.conversation_id, request.fingerprint, request.tool))
            elif decision == "always":
                items = self._read()
                items.append({"fingerprint": request.fingerprint, "server": request.server, "tool": request.tool,
                              "at": datetime.now(timezone.utc).isoformat(timespec="seconds")})
                try:
                    self._write(items)
                except OSError as exc:  # still allowed now; it will ask again next time
                    log.warning("could not save %s: %s", self.path, exc)
        return decision
