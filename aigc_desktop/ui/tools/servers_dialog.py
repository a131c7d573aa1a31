"""Models → MCP servers…: the servers in ``mcp.json``, whether each starts, and the tools always allowed.

Each server is listed with its command or address and a status. Checking a server connects to
it off the GUI thread (``ui/kit/tasks.op`` over ``ToolHub.connect``, which gives up after its
start timeout): a server that hangs at start shows "Connecting…" and the window goes on; one
that fails shows the error and the last lines it wrote to stderr. The dialog checks every
stdio server when it opens (a local program); an HTTP server is contacted only on Check again,
which re-checks the selected one.

Add… (``add_server.py``) pastes an ``mcpServers`` JSON or fills a command or an address;
Remove asks first; Edit mcp.json… changes the file as text (checked before it is saved). Below, the tools allowed with "Always allow this tool" (``ApprovalPolicy``,
``tool-approvals.json``) can be revoked one by one.

Built with what it uses: the servers file (``ToolsConfig``), the connections (``ToolHub``), the
approval memory (``ApprovalPolicy``) and the prompts seam.

Signals:
    serversChanged()   a server was added or removed
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _, ngettext
from aigc_desktop.ui.kit import style, tasks

CONNECTING = N_("Connecting…")
UNCHECKED = N_("Not checked")
UNCHECKED_HTTP = N_("Not checked: a network address is contacted only when you press Check again")
DISABLED = N_("Turned off in the file")


class ServersDialog(QDialog):
    serversChanged = Signal()

    def __init__(self, config, hub, policy, prompts, parent=None) -> None:
        super().__init__(parent)
        self.config, self.hub, self.policy, self.prompts = config, hub, policy, prompts
        self.status: dict[str, tuple[str, str]] = {}  # name -> (state, text): state "busy", "ok", "error"
        self._ops: dict[str, tasks.Op] = {}
        self.setObjectName("mcpServersDialog")
        self.setWindowTitle(_("MCP servers"))
        self.resize(720, 600)
        lay = QVBoxLayout(self)
        intro = QLabel(_("Tools the model may use, from MCP servers (the format of Claude Desktop, Cursor, "
                         "LM Studio and Cherry Studio). Turn them on per chat with the Tools chip above the "
                         "message box; every call asks you first."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.list = QListWidget(self)
        self.list.setObjectName("mcpServerList")
        self.list.currentItemChanged.connect(self._selected)
        lay.addWidget(self.list, 2)
        self.detail = QPlainTextEdit(self)  # the status, an error with its stderr tail, the tools: plain text
        self.detail.setObjectName("mcpServerDetail")
        self.detail.setReadOnly(True)
        self.detail.setMaximumHeight(160)
        lay.addWidget(self.detail, 1)
        row = QHBoxLayout()
        self.add_button = self._button(row, _("Add…"), self.add)
        self.remove_button = self._button(row, _("Remove"), self.remove)
        self.check_button = self._button(row, _("Check again"), self.check_selected)
        self.edit_button = self._button(row, _("Edit mcp.json…"), self.edit_file)
        row.addStretch(1)
        lay.addLayout(row)
        lay.addWidget(QLabel(_("Tools always allowed (they run without asking):")))
        self.allowed = QListWidget(self)
        self.allowed.setObjectName("mcpAllowedList")
        lay.addWidget(self.allowed, 1)
        row = QHBoxLayout()
        self.revoke_button = self._button(row, _("Revoke"), self.revoke)
        row.addStretch(1)
        close = self._button(row, _("Close"), self.accept)
        close.setAutoDefault(False)
        lay.addLayout(row)

    def _button(self, row, text: str, slot) -> QPushButton:
        b = QPushButton(text, self)
        b.setAutoDefault(False)
        b.clicked.connect(slot)
        row.addWidget(b)
        return b

    # -- the lists ---------------------------------------------------------------------
    def refresh(self, check: bool = True) -> None:
        """Re-read the file and the approvals; with ``check``, connect to every server not checked yet."""
        current = self.list.currentItem().data(Qt.UserRole) if self.list.currentItem() else None
        self.list.clear()
        try:
            servers = self.config.servers()
        except UserError as exc:
            servers = {}
            self.detail.setPlainText(str(exc))
        for name, server in servers.items():
            item = QListWidgetItem(self.list)
            item.setData(Qt.UserRole, name)
            if server.problem:
                self.status[name] = ("error", server.problem)
            elif server.disabled:
                self.status[name] = ("off", _(DISABLED))
            elif check and name not in self.status and server.kind == "stdio":
                self.check(name)  # a local program; an address is asked only on Check again (no network unasked)
            self._show_item(item, server)
            if name == current:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self.remove_button.setEnabled(self.list.count() > 0)
        self.check_button.setEnabled(self.list.count() > 0)
        self._fill_allowed()

    def _show_item(self, item: QListWidgetItem, server) -> None:
        state, text = self.status.get(server.name, ("", _(UNCHECKED_HTTP) if server.kind == "http" else _(UNCHECKED)))
        first = text.splitlines()[0] if text else ""
        item.setText(f"{server.name} — {server.describe()}\n    {first}")
        item.setToolTip(text)
        icon = {"busy": ("ph.hourglass", "muted"), "ok": ("ph.check-circle", "text"),
                "error": ("ph.x-circle", "error")}.get(state, ("ph.wrench", "muted"))
        item.setIcon(style.icon(*icon))

    def _item(self, name: str) -> QListWidgetItem | None:
        return next((self.list.item(i) for i in range(self.list.count())
                     if self.list.item(i).data(Qt.UserRole) == name), None)

    def _fill_allowed(self) -> None:
        self.allowed.clear()
        for entry in self.policy.always():
            when = str(entry.get("at", ""))[:10]
            item = QListWidgetItem(_("{tool} of {server} (since {date})").format(
                tool=entry["tool"], server=entry.get("server", "?"), date=when), self.allowed)
            item.setData(Qt.UserRole, (entry["fingerprint"], entry["tool"]))
        if not self.allowed.count():
            QListWidgetItem(_("None"), self.allowed).setFlags(Qt.NoItemFlags)
        self.revoke_button.setEnabled(self.allowed.item(0).flags() != Qt.NoItemFlags)

    @Slot()
    def _selected(self, *_args) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        _state, text = self.status.get(item.data(Qt.UserRole), ("", _(UNCHECKED)))
        self.detail.setPlainText(text)

    def _set_status(self, name: str, state: str, text: str) -> None:
        self.status[name] = (state, text)
        item = self._item(name)
        if item is None:
            return
        try:
            self._show_item(item, self.config.get(name))
        except UserError:
            return
        if item is self.list.currentItem():
            self.detail.setPlainText(text)

    # -- checking (off the GUI thread) -------------------------------------------------------
    def check(self, name: str) -> None:
        old = self._ops.pop(name, None)
        if old is not None:
            old.cancel()
        self._set_status(name, "busy", _(CONNECTING))
        hub = self.hub

        def connect(task):
            return hub.connect(name, task.cancel_event)

        op = tasks.op(self, connect)
        op.success(lambda tools, n=name: self._checked(n, tools))
        op.failure(lambda message, n=name: self._set_status(n, "error", message))
        self._ops[name] = op
        op.run()

    def _checked(self, name: str, tools) -> None:
        self._ops.pop(name, None)
        lines = [ngettext("{n} tool", "{n} tools", len(tools)).format(n=len(tools))]
        for t in tools:
            mark = _("read-only") if t.read_only else _("may change things")
            lines.append(f"• {t.name} ({mark}): {' '.join((t.description or '').split())[:160]}")
        self._set_status(name, "ok", "\n".join(lines))

    @Slot()
    def check_selected(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.check(item.data(Qt.UserRole))

    def checking(self) -> bool:
        return any(state == "busy" for state, _text in self.status.values())

    # -- add, remove, revoke -----------------------------------------------------------------
    @Slot()
    def add(self) -> None:
        from aigc_desktop.ui.tools.add_server import AddServerDialog

        dialog = AddServerDialog(self.config, self)
        if self.prompts.run_dialog(dialog) and dialog.added:
            for name in dialog.added:
                self.status.pop(name, None)
            self.refresh()
            item = self._item(dialog.added[0])
            if item is not None:
                self.list.setCurrentItem(item)
            self.serversChanged.emit()
        dialog.deleteLater()

    @Slot()
    def remove(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        name = item.data(Qt.UserRole)
        if not self.prompts.confirm(_("Remove MCP server"), _("Remove the MCP server “{name}”? Chats that use it "
                                                             "will no longer offer its tools.").format(name=name)):
            return
        try:
            self.config.remove(name)
        except UserError as exc:
            self.detail.setPlainText(str(exc))
            return
        self.status.pop(name, None)
        op = self._ops.pop(name, None)
        if op is not None:
            op.cancel()
        self.refresh(check=False)
        self.serversChanged.emit()

    @Slot()
    def edit_file(self) -> None:
        """The whole ``mcp.json`` as text (to change a server's arguments or environment); checked before
        it is saved, and a broken text is refused in words with the file left as it was."""
        from aigc_desktop.tools.config import FILE_NAME

        try:
            text = self.config.text()
        except UserError as exc:
            self.detail.setPlainText(str(exc))
            return
        edited = self.prompts.ask_long_text(_("Edit {file}").format(file=FILE_NAME),
                                            _("The MCP servers, as JSON (secret headers show as <keychain>):"), text)
        if edited is None or edited == text:
            return
        try:
            self.config.save_text(edited)
        except UserError as exc:
            self.detail.setPlainText(str(exc))
            return
        self.status.clear()
        self.refresh()
        self.serversChanged.emit()

    @Slot()
    def revoke(self) -> None:
        item = self.allowed.currentItem()
        if item is None or item.data(Qt.UserRole) is None:
            return
        fingerprint, tool = item.data(Qt.UserRole)
        self.policy.forget(fingerprint, tool)
        self._fill_allowed()

    def done(self, result: int) -> None:
        for op in self._ops.values():  # a check still running is dropped; its server start is cancelled
            op.cancel()
        self._ops.clear()
        super().done(result)
