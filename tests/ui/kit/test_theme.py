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


def test_a_theme_switch_keeps_the_menu_font_and_the_model_box_width(qtbot, make_window):
    """The menu bar's font and the toolbar's model box are the same before and after switching themes,
    also with a long remote model id in the list (it used to stretch the box to ~750 px)."""
    win = make_window(load_model=False)
    long_id = "my-provider/Qwen/Qwen3-30B-A3B-Instruct-2507-GGUF:Q4_K_M"
    win.model_combo.addItem(long_id, long_id)
    win.model_combo.setCurrentIndex(win.model_combo.count() - 1)

    def looks():
        QApplication.processEvents()
        bar = win.menuBar()
        return (bar.font().pixelSize(), bar.font().pointSizeF(), bar.height(),
                win.menuBar().fontMetrics().height(), win.model_combo.width(), win.model_combo.sizeHint().width())

    before = looks()
    win.set_theme("dark")
    after_dark = looks()
    win.set_theme("light")
    assert before == after_dark == looks()
    assert win.model_combo.width() <= 300
    assert long_id in win.model_combo.full_tip()
