"""The tools parts the main window holds: the Tools chip above the message box, the approval asker
(answers a turn's "may this tool run?" on the GUI thread) and the MCP servers dialog (made on use).

Built with what they use: the runtime holder, the engine client, the conversation controller and
the prompts; the main window only places :attr:`chip` and adds the menu's action.

The dialog and the chip read the runtime's ``rt.tools`` (``tools/service.ToolService``): the same
servers file, connections and approval memory a turn uses, so a server the dialog checked is
already running when a chat calls it (the runtime stops them when it closes).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Slot

from aigc_desktop.ui.tools.asker import ApprovalAsker
from aigc_desktop.ui.tools.chip import ToolsChip


class Tools(QObject):
    def __init__(self, ctx, engine, conversations, prompts, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.prompts = ctx, prompts
        self.asker = ApprovalAsker(engine, prompts, self)
        self.chip = ToolsChip(ctx, engine, conversations)
        self.chip.manageRequested.connect(self.show_servers)
        conversations.currentChanged.connect(self.chip.show_for)
        self.dialog = None

    @Slot()
    def show_servers(self):
        """Models → MCP servers… (one dialog, made on first use; every server is checked as it opens)."""
        from aigc_desktop.ui.tools.servers_dialog import ServersDialog

        if self.dialog is None:
            tools = self.ctx.rt.tools
            self.dialog = ServersDialog(tools.config, tools.hub, tools.policy, self.prompts, self.chip.window())
        self.dialog.status.clear()  # the file may have changed: check again
        self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def shutdown(self) -> None:
        """The window closes: drop the dialog's checks still running (their server starts are cancelled)."""
        if self.dialog is not None:
            self.dialog.reject()
