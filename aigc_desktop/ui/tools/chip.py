"""The chip above the message box that turns MCP servers on for this chat.

Tools are off unless turned on: a new chat offers the model none. The chip says "Tools: off"
or how many servers are on; a click opens a menu with one check per configured server
(``mcp.json``) and "MCP servers…". The choice is the chat's own (``conversations.tools``
through ``ConversationStore.set_tools``), kept with it, synced and branched with it.

In a new chat (nothing sent yet) a choice starts the chat to hold it, as the knowledge-base
chip does (``ui/kb/chip.py``), so the first message already has its tools.

Signals:
    manageRequested()   "MCP servers…" was chosen
    toolsChanged(int conversation_id, list names)
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QSize, Signal, Slot
from PySide6.QtWidgets import QMenu, QPushButton

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _, ngettext
from aigc_desktop.ui.kit import style

log = logging.getLogger(__name__)

OFF = N_("Tools: off")
TIP_OFF = N_("Tools are off in this chat: the model cannot run anything. Click to let it use an MCP server's "
             "tools (each call asks you first).")
TIP_ON = N_("The model may use the tools of: {names}. Each call asks you first unless you allowed it.")
NONE_CONFIGURED = N_("No MCP servers yet")
MISSING = N_("{name} (no longer configured)")


def configured_servers(rt) -> dict:
    """The servers of ``mcp.json`` by name (``rt.tools``); empty, with a log line, when the file is
    broken (the MCP servers dialog says what is wrong)."""
    if rt is None or getattr(rt, "tools", None) is None:
        return {}
    try:
        return rt.tools.servers()
    except UserError as exc:
        log.info("MCP servers file not readable: %s", exc)
        return {}


class ToolsChip(QPushButton):
    manageRequested = Signal()
    toolsChanged = Signal(int, list)

    def __init__(self, ctx, engine, conversations, parent=None) -> None:
        super().__init__(parent)
        self.ctx, self.engine, self.conversations = ctx, engine, conversations
        self.setObjectName("toolsChip")
        self.setFlat(True)
        self.setIconSize(QSize(style.ICON, style.ICON))
        style.set_icon(self, "ph.wrench")
        self.conversation_id: int | None = None
        self.names: list[str] = []
        self.menu = QMenu(self)
        self.menu.setObjectName("toolsMenu")
        self.clicked.connect(self.open_menu)
        self._show()

    @Slot(int)
    def show_for(self, conversation_id: int) -> None:
        """The open chat changed (-1: a new chat not started yet)."""
        self.conversation_id = conversation_id if conversation_id is not None and conversation_id >= 0 else None
        self.names = []
        rt = self.ctx.rt
        if self.conversation_id is not None and rt is not None:
            try:
                self.names = list(rt.store.get(self.conversation_id).tools)
            except UserError:
                self.conversation_id = None
        self._show()

    def _show(self) -> None:
        on = bool(self.names)
        if on:
            self.setText(ngettext("Tools: {n} server", "Tools: {n} servers", len(self.names)).format(n=len(self.names)))
            self.setToolTip(_(TIP_ON).format(names="、".join(self.names)))
        else:
            self.setText(_(OFF))
            self.setToolTip(_(TIP_OFF))
        self.setAccessibleName(self.text())
        self.setProperty("on", on)
        self.style().unpolish(self)
        self.style().polish(self)

    def build_menu(self) -> QMenu:
        """The menu's checks, read fresh from ``mcp.json`` (the person may have edited it)."""
        self.menu.clear()
        servers = configured_servers(self.ctx.rt)
        if not servers:
            self.menu.addAction(_(NONE_CONFIGURED)).setEnabled(False)
        for name, server in servers.items():
            act = self.menu.addAction(name)
            act.setCheckable(True)
            act.setChecked(name in self.names)
            act.setData(name)
            act.setToolTip(server.problem or server.describe())
            if (server.disabled or server.problem) and name not in self.names:
                act.setEnabled(False)
            act.toggled.connect(self._toggled)
        for name in self.names:
            if name not in servers:
                act = self.menu.addAction(_(MISSING).format(name=name))
                act.setCheckable(True)
                act.setChecked(True)
                act.setData(name)
                act.toggled.connect(self._toggled)
        self.menu.setToolTipsVisible(True)
        self.menu.addSeparator()
        self.menu.addAction(_("MCP servers…"), self.manageRequested.emit)
        return self.menu

    @Slot()
    def open_menu(self) -> None:
        self.build_menu().popup(self.mapToGlobal(self.rect().bottomLeft()))

    @Slot(bool)
    def _toggled(self, checked: bool) -> None:
        name = self.sender().data()
        names = [n for n in self.names if n != name] + ([name] if checked else [])
        self.set_tools(names)

    def set_tools(self, names: list[str]) -> None:
        """Turn exactly ``names`` on for the open chat (stored at once)."""
        rt = self.ctx.rt
        if rt is None:
            return
        if self.conversation_id is None:
            self.conversation_id = self._start_chat(rt)
        record = rt.store.set_tools(self.conversation_id, names)
        self.names = list(record.tools)
        self._show()
        self.toolsChanged.emit(self.conversation_id, list(self.names))

    def _start_chat(self, rt) -> int:
        """A new chat made to hold the choice (the open one when the person sends)."""
        from aigc_desktop.chat import presets

        model = str(self.engine.model.path) if self.engine.model else None
        fields = {**presets.new_chat_fields(rt.settings.default_preset), "model": model}
        conversation_id = rt.service.new_conversation(**fields).id
        self.conversations.adopt(conversation_id)
        return conversation_id
