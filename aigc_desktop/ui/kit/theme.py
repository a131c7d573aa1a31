"""Light and dark themes, following the system unless the person picks one.

The colours, fonts and stylesheet come from :mod:`aigc_desktop.ui.kit.style`; this
module only decides which theme applies and installs it on the application.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from aigc_desktop.render.palette import Theme
from aigc_desktop.render.palette import palette_for
from aigc_desktop.ui.kit import style


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def resolve(choice: str) -> Theme:
    """The rendered-Markdown colours of the chosen theme ("system" follows the desktop)."""
    if choice not in ("dark", "light"):
        choice = "dark" if system_is_dark() else "light"
    return palette_for(choice).message


def qpalette(p: style.Palette) -> QPalette:
    pal = QPalette()
    colors = {
        QPalette.Window: p.window, QPalette.WindowText: p.text, QPalette.Base: p.surface,
        QPalette.AlternateBase: p.sidebar, QPalette.Text: p.text, QPalette.Button: p.surface,
        QPalette.ButtonText: p.text, QPalette.Highlight: p.accent, QPalette.HighlightedText: p.accent_text,
        QPalette.ToolTipBase: p.surface, QPalette.ToolTipText: p.text, QPalette.PlaceholderText: p.muted,
        QPalette.Link: p.accent, QPalette.Mid: p.border, QPalette.Midlight: p.hover,
    }
    for role, value in colors.items():
        pal.setColor(role, QColor(value))
    pal.setColor(QPalette.Disabled, QPalette.Text, QColor(p.muted))
    pal.setColor(QPalette.Disabled, QPalette.ButtonText, QColor(p.muted))
    pal.setColor(QPalette.Disabled, QPalette.WindowText, QColor(p.muted))
    return pal


def install_font(app: QApplication) -> None:
    """The design's font for every widget. Called before the window builds its widgets: a font set
    on the application after they were polished by the stylesheet reached them only at the next
    style change, so the menu bar (and every plain label) grew at the first theme switch."""
    if app.font() != style.ui_font():
        app.setFont(style.ui_font())


def apply(app: QApplication, theme: Theme) -> None:
    p = style.palette_for(theme.name)
    install_font(app)
    app.setStyle("Fusion")
    app.setPalette(qpalette(p))
    app.setStyleSheet(style.stylesheet(p))
    style.set_palette(p)
