"""The New document dialog: a title, a brief, and either N sections the model proposes
or an outline the person writes (one section title per line)."""

from __future__ import annotations

from PySide6.QtWidgets import (QButtonGroup, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit,
                               QPlainTextEdit, QRadioButton, QSpinBox, QVBoxLayout, QHBoxLayout, QWidget)

from aigc_desktop.i18n import _
from aigc_desktop.ui.kit import style
from aigc_desktop.writing.statuses import DEFAULT_SECTIONS


class NewDocumentDialog(QDialog):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("New document"))
        self.setMinimumWidth(520)
        self.title = QLineEdit(self)
        self.title.setObjectName("documentTitleEdit")
        self.title.setPlaceholderText(_("e.g. AIGC: from beginner to expert"))
        self.brief = QPlainTextEdit(self)
        self.brief.setPlaceholderText(_("Audience, style, length (optional), e.g. for beginners, plain "
                                        "language, about 2,000 characters"))
        self.brief.setFixedHeight(72)
        self.propose = QRadioButton(_("Let the model propose the outline"), self)
        self.own = QRadioButton(_("I'll write the outline myself"), self)
        self.propose.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.propose)
        group.addButton(self.own)
        self.count = QSpinBox(self)
        self.count.setRange(1, 30)
        self.count.setValue(DEFAULT_SECTIONS)
        self.count.setSuffix(" " + _("sections"))
        self.outline = QPlainTextEdit(self)
        self.outline.setObjectName("outlineText")
        self.outline.setPlaceholderText(_("One section title per line"))
        self.outline.setFixedHeight(120)
        self.hint = QLabel(_("You can rename, add, delete and reorder sections before drafting."), self)
        self.hint.setObjectName("composerHint")
        self.hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.button(QDialogButtonBox.Ok).setText(_("Create"))
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        self.error = QLabel("", self)
        self.error.setVisible(False)

        form = QFormLayout()
        form.setSpacing(style.SPACE["sm"])
        form.addRow(_("Title:"), self.title)
        form.addRow(_("Brief:"), self.brief)
        propose_row = QWidget(self)
        pr = QHBoxLayout(propose_row)
        pr.setContentsMargins(0, 0, 0, 0)
        pr.addWidget(self.propose)
        pr.addWidget(self.count)
        pr.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setSpacing(style.SPACE["sm"])
        lay.addLayout(form)
        lay.addWidget(propose_row)
        lay.addWidget(self.own)
        lay.addWidget(self.outline)
        lay.addWidget(self.hint)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.own.toggled.connect(self._mode_changed)
        self._mode_changed(False)

    def _mode_changed(self, own: bool) -> None:
        self.outline.setEnabled(own)
        self.count.setEnabled(not own)

    def titles(self) -> list[str] | None:
        """The person's outline, or None when the model is to propose one."""
        if not self.own.isChecked():
            return None
        return [line.strip() for line in self.outline.toPlainText().splitlines() if line.strip()]

    def _accept(self) -> None:
        if not self.title.text().strip():
            self._complain(_("The document needs a title."))
        elif self.titles() == []:
            self._complain(_("Write at least one section title, one per line."))
        else:
            self.accept()

    def _complain(self, text: str) -> None:
        self.error.setText(text)
        self.error.setVisible(True)
