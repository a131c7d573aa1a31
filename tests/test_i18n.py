"""Translations: every marked string has Chinese; the language follows env, setting, system."""

from __future__ import annotations

import pytest

from aigc_desktop import i18n


@pytest.fixture(autouse=True)
def back_to_english():
    yield
    i18n.install("en")


def test_every_marked_string_has_a_chinese_translation():
    """Extraction over the package finds no string missing from (or fuzzy in) the zh_CN catalog."""
    from aigc_desktop.i18n_catalog import missing

    gaps = missing("zh_CN")
    assert gaps == [], f"{len(gaps)} strings have no zh_CN translation, e.g. {gaps[:5]}"


def test_language_comes_from_env_then_setting_then_system(monkeypatch):
    """AIGC_DESKTOP_LANG wins over the saved setting; "system" follows the locale."""
    monkeypatch.setenv("AIGC_DESKTOP_LANG", "zh_CN")
    assert i18n.resolve_language("en") == "zh_CN"
    monkeypatch.delenv("AIGC_DESKTOP_LANG")
    assert i18n.resolve_language("en") == "en"
    monkeypatch.setenv("LANGUAGE", "zh_CN:zh")
    assert i18n.resolve_language("system") == "zh_CN"
    monkeypatch.setenv("LANGUAGE", "en_US")
    assert i18n.resolve_language("system") == "en"


def test_a_core_error_reads_chinese_under_zh_cn(store):
    """A UserError raised by the core (an empty message) is Chinese once zh_CN is installed."""
    from aigc_desktop.chat.service import ChatService
    from aigc_desktop.errors import UserError

    i18n.install("zh_CN")
    service = ChatService(store, engine=None)
    conv = service.new_conversation()
    with pytest.raises(UserError) as err:
        service.send(conv.id, "   ")
    assert "消息" in str(err.value) and not any("a" <= c <= "z" for c in str(err.value))


def test_the_cli_follows_the_language(capsys, monkeypatch):
    """The CLI's messages are Chinese with AIGC_DESKTOP_LANG=zh_CN."""
    from aigc_desktop.cli import main

    monkeypatch.setenv("AIGC_DESKTOP_LANG", "zh_CN")
    assert main(["chat", "  "]) == 1
    err = capsys.readouterr().err
    assert "消息" in err


def test_the_chinese_catalog_says_token_one_way():
    """Every zh_CN text calls a token 词元: no translation says "token" (outside a {placeholder})."""
    import re

    from aigc_desktop.i18n_catalog import read

    mixed = []
    for message in read("zh_CN"):
        texts = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in texts:
            if text and "token" in re.sub(r"\{[^{}]*\}", "", text).lower():
                mixed.append(text)
    assert mixed == [], f"{len(mixed)} translations say token instead of 词元, e.g. {mixed[:3]}"
    assert "词元" in i18n.load_catalog("zh_CN").gettext("{tps:.1f} tokens/s")
