"""A section version's thinking, under its text, folded: a reasoning model's chain of thought is kept
with the version (``stats["reasoning"]``) and never part of the section's text, so it shows here
read-only and collapsed until the person opens it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPlainTextEdit, QToolButton, QVBoxLayout, QWidget

from aigc_desktop.i18n import _


class SectionReasoning(QWidget):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.toggle = QToolButton(self)
        self.toggle.setObjectName("sectionReasoningToggle")
        self.toggle.setCheckable(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonTextBesideIcon)
        self.toggle.setArrowType(Qt.RightArrow)
        self.toggle.setAutoRaise(True)
        self.toggle.setToolTip(_("What the model thought before writing this version (not part of the text)"))
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("sectionReasoning")
        self.text.setReadOnly(True)
        self.text.setMaximumHeight(140)
        self.text.setVisible(False)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(2)
        lay.addWidget(self.toggle, 0, Qt.AlignLeft)
        lay.addWidget(self.text)
        self.toggle.toggled.connect(self._fold)
        self.show_text("")

    def show_text(self, reasoning: str) -> None:
        """The shown version's thinking (collapsed); none hides the whole fold."""
        reasoning = (reasoning or "").strip()
        self.text.setPlainText(reasoning)
        self.toggle.setText(_("Thinking ({n:,} characters)").format(n=len(reasoning)))
        self.toggle.setChecked(False)
        self.setVisible(bool(reasoning))

    def _fold(self, open_: bool) -> None:
        self.toggle.setArrowType(Qt.DownArrow if open_ else Qt.RightArrow)
        self.text.setVisible(open_)
