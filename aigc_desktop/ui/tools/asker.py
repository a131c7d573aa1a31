"""The GUI side of a tool approval: a ``QObject`` on the GUI thread listening to the engine
client's ``jobEvent`` (itself re-emitted from the worker's queued signal); for each request a
turn sent (``ui/tools/approver.EngineApprover``) it asks the person through
``Prompts.ask_tool_approval`` and sets the request's future, which the engine thread waits on.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Slot

from aigc_desktop.ui.kit.threads import gui_only
from aigc_desktop.ui.tools.approver import APPROVAL_EVENT, DECISIONS

log = logging.getLogger(__name__)


class ApprovalAsker(QObject):
    """Answers the engine thread's approval requests on the GUI thread, through ``prompts``."""

    def __init__(self, engine, prompts, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.prompts = prompts
        self.asked = 0  # how many times the person was asked (for tests and the status of a turn)
        engine.jobEvent.connect(self._on_event)  # the client's own GUI-thread signal

    @Slot(int, str, object)
    @gui_only
    def _on_event(self, _job_id: int, name: str, value) -> None:
        if name != APPROVAL_EVENT:
            return
        request, future = value
        if not future.set_running_or_notify_cancel():
            return  # the turn was stopped before the question could be asked
        self.asked += 1
        try:
            decision = self.prompts.ask_tool_approval(request)
        except Exception as exc:  # never leave the engine thread waiting
            log.exception("the tool approval dialog failed")
            future.set_exception(exc)
            return
        future.set_result(decision if decision in DECISIONS else "deny")
