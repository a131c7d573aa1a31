"""GPU layers for one model (the Models window's Installed tab → GPU layers…).

A model's own value (``Settings.model_gpu_layers``, keyed by its absolute path)
wins over the app-wide one in Conversation settings at its next load; "As in
Conversation settings" removes it. Written only through the settings store.
"""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QVBoxLayout

from aigc_desktop.i18n import _
from aigc_desktop.settings import model_key
from aigc_desktop.ui.engine.gpu_control import GpuLayersControl


class ModelGpuDialog(QDialog):
    def __init__(self, parent, name: str, value: str | None, app_value: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("GPU layers for {name}").format(name=name))
        intro = QLabel(_("How many of {name}'s layers run on the graphics card. It applies at the model's next load; "
                         "Conversation settings hold the value for every other model ({value}).")
                       .format(name=name, value=app_value), self)
        intro.setWordWrap(True)
        self.control = GpuLayersControl(value, inherit_label=_("As in Conversation settings"), parent=self)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(intro)
        lay.addWidget(self.control)
        lay.addWidget(buttons)
        self.resize(460, self.sizeHint().height())


def save_model_gpu_layers(settings_store, path: str, value: str | None) -> None:
    """Set (or, with None, remove) the model's own GPU layers value."""
    current = dict(settings_store.current().model_gpu_layers)
    key = model_key(path)
    if value is None:
        current.pop(key, None)
    else:
        current[key] = value
    settings_store.update(model_gpu_layers=current)
