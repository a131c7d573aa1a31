"""The chip above the chat that shows a system prompt is active (and opens the settings).

Without it nothing in a chat says that its replies follow hidden instructions.
"""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import QPushButton

from aigc_desktop.i18n import _

CHIP_CHARS = 40


class SystemPromptChip(QPushButton):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("systemPromptChip")
        self.setFlat(True)
        self.setStyleSheet("QPushButton#systemPromptChip { border: 1px solid palette(mid); border-radius: 10px;"
                           " padding: 2px 10px; margin: 4px 12px; }")
        self.setVisible(False)
        self.ctx = None

    def follow(self, ctx, conversations) -> None:
        """Show the open chat's prompt as the conversation controller switches chats; a click opens
        that chat's settings."""
        self.ctx = ctx
        conversations.currentChanged.connect(self.show_for)
        self.clicked.connect(conversations.edit_settings)

    @Slot(int)
    def show_for(self, conversation_id: int) -> None:
        conv = self.ctx.rt.store.get(conversation_id) if conversation_id >= 0 and self.ctx else None
        self.show_prompt(conv.system_prompt if conv else None)

    def show_prompt(self, prompt: str | None) -> None:
        prompt = " ".join((prompt or "").split())
        if not prompt:
            self.setVisible(False)
            return
        short = prompt if len(prompt) <= CHIP_CHARS else prompt[: CHIP_CHARS - 1] + "…"
        self.setText(_("System prompt: {prompt}").format(prompt=short))
        self.setToolTip(_("This chat's replies follow this system prompt:\n\n{prompt}\n\n"
                          "Click to change it (Conversation settings).").format(prompt=prompt))
        self.setVisible(True)
