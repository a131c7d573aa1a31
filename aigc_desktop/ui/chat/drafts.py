"""One unsent text per conversation: the message box shows the open chat's own draft.

The box used to be one text for every chat: it followed Ctrl+N and a click on
another chat, and was once sent into the wrong one. Now, when the conversation
controller is about to show another chat (``aboutToSwitch``), the box's text is
saved as the chat being left's draft, and once the other chat is shown
(``currentChanged``) its own draft replaces it. Drafts are saved in the
database (``store/drafts.py``) a moment after typing pauses, at each switch and
when the window closes, so they survive a restart. The new, not yet saved chat
keeps its draft for this session only (it has no row to hang it on).

``currentChanged`` without ``aboutToSwitch`` (the new chat got its id from its
first message, the open chat's settings were saved) is the same chat: the text
stays where it is.

Built with what it uses: the runtime holder, the conversation controller and the composer.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Slot

from aigc_desktop.errors import UserError

log = logging.getLogger(__name__)

SAVE_PAUSE_MS = 800  # typing pause after which the draft is written


class DraftKeeper(QObject):
    def __init__(self, ctx, conversations, composer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.conversations, self.composer = ctx, conversations, composer
        self.new_chat = ""  # the unsaved new chat's draft
        self._store = None
        self._switching = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SAVE_PAUSE_MS)
        self._timer.timeout.connect(self.save_now)
        composer.edited.connect(self._timer.start)
        conversations.aboutToSwitch.connect(self._leaving)
        conversations.currentChanged.connect(self._arrived)

    @property
    def store(self):
        if self._store is None:
            from aigc_desktop.store.drafts import DraftStore

            self._store = DraftStore(self.ctx.rt.db)
        return self._store

    def draft(self, conversation_id: int | None) -> str:
        """The saved draft of a chat (None: the new chat)."""
        if conversation_id is None or conversation_id < 0:
            return self.new_chat
        try:
            return self.store.get(conversation_id)
        except UserError as exc:  # a damaged or locked database: the box starts empty
            log.warning("could not read the draft of chat %s: %s", conversation_id, exc)
            return ""

    @Slot()
    def save_now(self) -> None:
        """Keep the box's text as the open chat's draft."""
        self._timer.stop()
        if self.ctx.rt is None:
            return
        text, current = self.composer.text(), self.conversations.current_id
        if current is None:
            self.new_chat = text
            return
        try:
            kept = self.store.put(current, text)
        except UserError as exc:  # a full disk: the text is still in the box
            log.warning("could not save the draft of chat %s: %s", current, exc)
            return
        if not kept:  # the chat was deleted elsewhere: Send would start a new chat with it
            self.new_chat = text

    @Slot()
    def _leaving(self) -> None:
        self.save_now()
        self._switching = True

    @Slot(int)
    def _arrived(self, conversation_id: int) -> None:
        if not self._switching:
            return  # the same chat (it got its id, or its settings changed): the text stays
        self._switching = False
        self.composer.show_draft(self.draft(conversation_id))
        if conversation_id < 0:
            self.new_chat = ""  # it is in the box now, and saved from there
