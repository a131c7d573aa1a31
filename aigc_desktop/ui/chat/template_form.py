"""The small form that fills a template's variables, one field per variable.

``{text}`` is a multi-line box (a passage to polish or translate), ``{n}`` a
spin box starting at 3 (the post's 「从三个方面」), ``{exclude}`` a line whose
hint says to separate the items with 、; any other variable is a line. The
preview below shows the prompt as it will land in the composer, and OK is
enabled only when every field has a value. The filled text goes into the
composer, not to the model: the person reads it and sends it.

The caller opens the form with ``open()`` (not ``exec()``), so a test can fill
the real fields and press OK; the form emits ``filled(str)`` on OK.

Signals of TemplateForm:
    filled(str text)
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QPlainTextEdit,
                               QSpinBox, QVBoxLayout, QWidget)

from aigc_desktop.i18n import N_, _
from aigc_desktop.writing.templates import VARIABLE_LABELS, Template

EXCLUDE_HINT = N_("Separate the items with 、, e.g. 技术实现、优势和不足")
TEXT_HINT = N_("Paste or type the text here")
MAX_N = 50


class TemplateForm(QDialog):
    filled = Signal(str)

    def __init__(self, template: Template, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.template = template
        self.setObjectName("templateForm")
        self.setWindowTitle(template.name)
        self.fields: dict[str, QWidget] = {}
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.ExpandingFieldsGrow)
        defaults = template.defaults
        for name in template.variables:
            widget = self._field(name, defaults.get(name))
            widget.setObjectName(f"field_{name}")
            label = _(VARIABLE_LABELS[name]) if name in VARIABLE_LABELS else name
            widget.setAccessibleName(label)
            form.addRow(label, widget)
            self.fields[name] = widget
        self.preview = QPlainTextEdit(self)
        self.preview.setObjectName("templatePreview")
        self.preview.setReadOnly(True)
        self.preview.setFocusPolicy(Qt.NoFocus)
        self.preview.setMaximumHeight(110)
        self.preview.setAccessibleName(_("Preview"))
        self.buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        self.buttons.button(QDialogButtonBox.Ok).setText(_("Put in the message box"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel(_("Preview"), self))
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        self.resize(520, self.sizeHint().height())
        self._changed()
        if self.fields:
            next(iter(self.fields.values())).setFocus()

    def _field(self, name: str, default) -> QWidget:
        if name == "text":
            w = QPlainTextEdit(self)
            w.setPlaceholderText(_(TEXT_HINT))
            w.setTabChangesFocus(True)
            w.setMinimumHeight(96)
            w.setPlainText(str(default or ""))
            w.textChanged.connect(self._changed)
        elif name == "n":
            w = QSpinBox(self)
            w.setRange(1, MAX_N)
            w.setValue(int(default or 3))
            w.valueChanged.connect(self._changed)
        else:
            w = QLineEdit(self)
            if name == "exclude":
                w.setPlaceholderText(_(EXCLUDE_HINT))
            w.setText(str(default or ""))
            w.textChanged.connect(self._changed)
        return w

    def values(self) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, w in self.fields.items():
            if isinstance(w, QSpinBox):
                out[name] = w.value()
            elif isinstance(w, QPlainTextEdit):
                out[name] = w.toPlainText()
            else:
                out[name] = w.text()
        return out

    def complete(self) -> bool:
        return all(str(v).strip() for v in self.values().values())

    def text(self) -> str:
        """The template filled with the fields (blank ones show as their {name} in the preview)."""
        values = {k: v for k, v in self.values().items() if str(v).strip()}
        values.update({k: "{" + k + "}" for k in self.fields if k not in values})
        return self.template.fill(values)

    def _changed(self, *_args) -> None:
        self.preview.setPlainText(self.text())
        self.buttons.button(QDialogButtonBox.Ok).setEnabled(self.complete())

    def accept(self) -> None:
        if not self.complete():
            return
        text = self.template.fill(self.values())
        super().accept()
        self.filled.emit(text)
