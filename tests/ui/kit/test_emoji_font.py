"""Emoji in the window with no emoji font on the machine: the bundled monochrome Noto Emoji (the one the
PDF export embeds) is registered after the window shows and ends the application font's families."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontDatabase, QFontMetrics

from aigc_desktop.ui.kit import emoji_font, style


@pytest.fixture
def registered(qapp):
    family = emoji_font.register(qapp, force=True)  # force: this machine may have an emoji font
    yield family
    emoji_font.unregister(qapp)


def test_the_emoji_font_is_registered_and_a_fallback_of_the_app_font(qapp, registered):
    assert registered == "Noto Emoji"
    assert registered in QFontDatabase.families()
    assert qapp.font().families()[-1] == registered and style.ui_font().families()[-1] == registered
    assert emoji_font.register(qapp) == registered  # once
    assert QFontMetrics(qapp.font()).inFontUcs4(0x1F680) and QFontMetrics(qapp.font()).inFontUcs4(0x1F44D)


def test_a_theme_change_keeps_it(qapp, registered):
    from aigc_desktop.ui.kit.theme import install_font

    install_font(qapp)
    assert registered in qapp.font().families()


def test_unregistered_it_is_gone(qapp):
    emoji_font.register(qapp, force=True)
    emoji_font.unregister(qapp)
    assert "Noto Emoji" not in qapp.font().families() and "Noto Emoji" not in style.ui_font().families()


def test_a_message_with_emoji_draws_glyphs(qtbot, registered):
    """🚀👍 in a label: every character has a glyph in the font chain (none would be drawn as □)."""
    from PySide6.QtGui import QTextLayout

    layout = QTextLayout("发射 🚀👍", style.ui_font())
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    fonts = {run.rawFont().familyName() for run in layout.glyphRuns()}
    assert "Noto Emoji" in fonts
    assert all(0 not in run.glyphIndexes() for run in layout.glyphRuns())
