"""The tools parts the main window holds: the Tools chip above the message box, the approval asker
(answers a turn's "may this tool run?" on the GUI thread) and the MCP servers dialog (made on use).

Built with what they use: the runtime holder, the engine client, the conversation controller and
the prompts; the main window only places :attr:`chip` and adds the menu's action.

The dialog's status checks start servers through a :class:`~aigc_desktop.tools.client.ToolHub`
of its own (closed with the window), so a check never holds up a running turn's connections.
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
        self.chip = ToolsChip(ctx)
        self.chip.manageRequested.connect(self.show_servers)
        conversations.currentChanged.connect(self.chip.show_for)
        self.dialog = None
        self._hub = None

    def hub(self):
        """The dialog's connections (made on first use)."""
        if self._hub is None:
            from aigc_desktop.tools.client import ToolHub
            from aigc_desktop.tools.config import ToolsConfig, default_path

            self._hub = ToolHub(ToolsConfig(default_path()))
        return self._hub

    @Slot()
    def show_servers(self):
        """Models → MCP servers… (one dialog, made on first use; every server is checked as it opens)."""
        from aigc_desktop.tools.approval import FILE_NAME, ApprovalPolicy
        from aigc_desktop.ui.tools.servers_dialog import ServersDialog

        if self.dialog is None:
            hub = self.hub()
            policy = ApprovalPolicy(hub.config.path.parent / FILE_NAME)
            self.dialog = ServersDialog(hub.config, hub, policy, self.prompts, self.chip.window())
        self.dialog.status.clear()  # the file may have changed: check again
        self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def shutdown(self) -> None:
        """The window closes: stop the servers the dialog started (a turn's are the runtime's)."""
        if self._hub is not None:
            self._hub.close()
            self._hub = None
