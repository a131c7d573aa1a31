"""The welcome panel's look: the drawn logo, the example cards and the style sheet."""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QLinearGradient, QPainter, QPainterPath, QPixmap
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout

from aigc_desktop.i18n import _


def logo(size: int = 56, device_ratio: float = 1.0) -> QPixmap:
    """The app's mark: a blue-violet rounded square with sparkles (drawn: the app ships no image files)."""
    import qtawesome as qta

    px = QPixmap(int(size * device_ratio), int(size * device_ratio))
    px.setDevicePixelRatio(device_ratio)
    px.fill(Qt.transparent)
    p = QPainter(px)
    p.setRenderHint(QPainter.Antialiasing)
    grad = QLinearGradient(0, 0, size, size)
    grad.setColorAt(0, QColor("#4f8cff"))
    grad.setColorAt(1, QColor("#8b5cf6"))
    path = QPainterPath()
    path.addRoundedRect(QRectF(0, 0, size, size), size * 0.26, size * 0.26)
    p.fillPath(path, grad)
    glyph = qta.icon("mdi6.creation", color="white").pixmap(QSize(int(size * 0.6), int(size * 0.6)), device_ratio)
    p.drawPixmap(int(size * 0.2), int(size * 0.2), glyph)
    p.end()
    return px


class ExampleCard(QFrame):
    """A clickable example prompt (a frame, so its text wraps; Enter or Space clicks it too).

    Signals: clicked(str prompt)"""

    clicked = Signal(str)

    def __init__(self, icon: str, caption: str, prompt: str, parent=None) -> None:
        super().__init__(parent)
        self.prompt, self.icon_name = prompt, icon
        self.setObjectName("welcomeExample")
        self.setAttribute(Qt.WA_Hover)
        self.setFocusPolicy(Qt.StrongFocus)
        self.setCursor(Qt.PointingHandCursor)
        self.setToolTip(prompt)
        self.icon = QLabel(self)
        self.caption = QLabel(_(caption), self)
        self.caption.setObjectName("welcomeMuted")
        self.caption.setWordWrap(True)
        self.text = QLabel(prompt, self)
        self.text.setWordWrap(True)
        self.text.setTextFormat(Qt.PlainText)
        top = QHBoxLayout()
        top.setSpacing(6)
        top.addWidget(self.icon)
        top.addWidget(self.caption, 1)
        col = QVBoxLayout(self)
        col.setContentsMargins(12, 8, 12, 10)
        col.setSpacing(4)
        col.addLayout(top)
        col.addWidget(self.text)
        col.addStretch(1)

    def set_icon_color(self, color: str) -> None:
        import qtawesome as qta

        self.icon.setPixmap(qta.icon(self.icon_name, color=color).pixmap(QSize(18, 18), self.devicePixelRatioF()))

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit(self.prompt)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event) -> None:
        if event.key() in (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Space):
            self.clicked.emit(self.prompt)
            return
        super().keyPressEvent(event)


def stylesheet(c: dict, note_bg: str, note_border: str) -> str:
    """The panel's style sheet for a palette (``LIGHT`` or ``DARK``) and the note's tone."""
    return f"""
        QFrame#welcomeCard {{ background: {c['card']}; border: 1px solid {c['border']}; border-radius: 14px; }}
        QFrame#welcomeCard QLabel {{ background: transparent; color: {c['text']}; }}
        QLabel#welcomeTitle {{ font-size: 18pt; font-weight: 600; }}
        QLabel#welcomeStrong {{ font-size: 12pt; font-weight: 600; }}
        QFrame#welcomeCard QLabel#welcomeMuted {{ color: {c['muted']}; }}
        QFrame#welcomeCard QLabel#welcomeCaption {{ color: {c['muted']}; font-size: 8pt; font-weight: 600;
            letter-spacing: 1px; }}
        QFrame#welcomeBox {{ background: {c['subtle']}; border: 1px solid {c['border']}; border-radius: 10px; }}
        QLabel#welcomeNote {{ background: {note_bg}; border: 1px solid {note_border}; border-radius: 8px;
            padding: 8px 10px; }}
        QPushButton {{ padding: 7px 14px; border-radius: 8px; border: 1px solid {c['border']};
            background: {c['subtle']}; color: {c['text']}; }}
        QPushButton:hover {{ border-color: {c['accent']}; }}
        QPushButton#welcomePrimary {{ background: {c['accent']}; color: white; border: 1px solid {c['accent']};
            font-weight: 600; }}
        QPushButton#welcomePrimary:hover {{ background: {c['accent_hover']}; }}
        QPushButton#welcomePrimary:disabled {{ background: {c['border']}; border-color: {c['border']};
            color: {c['muted']}; }}
        QFrame#welcomeExample {{ background: {c['card']}; border: 1px solid {c['border']}; border-radius: 10px; }}
        QFrame#welcomeExample:hover, QFrame#welcomeExample:focus {{ border-color: {c['accent']};
            background: {c['subtle']}; }}
        QProgressBar {{ background: {c['subtle']}; border: none; border-radius: 4px; }}
        QProgressBar::chunk {{ background: {c['accent']}; border-radius: 4px; }}
        """
