"""The chip above the message box that picks the knowledge bases of the open chat.

It names the chosen bases ("知识库：产品手册、笔记"), or says a quiet "Knowledge base" (知识库)
when none is chosen. A click opens a menu: one check box per base, then "Manage knowledge
bases…". The choice is the conversation's (``ConversationStore.set_kbs``, by uid, so a
rename keeps it); with no chat open yet, one is made to hold it, as Conversation settings do.

Built with what it uses: the runtime holder, the engine client (the loaded model for a new
chat; no change while a reply is written), the conversation controller (``current_id``,
``currentChanged``, ``adopt``) and the knowledge-base controller (its ``basesChanged``).

Signals:
    manageRequested()   "Manage knowledge bases…" was chosen
    kbsChanged(int conversation_id)
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QToolButton

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _, ngettext
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.kit.elide import shorten

log = logging.getLogger(__name__)
CHIP_CHARS = 40
# The Tools chip's look (ui/kit/style.py) in palette roles, so it follows the theme; no menu arrow.
CHIP_STYLE = """
QToolButton#kbChip { border: 1px solid palette(mid); border-radius: 10px; padding: 2px 10px; margin: 4px 0 0 0;
    color: palette(placeholder-text); background: transparent; font-size: 13px; }
QToolButton#kbChip:hover { background: palette(alternate-base); color: palette(text); }
QToolButton#kbChip[active="true"] { color: palette(highlight); border-color: palette(highlight); }
QToolButton#kbChip::menu-indicator { image: none; width: 0; }
"""


class KbChip(QToolButton):
    manageRequested = Signal()
    kbsChanged = Signal(int)

    def __init__(self, ctx, engine, conversations, kb, banner, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.engine, self.conversations, self.kb, self.banner = ctx, engine, conversations, kb, banner
        self.setObjectName("kbChip")
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.setPopupMode(QToolButton.InstantPopup)
        self.setCursor(Qt.PointingHandCursor)
        style.set_icon(self, "ph.books")
        self.setStyleSheet(CHIP_STYLE)
        self.menu_ = QMenu(self)
        self.menu_.aboutToShow.connect(self._fill_menu)
        self.setMenu(self.menu_)
        self.chosen: list[str] = []  # uids
        conversations.currentChanged.connect(self.show_for)
        kb.basesChanged.connect(self.refresh)
        self._show_names([])

    @property
    def rt(self):
        return self.ctx.rt

    @Slot(int)
    def show_for(self, conversation_id: int) -> None:
        """The chip of chat ``conversation_id`` (-1: a new chat, nothing chosen yet)."""
        uids: list[str] = []
        if conversation_id >= 0 and self.rt is not None:
            try:
                uids = list(self.rt.store.get(conversation_id).kbs)
            except UserError:
                uids = []
        self.chosen = uids
        self._show_names(uids)

    @Slot()
    def refresh(self) -> None:
        """A base was made, renamed or removed: the names shown follow."""
        current = self.conversations.current_id
        self.show_for(current if current is not None else -1)

    def _bases(self) -> list:
        if self.rt is None:
            return []
        try:
            return self.kb.bases()
        except UserError as exc:
            log.warning("knowledge bases not listed: %s", exc)
            return []

    def _show_names(self, uids: list[str]) -> None:
        by_uid = {b.uid: b.name for b in self._bases()} if uids else {}
        names = [by_uid[u] for u in uids if u in by_uid]
        if names:
            self.setText(shorten(_("Knowledge base: {names}").format(names=_(", ").join(names)), CHIP_CHARS)
                         .replace("&", "&&"))
            self.setToolTip(_("This chat's replies use passages from: {names}.\nClick to change.")
                            .format(names=_(", ").join(names)))
            self.setProperty("active", True)
        else:
            self.setText(_("Knowledge base"))
            self.setToolTip(_("Answer from your own files: choose knowledge bases for this chat."))
            self.setProperty("active", False)
        self.style().unpolish(self)  # the [active] rule of CHIP_STYLE follows the property
        self.style().polish(self)

    @Slot()
    def _fill_menu(self) -> None:
        self.menu_.clear()
        bases = self._bases()
        for b in bases:
            label = ngettext("{name} ({files} file)", "{name} ({files} files)", b.files).format(name=b.name,
                                                                                                 files=b.files)
            act = QAction(label.replace("&", "&&"), self.menu_)
            act.setCheckable(True)
            act.setChecked(b.uid in self.chosen)
            act.setData(b.uid)
            act.toggled.connect(lambda on, uid=b.uid: self.toggle(uid, on))
            self.menu_.addAction(act)
        if not bases:
            empty = self.menu_.addAction(_("No knowledge bases yet"))
            empty.setEnabled(False)
        self.menu_.addSeparator()
        self.menu_.addAction(_("Manage knowledge bases…"), self.manageRequested.emit)

    def toggle(self, uid: str, on: bool) -> bool:
        """Use (or stop using) base ``uid`` in the open chat; False when refused (a reply is written)."""
        uids = [u for u in self.chosen if u != uid] + ([uid] if on else [])
        return self.choose(uids)

    def choose(self, uids: list[str]) -> bool:
        if self.engine.busy:
            self.banner.show_info(_("A reply is still being written. Change the knowledge bases when it is done."))
            self._show_names(self.chosen)
            return False
        try:
            conv_id = self._conversation()
            self.rt.store.set_kbs(conv_id, uids)
        except UserError as exc:
            self.banner.show_error(str(exc))
            return False
        self.show_for(conv_id)
        self.kbsChanged.emit(conv_id)
        return True

    def _conversation(self) -> int:
        """The open chat, or a new one made to hold the choice."""
        if self.conversations.current_id is not None:
            return self.conversations.current_id
        from aigc_desktop.chat import presets

        model = str(self.engine.model.path) if self.engine.model else None
        fields = {**presets.new_chat_fields(self.rt.settings.default_preset), "model": model}
        conv_id = self.rt.service.new_conversation(**fields).id
        self.conversations.adopt(conv_id)
        return conv_id
