"""Light and dark palettes, following the system unless the person picks one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from aigc_desktop.render.html import DARK, LIGHT, Theme


def system_is_dark() -> bool:
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def resolve(choice: str) -> Theme:
    if choice == "dark":
        return DARK
    if choice == "light":
        return LIGHT
    return DARK if system_is_dark() else LIGHT


def apply(app: QApplication, theme: Theme) -> None:
    app.setStyle("Fusion")
    pal = QPalette()
    if theme.name == "dark":
        colors = {
            QPalette.Window: "#161b22", QPalette.WindowText: "#e6edf3", QPalette.Base: "#0d1117",
            QPalette.AlternateBase: "#161b22", QPalette.Text: "#e6edf3", QPalette.Button: "#21262d",
            QPalette.ButtonText: "#e6edf3", QPalette.Highlight: "#1f6feb", QPalette.HighlightedText: "#ffffff",
            QPalette.ToolTipBase: "#161b22", QPalette.ToolTipText: "#e6edf3", QPalette.PlaceholderText: "#8d96a0",
            QPalette.Link: "#4493f8",
        }
    else:
        colors = {
            QPalette.Window: "#f6f8fa", QPalette.WindowText: "#1f2328", QPalette.Base: "#ffffff",
            QPalette.AlternateBase: "#f6f8fa", QPalette.Text: "#1f2328", QPalette.Button: "#f6f8fa",
            QPalette.ButtonText: "#1f2328", QPalette.Highlight: "#0969da", QPalette.HighlightedText: "#ffffff",
            QPalette.ToolTipBase: "#ffffff", QPalette.ToolTipText: "#1f2328", QPalette.PlaceholderText: "#656d76",
            QPalette.Link: "#0969da",
        }
    for role, value in colors.items():
        pal.setColor(role, QColor(value))
    app.setPalette(pal)
    app.setStyleSheet(
        f"QFrame#message-user {{ background: {theme.code_background}; border: 1px solid {theme.border}; border-radius: 8px; }}"
        f"QFrame#message-assistant {{ background: {theme.background}; border: 1px solid {theme.border}; border-radius: 8px; }}"
        f"QFrame#message-user QTextBrowser {{ background: {theme.code_background}; }}"
        f"QFrame#message-assistant QTextBrowser {{ background: {theme.background}; }}"
    )
