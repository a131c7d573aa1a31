"""Add an MCP server: paste an ``mcpServers`` JSON (as copied from Claude Desktop, Cursor, LM Studio
or Cherry Studio), or fill in a command (arguments, environment) or an address (headers).

Each way is checked by ``tools/config.py`` before anything is written, and a complaint is
shown under the form in its own words (the dialog stays open). Header secrets go to the
system keychain (``ToolsConfig`` does that), never into ``mcp.json``.
"""

from __future__ import annotations

import json
import shlex

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _
from aigc_desktop.ui.kit import style

PASTE_HINT = N_('Paste the "mcpServers" JSON of another app, e.g.\n'
                '{"mcpServers": {"files": {"command": "npx", "args": ["-y", '
                '"@modelcontextprotocol/server-filesystem", "/home/me/notes"]}}}')


def _pairs(text: str, sep: str, what: str) -> dict[str, str]:
    """``NAME=value`` (or ``Name: value``) lines into a dict; a line without ``sep`` is a UserError."""
    out = {}
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if sep not in line:
            raise UserError(_("{what}, line {n}: write it as NAME{sep}value.").format(what=what, n=n, sep=sep))
        key, value = line.split(sep, 1)
        out[key.strip()] = value.strip()
    return out


class AddServerDialog(QDialog):
    """``added``: the names written, once accepted."""

    def __init__(self, config, parent=None) -> None:
        super().__init__(parent)
        self.config = config
        self.added: list[str] = []
        self.setObjectName("addMcpServerDialog")
        self.setWindowTitle(_("Add an MCP server"))
        self.resize(600, 440)
        lay = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        lay.addWidget(self.tabs, 1)
        # Paste
        self.paste = QPlainTextEdit()
        self.paste.setObjectName("mcpPaste")
        self.paste.setPlaceholderText(_(PASTE_HINT))
        self.paste.setFont(_mono())
        self.tabs.addTab(self.paste, _("Paste JSON"))
        # Command
        page = QWidget()
        form = QFormLayout(page)
        self.cmd_name, self.command, self.args = QLineEdit(), QLineEdit(), QLineEdit()
        self.command.setPlaceholderText("npx")
        self.args.setPlaceholderText("-y @modelcontextprotocol/server-filesystem /home/me/notes")
        self.env = QPlainTextEdit()
        self.env.setPlaceholderText("DEBUG=0")
        self.env.setMaximumHeight(90)
        form.addRow(_("Name:"), self.cmd_name)
        form.addRow(_("Command:"), self.command)
        form.addRow(_("Arguments:"), self.args)
        form.addRow(_("Environment:"), self.env)
        self.tabs.addTab(page, _("Command (stdio)"))
        # URL
        page = QWidget()
        form = QFormLayout(page)
        self.url_name, self.url = QLineEdit(), QLineEdit()
        self.url.setPlaceholderText("https://example.com/mcp")
        self.headers = QPlainTextEdit()
        self.headers.setPlaceholderText("Authorization: Bearer …")
        self.headers.setMaximumHeight(90)
        form.addRow(_("Name:"), self.url_name)
        form.addRow(_("Address:"), self.url)
        form.addRow(_("Headers:"), self.headers)
        note = QLabel(_("Secret headers (Authorization, tokens, keys) are kept in the system keychain, "
                        "not in the file."))
        note.setWordWrap(True)
        form.addRow(note)
        self.tabs.addTab(page, _("Address (HTTP)"))
        self.error = QLabel("")
        self.error.setObjectName("addServerError")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.PlainText)
        self.error.setStyleSheet(f"color: {style.current().error};")
        self.error.hide()
        lay.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText(_("Add"))
        buttons.button(QDialogButtonBox.Cancel).setText(_("Cancel"))
        buttons.accepted.connect(self.add)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)

    def show_error(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(bool(text))

    def add(self) -> None:
        """Check and write what the open tab holds; stays open with the complaint when it is wrong."""
        try:
            self.added = self._write()
        except UserError as exc:
            self.show_error(str(exc))
            return
        self.accept()

    def _write(self) -> list[str]:
        from aigc_desktop.tools.config import ToolsConfigError, parse_text

        tab = self.tabs.currentIndex()
        if tab == 0:
            pasted = parse_text(self.paste.toPlainText(), _("The pasted text"))
            if not pasted:
                raise ToolsConfigError(_("The pasted text names no server."))
            servers = self.config.servers()
            servers.update(pasted)
            merged = {"mcpServers": {name: s.to_json() for name, s in servers.items()}}
            self.config.save_text(json.dumps(merged, ensure_ascii=False))
            return list(pasted)
        if tab == 1:
            try:
                args = shlex.split(self.args.text())
            except ValueError as exc:
                raise ToolsConfigError(_("The arguments cannot be read: {reason}").format(reason=exc)) from exc
            env = _pairs(self.env.toPlainText(), "=", _("Environment"))
            return [self.config.add_stdio(self.cmd_name.text(), self.command.text(), args, env).name]
        headers = _pairs(self.headers.toPlainText(), ":", _("Headers"))
        return [self.config.add_http(self.url_name.text(), self.url.text().strip(), headers).name]


def _mono():
    from PySide6.QtGui import QFont

    font = QFont()
    font.setFamilies([*style.mono_families(), *style.CJK_FONTS])
    font.setPixelSize(style.TYPE["small"])
    return font
