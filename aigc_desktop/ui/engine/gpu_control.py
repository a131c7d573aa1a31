"""The GPU layers control: Auto / CPU only (0) / Custom N, with the CPU-build note.

One widget for both places that set it: Conversation settings (the app-wide
``gpu_layers``) and the Models window's per-model value (``model_gpu_layers``),
where a first choice, "As in Conversation settings", removes the model's own
value. On a llama.cpp built without a GPU backend
(``llm.gpu.gpu_offload_supported()`` is false) the choices are disabled and the
note says why and where the README explains GPU builds; the stored value is
still shown, greyed out.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from aigc_desktop.i18n import _, sentences
from aigc_desktop.llm import gpu

INHERIT = "inherit"


def offload_supported() -> bool:
    try:
        return bool(gpu.gpu_offload_supported())
    except Exception:  # a llama.cpp library that cannot be read offloads nothing either
        return False


class GpuLayersControl(QWidget):
    def __init__(self, value: str | None, *, inherit_label: str | None = None, parent=None) -> None:
        super().__init__(parent)
        self.supported = offload_supported()
        self.mode = QComboBox(self)
        self.mode.setObjectName("gpuLayersMode")
        if inherit_label:
            self.mode.addItem(inherit_label, INHERIT)
        self.mode.addItem(_("Auto (every layer on the GPU)"), gpu.AUTO)
        self.mode.addItem(_("CPU only (0)"), "0")
        self.mode.addItem(_("Custom number of layers"), "custom")
        self.custom = QSpinBox(self)
        self.custom.setObjectName("gpuLayersCustom")
        self.custom.setRange(1, 999)
        self.custom.setSuffix(_(" layers"))
        self.note = QLabel(sentences(_(gpu.CPU_ONLY_NOTE), _(gpu.GPU_HELP_POINTER)), self)
        self.note.setObjectName("gpuNote")
        self.note.setTextFormat(Qt.PlainText)
        self.note.setWordWrap(True)
        self.note.setVisible(not self.supported)
        self.set_value(value)
        self.mode.setEnabled(self.supported)
        self.mode.currentIndexChanged.connect(self._update_custom)
        self._update_custom()
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.mode, 1)
        row.addWidget(self.custom)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(row)
        lay.addWidget(self.note)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        """The note's height follows its width. Qt's form and dialog layouts sized it for the
        width its size hint guessed, so in Chinese its last line was cut off ("…支持 GPU 的版");
        a minimum height for the width it got makes the dialog grow to show it whole."""
        super().resizeEvent(event)
        if self.note.isVisibleTo(self):
            needed = self.note.heightForWidth(self.note.width())
            if needed > 0 and needed != self.note.minimumHeight():
                self.note.setMinimumHeight(needed)

    def set_value(self, value: str | None) -> None:
        """Show ``value`` ("auto", "0", "N"; None for "as in Conversation settings" when offered)."""
        if value is None and self.mode.findData(INHERIT) >= 0:
            self.mode.setCurrentIndex(self.mode.findData(INHERIT))
            return
        try:
            setting = gpu.parse_gpu_layers(value if value is not None else gpu.AUTO)
        except ValueError:
            setting = gpu.AUTO
        if setting == gpu.AUTO:
            self.mode.setCurrentIndex(self.mode.findData(gpu.AUTO))
        elif setting == 0:
            self.mode.setCurrentIndex(self.mode.findData("0"))
        else:
            self.mode.setCurrentIndex(self.mode.findData("custom"))
            self.custom.setValue(setting)

    def _update_custom(self, _index: int = 0) -> None:
        self.custom.setEnabled(self.supported and self.mode.currentData() == "custom")

    def value(self) -> str | None:
        """The choice in the setting's form: "auto", "0" or "N"; None for "as in Conversation settings"."""
        mode = self.mode.currentData()
        if mode == INHERIT:
            return None
        return str(self.custom.value()) if mode == "custom" else mode
