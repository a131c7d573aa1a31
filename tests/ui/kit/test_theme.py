"""Themes: icons and the focus ring follow the palette."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from tests.ui.conftest import chat_with_two


def _icon_colour(button):
    image = button.icon().pixmap(16, 16).toImage()
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            if c.alpha() > 200:
                return c.name()
    return None


def test_icons_and_focus_ring_follow_the_theme(qtbot, make_window):
    """Switching to dark redraws the icons in the dark palette; both stylesheets draw a focus ring."""
    from aigc_desktop.ui.kit import style

    win = make_window(load_model=False)
    chat_with_two(win)
    win.set_theme("light")
    light = _icon_colour(win.chat.widgets[0].copy_btn)
    win.set_theme("dark")
    dark = _icon_colour(win.chat.widgets[0].copy_btn)
    assert light and dark and light != dark
    for p in (style.LIGHT, style.DARK):
        sheet = style.stylesheet(p)
        assert f"QPushButton:focus, QToolButton:focus {{ border: 2px solid {p.focus}; }}" in sheet
        assert "::item:focus" in sheet and "QLineEdit:focus" in sheet
    assert "Noto Sans CJK SC" in QApplication.font().families()
