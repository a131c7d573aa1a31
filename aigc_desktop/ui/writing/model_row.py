"""The document's own model and thinking switch, at the top of the studio: which model writes this
document (a local one or a provider's ``provider/model``) and whether a hybrid model (Qwen3) thinks
before each section (off by default: faster). Widgets only; ``document_options.py`` keeps the choices.

Signals of DocumentModelRow:
    modelChosen(str ref)       the person picked another model for the document
    thinkingToggled(bool on)   the thinking switch changed
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QSizePolicy, QWidget

from aigc_desktop.i18n import _
from aigc_desktop.ui.kit.elide import ElidedComboBox

MIN_CHARS = 14  # the narrowest the model box gets (its name elided in the middle)
MAX_WIDTH = 320  # the widest, in pixels, for a long server model id


class DocumentModelRow(QWidget):
    modelChosen = Signal(str)
    thinkingToggled = Signal(bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        # Its face elides a long name in the middle, the whole one in the tooltip (a plain combo box
        # cut "SmolLM2-135M-Instruct.Q4_K_M" off with no "…"); it is as wide as its longest name
        # up to MAX_WIDTH, and gives way down to MIN_CHARS characters when the title row is tight.
        self.model = ElidedComboBox(_("The model that writes this document: a local model, or a server's"), self)
        self.model.setObjectName("documentModel")
        self.model.setSizeAdjustPolicy(QComboBox.AdjustToContents)
        self.model.setMinimumWidth(self.fontMetrics().averageCharWidth() * MIN_CHARS + 40)
        self.model.setMaximumWidth(MAX_WIDTH)
        self.model.setSizePolicy(QSizePolicy.Preferred, QSizePolicy.Fixed)
        self.model.setAccessibleName(_("Document model"))
        self.thinking = QCheckBox(_("Think first"), self)
        self.thinking.setObjectName("documentThinking")
        self.thinking.setToolTip(_("For models that can think before they answer (Qwen3, SmolLM3): think before "
                                   "writing each section. Off is faster; the thinking never goes into the text."))
        lay = QHBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.model)
        lay.addWidget(self.thinking)
        self.model.activated.connect(lambda i: self.modelChosen.emit(self.model.itemData(i) or ""))
        self.thinking.toggled.connect(self.thinkingToggled)

    def show_choices(self, choices: list[tuple[str, str]], current: str | None, thinking: bool) -> None:
        """``choices``: (label, model reference); ``current`` is selected (added when missing)."""
        combo = self.model
        combo.blockSignals(True)  # showing is not a choice to store
        combo.clear()
        for label, ref in choices:
            combo.addItem(label, ref)
        if current and combo.findData(current) < 0:
            combo.addItem(current, current)
        if not choices and not current:
            combo.addItem(_("No model"), "")
        combo.setCurrentIndex(max(combo.findData(current), 0) if current else 0)
        combo.blockSignals(False)
        self.thinking.blockSignals(True)
        self.thinking.setChecked(bool(thinking))
        self.thinking.blockSignals(False)

    def current(self) -> str:
        return self.model.currentData() or ""
