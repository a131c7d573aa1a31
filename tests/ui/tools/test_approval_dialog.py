"""The approval dialog: what it shows, each answer, closing is Deny, Enter approves nothing."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from aigc_desktop.ui.tools.approval_dialog import ApprovalDialog


def request(read_only=False, **over):
    fields = dict(server="files", tool="write_file", description="Write text to a file.",
                  arguments={"path": "/tmp/笔记.md", "content": "<b>hi</b>"}, read_only=read_only, fingerprint="f")
    fields.update(over)
    return SimpleNamespace(**fields)


def test_it_shows_the_server_tool_description_and_arguments_as_json(qtbot):
    d = ApprovalDialog(request())
    qtbot.addWidget(d)
    assert "write_file" in d.heading.text() and "files" in d.heading.text()
    assert d.description.text() == "Write text to a file."
    assert d.arguments.isReadOnly()
    assert '"path": "/tmp/笔记.md"' in d.arguments.toPlainText()  # indented JSON, Chinese as it is
    assert "<b>hi</b>" in d.arguments.toPlainText()  # inert: markup shown as text
    assert d.heading.textFormat() == Qt.PlainText
    d.show()
    assert d.warning.isVisible()  # not marked read-only


def test_a_read_only_tool_has_no_warning(qtbot):
    d = ApprovalDialog(request(read_only=True))
    qtbot.addWidget(d)
    d.show()
    assert not d.warning.isVisible()


@pytest.mark.parametrize("decision", ["once", "chat", "always", "deny"])
def test_each_button_gives_its_answer(qtbot, decision):
    d = ApprovalDialog(request())
    qtbot.addWidget(d)
    d.show()
    qtbot.mouseClick(d.buttons[decision], Qt.LeftButton)
    assert d.decision == decision
    assert not d.isVisible()


def test_closing_is_deny(qtbot):
    d = ApprovalDialog(request())
    qtbot.addWidget(d)
    d.show()
    qtbot.keyClick(d, Qt.Key_Escape)
    assert d.decision == "deny" and not d.isVisible()
    d2 = ApprovalDialog(request())
    qtbot.addWidget(d2)
    d2.show()
    d2.close()
    assert d2.decision == "deny"


def test_enter_approves_nothing(qtbot):
    """An Enter pressed by habit neither runs a write tool nor answers at all; no button is a default."""
    d = ApprovalDialog(request())
    qtbot.addWidget(d)
    d.show()
    qtbot.waitUntil(lambda: d.arguments.hasFocus(), timeout=2000)
    qtbot.keyClick(d.arguments, Qt.Key_Return)
    qtbot.keyClick(d, Qt.Key_Enter)
    assert d.isVisible() and d.result() == 0
    assert not any(b.isDefault() or b.autoDefault() for b in d.findChildren(QPushButton))
    d.buttons["once"].setFocus()
    qtbot.keyClick(d.buttons["once"], Qt.Key_Return)  # a focused button ignores Enter too…
    assert d.isVisible()
    qtbot.keyClick(d.buttons["once"], Qt.Key_Space)  # …and Space presses it
    assert d.decision == "once"


def test_huge_arguments_are_cut_for_the_eye(qtbot):
    d = ApprovalDialog(request(arguments={"content": "字" * 50_000}))
    qtbot.addWidget(d)
    assert len(d.arguments.toPlainText()) < 21_000
    assert "50,0" in d.arguments.toPlainText()  # the note says how long it was
