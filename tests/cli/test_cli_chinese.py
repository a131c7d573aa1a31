"""The CLI in Chinese: listings, errors and help follow AIGC_DESKTOP_LANG; --json does not."""

from __future__ import annotations

import json

import pytest

from aigc_desktop import i18n
from aigc_desktop.cli import main


@pytest.fixture(autouse=True)
def chinese(monkeypatch):
    monkeypatch.setenv("AIGC_DESKTOP_LANG", "zh_CN")
    yield
    i18n.install("en")


def test_models_list_is_chinese(capsys, starter_model):
    """`models list` marks the starter model in Chinese."""
    assert main(["models", "list"]) == 0
    out = capsys.readouterr().out
    assert "（入门模型）" in out and "(starter)" not in out


def test_an_error_is_one_chinese_line(capsys):
    """A missing conversation is refused with 错误： and the core's Chinese message, exit 1."""
    assert main(["show", "999"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == "错误：找不到 ID 为 999 的对话。"


def test_help_is_chinese_but_commands_are_not(capsys):
    """--help describes commands in Chinese; the command and flag names stay as they are."""
    with pytest.raises(SystemExit):
        main(["models", "--help"])
    out = capsys.readouterr().out
    assert "列出已安装的模型及其元数据" in out and "download" in out


def test_json_output_keeps_its_keys(capsys, starter_model):
    """The machine-readable listing is the same in every language."""
    assert main(["models", "list", "--json"]) == 0
    entry = json.loads(capsys.readouterr().out)[0]
    assert {"name", "path", "size", "starter", "default"} <= set(entry) and entry["starter"] is True
