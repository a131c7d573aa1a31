"""The question asked before a tool runs: which server, which tool, what it says it does,
the arguments the model chose (pretty JSON, inert, scrollable) and, for a tool not marked
read-only, a warning.

Four answers: Allow once, Allow for this chat, Always allow this tool, Deny. Closing the
dialog (its ✕, Esc) is Deny. No button is the default and none is an auto-default, so an
Enter pressed by habit (the person was typing in the message box when the dialog came up)
neither runs the tool nor throws the question away; the focus starts on the arguments,
which are read-only. Tab then Space presses a button.

Built by :meth:`aigc_desktop.ui.kit.prompts.Prompts.ask_tool_approval`, the seam tests answer.
"""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
)

from aigc_desktop.i18n import N_, _
from aigc_desktop.ui.kit import style

ARGS_CHARS = 20_000  # arguments shown beyond this are cut (the model wrote them; the tool gets them whole)
DESCRIPTION_CHARS = 600
DECISIONS = ("once", "chat", "always", "deny")
BUTTONS = {
    "once": N_("Allow once"),
    "chat": N_("Allow for this chat"),
    "always": N_("Always allow this tool"),
    "deny": N_("Deny"),
}
TIPS = {
    "once": N_("Run it this time; ask again next time"),
    "chat": N_("Run it, and do not ask again in this chat"),
    "always": N_("Run it, and never ask again for this tool of this server (until the server's "
                 "command or address changes). Revoke it in Models → MCP servers…"),
    "deny": N_("Do not run it; the model is told it was denied"),
}
WRITE_WARNING = N_("This tool is not marked read-only: it may change files, send messages or spend money. "
                   "Check the arguments before you allow it.")


def pretty_arguments(arguments) -> str:
    """The arguments as indented JSON (Chinese kept as it is), cut at ``ARGS_CHARS``."""
    try:
        text = json.dumps(arguments, ensure_ascii=False, indent=2, sort_keys=False)
    except (TypeError, ValueError):
        text = str(arguments)
    if len(text) > ARGS_CHARS:
        text = text[:ARGS_CHARS] + "\n…" + _("(cut here: {n:,} characters in all)").format(n=len(text))
    return text


class ApprovalDialog(QDialog):
    """``decision`` is one of ``DECISIONS`` once it closes ("deny" when closed any other way)."""

    def __init__(self, request, parent=None) -> None:
        super().__init__(parent)
        self.request = request
        self.decision = "deny"
        self.setObjectName("toolApprovalDialog")
        self.setWindowTitle(_("Allow a tool to run?"))
        self.setModal(True)
        s = style.SPACE
        lay = QVBoxLayout(self)
        lay.setSpacing(s["sm"])
        lay.setContentsMargins(s["xl"], s["lg"], s["xl"], s["lg"])
        self.heading = self._label(_("The model wants to run “{tool}” from the server “{server}”.").format(
            tool=request.tool, server=request.server), "toolApprovalHeading")
        font = self.heading.font()
        font.setPixelSize(style.TYPE["title"])
        font.setWeight(QFont.DemiBold)
        self.heading.setFont(font)
        lay.addWidget(self.heading)
        detail = getattr(request, "server_detail", "") or ""
        self.server_detail = self._label(_("Server: {detail}").format(detail=detail), "toolServerDetail")
        self.server_detail.setStyleSheet(f"color: {style.current().muted}; font-size: {style.TYPE['caption']}px;")
        self.server_detail.setVisible(bool(detail))
        lay.addWidget(self.server_detail)
        description = " ".join((request.description or "").split())
        if len(description) > DESCRIPTION_CHARS:
            description = description[: DESCRIPTION_CHARS - 1] + "…"
        self.description = self._label(description or _("(The server gave no description.)"), "toolDescription")
        self.description.setStyleSheet(f"color: {style.current().muted};")
        lay.addWidget(self.description)
        self.warning = self._label(_(WRITE_WARNING), "toolWriteWarning")
        self.warning.setStyleSheet(f"color: {style.current().warning};")
        self.warning.setVisible(not request.read_only)
        lay.addWidget(self.warning)
        lay.addWidget(self._label(_("Arguments:"), "toolArgumentsLabel"))
        self.arguments = QPlainTextEdit(self)
        self.arguments.setObjectName("toolArguments")
        self.arguments.setReadOnly(True)  # plain text: nothing in it is a link, markup or an image
        self.arguments.setPlainText(pretty_arguments(request.arguments))
        self.arguments.setLineWrapMode(QPlainTextEdit.WidgetWidth)
        mono = QFont()
        mono.setFamilies([*style.mono_families(), *style.CJK_FONTS])
        mono.setPixelSize(style.TYPE["small"])
        self.arguments.setFont(mono)
        self.arguments.setMinimumHeight(120)
        self.arguments.setAccessibleName(_("Arguments:"))
        lay.addWidget(self.arguments, 1)
        note = self._label(_("Closing this window denies the call."), "toolCloseNote")
        note.setStyleSheet(f"color: {style.current().muted}; font-size: {style.TYPE['caption']}px;")
        lay.addWidget(note)
        row = QHBoxLayout()
        row.setSpacing(s["sm"])
        self.buttons: dict[str, QPushButton] = {}
        for decision in ("deny", None, "once", "chat", "always"):
            if decision is None:
                row.addStretch(1)
                continue
            b = QPushButton(_(BUTTONS[decision]), self)
            b.setObjectName(f"toolDecision-{decision}")
            b.setToolTip(_(TIPS[decision]))
            b.setAutoDefault(False)  # Enter presses nothing (see the module's docstring)
            b.setDefault(False)
            b.clicked.connect(lambda _checked=False, d=decision: self.answer(d))
            self.buttons[decision] = b
            row.addWidget(b)
        lay.addLayout(row)
        self.resize(max(560, self.sizeHint().width()), 440)
        self.arguments.setFocus()

    def _label(self, text: str, name: str) -> QLabel:
        label = QLabel(text, self)
        label.setObjectName(name)
        label.setTextFormat(Qt.PlainText)  # server and tool names come from the server: inert
        label.setWordWrap(True)
        label.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Minimum)
        label.setTextInteractionFlags(Qt.TextSelectableByMouse)
        return label

    def answer(self, decision: str) -> None:
        self.decision = decision if decision in DECISIONS else "deny"
        if self.decision == "deny":
            self.reject()
        else:
            self.accept()

    def reject(self) -> None:
        self.decision = "deny"
        super().reject()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.arguments.setFocus()
