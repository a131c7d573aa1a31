"""The document's section prompt: see it, edit it, and see what section 1 would be sent.

The built-in prompt follows the blog post's techniques (the title and brief, 「请从N个方面…
突出重点，表达清晰」, the other sections named after 「不能涉及到」). A person may reword it
for one document; it is kept with the document (``prompt_template``, migration 0009)
and used for every section drafted from then on (each version keeps the exact prompt
it was drafted with). Variables are ``{name}`` fields (see ``writing/prompts.py``);
a template without ``{section}`` or with an unknown variable is refused with the reason.
The preview is the model's input, shown as plain text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout)

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.writing.prompts import SECTION_VARIABLES, check_section_template, default_section_template


class PromptDialog(QDialog):
    def __init__(self, parent, doc, preview) -> None:
        """``doc`` is the store's record; ``preview(template)`` gives section 1's prompt with it."""
        super().__init__(parent)
        self.setWindowTitle(_("Section prompt for {title}").format(title=doc.title))
        self.default = default_section_template(doc.title, doc.brief)
        self._preview_of = preview
        intro = QLabel(_("Every section is drafted with this prompt. Variables: {names}. "
                         "Drafted versions keep the prompt they were written with.")
                       .format(names=" ".join("{" + v + "}" for v in SECTION_VARIABLES)), self)
        intro.setWordWrap(True)
        self.edit = QPlainTextEdit(doc.prompt_template or self.default, self)
        self.edit.setObjectName("promptTemplate")
        self.edit.setMinimumHeight(140)
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("promptPreview")
        self.preview.setReadOnly(True)
        self.error = QLabel("", self)
        self.error.setObjectName("formError")
        self.error.setTextFormat(Qt.PlainText)
        self.error.setWordWrap(True)
        self.reset_btn = QPushButton(_("Reset to the built-in prompt"), self)
        self.reset_btn.clicked.connect(self.reset)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.addButton(self.reset_btn, QDialogButtonBox.ResetRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.ok_btn = buttons.button(QDialogButtonBox.Ok)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.edit, 2)
        lay.addWidget(QLabel(_("What section 1 would be sent:"), self))
        lay.addWidget(self.preview, 2)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self.edit.textChanged.connect(self._changed)
        self.resize(680, 520)
        self._changed()

    @Slot()
    def reset(self) -> None:
        self.edit.setPlainText(self.default)

    @Slot()
    def _changed(self) -> None:
        text = self.edit.toPlainText()
        try:
            check_section_template(text)
        except UserError as exc:
            self.error.setText(str(exc))
            self.ok_btn.setEnabled(False)
            self.preview.setPlainText("")
            return
        self.error.setText("")
        self.ok_btn.setEnabled(True)
        self.preview.setPlainText(self._preview_of(text))

    def template(self) -> str:
        """What to keep with the document: "" when it is the built-in prompt."""
        text = self.edit.toPlainText()
        return "" if text.strip() == self.default.strip() else text
