"""Models → MCP servers…: status off the GUI thread (a hanging server never freezes the window), the
stderr tail of a server that fails, Add by pasting JSON or by command, Remove, revoking "always"."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from aigc_desktop.tools.approval import ApprovalPolicy, ToolRequest
from aigc_desktop.tools.client import ToolHub
from aigc_desktop.tools.config import ToolsConfig
from aigc_desktop.ui.tools.servers_dialog import ServersDialog

SERVER = str(Path(__file__).resolve().parents[2] / "tools" / "mcp_server.py")


class Prompts:
    def __init__(self):
        self.confirmed = []

    def confirm(self, title, text):
        self.confirmed.append(text)
        return True

    def run_dialog(self, dialog):
        return bool(dialog.exec())


@pytest.fixture
def parts(qtbot, tmp_path):
    config = ToolsConfig(tmp_path / "mcp.json", secrets=None)
    hubs = []

    def make(start_timeout=60.0):
        hub = ToolHub(config, start_timeout=start_timeout)
        hubs.append(hub)
        policy = ApprovalPolicy(tmp_path / "tool-approvals.json")
        dialog = ServersDialog(config, hub, policy, Prompts())
        qtbot.addWidget(dialog)
        return dialog

    yield config, make
    for hub in hubs:
        hub.close()


def status(dialog, name):
    return dialog.status.get(name, ("", ""))


def test_a_hanging_server_does_not_freeze_the_window(qtbot, parts):
    """The good server's tools arrive (the GUI thread handled its result) while the one that
    hangs at start is still connecting; closing the dialog gives the hanging start up."""
    config, make = parts
    config.add_stdio("slowstart", sys.executable, [SERVER, "hang"])
    config.add_stdio("good", sys.executable, [SERVER])
    dialog = make(start_timeout=120.0)
    dialog.show()
    dialog.refresh()
    assert status(dialog, "slowstart")[0] == "busy" and "slowstart" in dialog.list.item(0).text()
    qtbot.waitUntil(lambda: status(dialog, "good")[0] == "ok", timeout=60_000)
    assert "4 tools" in status(dialog, "good")[1] and "write_file" in status(dialog, "good")[1]
    assert status(dialog, "slowstart")[0] == "busy"  # still starting, and the window went on
    dialog.list.setCurrentRow(1)
    assert "write_file" in dialog.detail.toPlainText()
    dialog.reject()
    assert not dialog.checking() or not dialog._ops


def test_a_server_that_hangs_past_its_timeout_says_so_with_its_stderr(qtbot, parts):
    config, make = parts
    config.add_stdio("slowstart", sys.executable, [SERVER, "hang"])
    dialog = make(start_timeout=2.0)
    dialog.refresh()
    qtbot.waitUntil(lambda: status(dialog, "slowstart")[0] == "error", timeout=60_000)
    text = status(dialog, "slowstart")[1]
    assert "did not start" in text and "starting, slowly" in text


def test_a_crashing_server_shows_its_stderr_tail(qtbot, parts):
    config, make = parts
    config.add_stdio("broken", sys.executable, [SERVER, "crash"])
    dialog = make()
    dialog.refresh()
    qtbot.waitUntil(lambda: status(dialog, "broken")[0] == "error", timeout=60_000)
    assert "no such database" in status(dialog, "broken")[1]
    assert "no such database" in dialog.detail.toPlainText()


def test_add_by_pasting_json_and_by_command_then_remove(qtbot, parts):
    from aigc_desktop.ui.tools.add_server import AddServerDialog

    config, make = parts
    dialog = make()
    add = AddServerDialog(config, dialog)
    qtbot.addWidget(add)
    add.paste.setPlainText('{"mcpServers": {"notes": {"command": "npx", "args": ["-y", "server-notes"]}}}')
    add.add()
    assert add.added == ["notes"] and config.get("notes").args == ("-y", "server-notes")
    add = AddServerDialog(config, dialog)
    qtbot.addWidget(add)
    add.paste.setPlainText('{"mcpServers": {"x": ')
    add.add()
    assert add.added == [] and add.error.text().startswith("The pasted text is not valid JSON")
    assert set(config.servers()) == {"notes"}
    add.tabs.setCurrentIndex(1)
    add.cmd_name.setText("echo")
    add.command.setText(sys.executable)
    add.args.setText(f'"{SERVER}"')
    add.env.setPlainText("MY_FLAG=1")
    add.add()
    assert add.added == ["echo"] and config.get("echo").env == {"MY_FLAG": "1"}
    assert set(config.servers()) == {"notes", "echo"}  # the pasted one was kept
    dialog.refresh(check=False)
    dialog.list.setCurrentRow(0)
    dialog.remove()
    assert set(config.servers()) == {"echo"}


def test_always_allowed_tools_are_listed_and_revoked(qtbot, parts, tmp_path):
    config, make = parts
    server = config.add_stdio("files", sys.executable, [SERVER])
    dialog = make()
    req = ToolRequest("files", "write_file", "", {}, False, server.fingerprint())
    dialog.policy.decide(req, lambda r: "always")
    dialog.refresh(check=False)
    assert dialog.allowed.count() == 1 and "write_file" in dialog.allowed.item(0).text()
    dialog.allowed.setCurrentRow(0)
    dialog.revoke()
    assert dialog.policy.remembered(req) is None
    assert dialog.allowed.item(0).text() == "None"


def test_an_address_is_not_contacted_until_asked(qtbot, parts):
    """Opening the dialog starts local programs only; an HTTP server waits for Check again."""
    config, make = parts
    config.add_http("remote", "http://127.0.0.1:9/mcp")
    dialog = make()
    dialog.refresh()
    assert "remote" not in dialog.status and not dialog.checking()
    assert "Check again" in dialog.list.item(0).text()
    dialog.list.setCurrentRow(0)
    dialog.check_selected()
    qtbot.waitUntil(lambda: status(dialog, "remote")[0] == "error", timeout=60_000)


def test_edit_the_file_as_text_and_a_broken_edit_is_refused(qtbot, parts):
    import json

    config, make = parts
    config.add_stdio("files", sys.executable, [SERVER])
    dialog = make()
    dialog.refresh(check=False)
    edited = json.loads(config.text())
    edited["mcpServers"]["files"]["env"] = {"NOTES_DIR": "/tmp"}
    dialog.prompts.ask_long_text = lambda title, label, text: json.dumps(edited)
    dialog.edit_file()
    assert config.get("files").env == {"NOTES_DIR": "/tmp"}
    before = config.text()
    dialog.prompts.ask_long_text = lambda title, label, text: '{"mcpServers": {'
    dialog.edit_file()
    assert config.text() == before and "not valid JSON" in dialog.detail.toPlainText()
