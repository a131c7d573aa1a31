"""The window's font chain puts a Latin family before the Chinese ones, so Latin punctuation
(’ in "I’ll") is narrow in the studio's editor, as it is in the chat."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFontDatabase, QTextLayout

from aigc_desktop.ui.kit import style


def _runs(font, text: str) -> list[tuple[str, str, list[float]]]:
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    return [(run.rawFont().familyName(), run.glyphIndexes(), [p.x() for p in run.positions()])
            for run in layout.glyphRuns()]


def _advance(font, text: str, index: int) -> float:
    """The x distance from ``text[index]`` to the next character, from Qt's own layout."""
    positions = sorted(x for _family, _glyphs, xs in _runs(font, text) for x in xs)
    return positions[index + 1] - positions[index]


def test_apostrophe_in_the_studio_editor_is_latin(qtbot, make_window):
    if not any(f in QFontDatabase.families() for f in style.LATIN_FONTS):
        pytest.skip("no Latin family of the chain is installed")
    win = make_window(load_model=False)
    editor = win.studio.section.editor
    font = editor.font()
    text = "I’ll 他说"
    assert font.families()[0] in style.LATIN_FONTS
    assert _advance(font, text, 1) < 0.5 * _advance(font, text, 5)  # ’ against 他
