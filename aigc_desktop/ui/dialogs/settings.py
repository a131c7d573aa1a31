"""Per-conversation settings: system prompt, model, sampling, context length, presets,
and the app-wide thread count beside the context length and GPU layers under it.

GPU layers (Auto / CPU only / Custom N, the ``gpu_layers`` setting, ``llm/gpu.py``) apply
to every chat at the next model load. On a llama.cpp built without a GPU backend the
control is disabled with a note saying so, and where the README says how to get one.

Every sampling setting has a tooltip in plain words. A context length beyond what
the chosen model was trained on is marked and warned about: llama.cpp accepts it,
but answers past the trained length are usually poor.

Values are validated by :class:`SamplingParams` before the dialog closes; a bad
value gets a message and the dialog stays open with everything the person typed.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
)

from aigc_desktop.ui.kit import style
from aigc_desktop.chat.presets import display_name
from aigc_desktop.errors import UserError
from aigc_desktop.hub.splits import model_name
from aigc_desktop.i18n import N_, _
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.llm.thinking import REASONING_MAX_TOKENS, ref_thinks
from aigc_desktop.ui.engine.gpu_control import GpuLayersControl

CTX_CHOICES = (512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072)

TIPS = {
    "preset": N_("A preset fills in the system prompt and sampling settings below."),
    "system": N_("Instructions the model reads before every message in this chat, e.g. its role, "
                 "tone or language. Leave empty for none."),
    "n_ctx": N_("How much of the conversation the model can see at once, in tokens (about 1–2 Chinese "
                "characters or ¾ of an English word each). More needs more memory."),
    "n_threads": N_("CPU threads the model uses (all chats). Auto uses the cores other programs leave free, "
                    "up to one per physical core, and follows them while it writes. "
                    "Takes effect at the next model load."),
    "gpu_layers": N_("How many of the model's layers run on the graphics card (all chats). Auto puts them all "
                     "there when this build can; CPU only uses none. Takes effect at the next model load."),
    "temperature": N_("Randomness. Low (0.2) gives focused, repeatable answers; high (1.0+) gives more varied, "
                      "creative ones. 0 always picks the most likely word."),
    "top_p": N_("Considers only the most likely next words that together make up this share of the "
                "probability. 1 considers all; 0.9 drops the unlikely tail."),
    "top_k": N_("Considers only this many of the most likely next words. 0 turns the limit off."),
    "min_p": N_("Drops next words that are less than this fraction as likely as the best one. "
                "0.05 removes nonsense while keeping variety; 0 turns it off."),
    "repeat_penalty": N_("Discourages repeating the same words. 1 is off; 1.1 is a gentle push; too high "
                         "makes the text odd."),
    "max_tokens": N_("The longest a single reply may be, in tokens. A reply stops earlier when it is done. "
                     "Models that think before they answer (DeepSeek-R1, QwQ, Qwen3) get 4,096 by default, "
                     "because their thinking counts toward this limit."),
    "thinking": N_("For models that can think before they answer or not (Qwen3, SmolLM3): On thinks first "
                   "(better on hard questions, slower), Off answers at once. Models that always think "
                   "(DeepSeek-R1, QwQ) or never do are not changed by it."),
    "seed": N_("A number makes replies repeatable with the same settings; empty (or -1) is random each time."),
}


class ConversationSettingsDialog(QDialog):
    def __init__(self, parent, conv, models: list[Path], default_n_ctx: int, presets_api, *,
                 n_threads: int = 0, trained_ctx=None, default_preset: str = "", gpu_layers: str = "auto") -> None:
        """``trained_ctx(path or None)`` gives a model's trained context length (None if unknown);
        ``n_threads`` and ``gpu_layers`` are app-wide settings; ``default_preset`` the one new chats use."""
        super().__init__(parent)
        self._trained_ctx = trained_ctx or (lambda _path: None)
        self.default_preset = default_preset
        self.setWindowTitle(_("Conversation settings"))
        self.setMinimumWidth(520)
        self.presets_api = presets_api
        sampling = SamplingParams.from_dict(conv.sampling)
        self.preset = QComboBox()
        self.preset.setObjectName("presetCombo")
        self.save_preset_btn = QPushButton(_("Save as preset…"))
        self.delete_preset_btn = QPushButton(_("Delete preset"))
        self.delete_preset_btn.setEnabled(False)  # only for a saved (not built-in) preset
        self.system = QPlainTextEdit(conv.system_prompt or "")
        self.system.setPlaceholderText(_("System prompt (optional): how the assistant should behave"))
        self.system.setFixedHeight(90)
        self.model = QComboBox()
        self.model.addItem(_("Default model"), "")
        for path in models:
            self.model.addItem(model_name(path), str(path))  # a split set by the set's name
        if conv.model:
            idx = self.model.findData(conv.model)
            if idx < 0:
                self.model.addItem(model_name(conv.model), conv.model)
                idx = self.model.count() - 1
            self.model.setCurrentIndex(idx)
        self.temperature = self._dspin(0, 5, 0.05, sampling.temperature)
        self.top_p = self._dspin(0.01, 1, 0.01, sampling.top_p)
        self.top_k = QSpinBox()
        self.top_k.setRange(0, 1000)
        self.top_k.setValue(sampling.top_k)
        self.min_p = self._dspin(0, 0.99, 0.01, sampling.min_p)
        self.repeat_penalty = self._dspin(0.5, 2.5, 0.05, sampling.repeat_penalty)
        self.max_tokens = QSpinBox()
        self.max_tokens.setRange(1, 131072)
        # Not set in the chat: the model's default is shown (and stays unset while it is not changed).
        self._own_max_tokens = "max_tokens" in (conv.sampling or {})
        self.max_tokens.setValue(sampling.max_tokens if self._own_max_tokens else self._default_max_tokens(conv.model))
        self.thinking = QComboBox()
        self.thinking.setObjectName("thinkingCombo")
        for label, value in ((_("Model's default"), None), (_("On"), True), (_("Off"), False)):
            self.thinking.addItem(label, value)
        self._set_thinking(sampling.thinking)
        self.seed = QLineEdit("" if sampling.seed is None else str(sampling.seed))
        self.seed.setPlaceholderText(_("random"))
        self.n_ctx = QComboBox()
        for n in CTX_CHOICES:
            self.n_ctx.addItem(_("{n:,} tokens").format(n=n), n)
        current_ctx = int(conv.sampling.get("n_ctx") or default_n_ctx)
        idx = self.n_ctx.findData(current_ctx)
        if idx < 0:
            self.n_ctx.addItem(_("{n:,} tokens").format(n=current_ctx), current_ctx)
            idx = self.n_ctx.count() - 1
        self.n_ctx.setCurrentIndex(idx)
        self.n_threads = QSpinBox()
        self.n_threads.setRange(0, 256)
        self.n_threads.setSpecialValueText(_("auto"))
        self.n_threads.setValue(int(n_threads))
        self._build_gpu_control(gpu_layers)
        self.ctx_warning = QLabel("")
        self.ctx_warning.setObjectName("ctxWarning")
        self.ctx_warning.setWordWrap(True)
        self.ctx_warning.setStyleSheet(f"color: {style.current().warning};")
        self.ctx_warning.setVisible(False)
        self.default_preset_btn = QPushButton(_("Use for new chats"))
        self.default_preset_btn.setToolTip(_("New chats start with this preset's system prompt and settings."))
        self.default_preset_btn.setEnabled(False)
        self.error = QLabel("")
        self.error.setObjectName("settingsError")
        self.error.setStyleSheet(f"color: {style.current().error};")
        self.error.setWordWrap(True)

        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.preset, 1)
        row.addWidget(self.save_preset_btn)
        row.addWidget(self.delete_preset_btn)
        row.addWidget(self.default_preset_btn)
        form.addRow(_("Preset"), row)
        form.addRow(_("System prompt"), self.system)
        form.addRow(_("Model"), self.model)
        ctx_row = QHBoxLayout()
        ctx_row.addWidget(self.n_ctx, 1)
        ctx_row.addWidget(QLabel(_("Threads")))
        ctx_row.addWidget(self.n_threads)
        form.addRow(_("Context length"), ctx_row)
        form.addRow("", self.ctx_warning)
        form.addRow(_("GPU layers"), self.gpu)
        form.addRow(_("Temperature"), self.temperature)
        form.addRow("Top-p", self.top_p)
        form.addRow("Top-k", self.top_k)
        form.addRow("Min-p", self.min_p)
        form.addRow(_("Repeat penalty"), self.repeat_penalty)
        form.addRow(_("Max tokens"), self.max_tokens)
        form.addRow(_("Thinking"), self.thinking)
        form.addRow(_("Seed"), self.seed)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addLayout(form)
        lay.addWidget(self.error)
        lay.addWidget(buttons)
        self._fill_presets()
        self.preset.activated.connect(self._apply_preset)
        self.save_preset_btn.clicked.connect(self._save_preset)
        self.delete_preset_btn.clicked.connect(self._delete_preset)
        self.preset.currentIndexChanged.connect(self._update_delete_button)
        self.default_preset_btn.clicked.connect(self._make_default_preset)
        self.model.currentIndexChanged.connect(self._update_ctx_choices)
        self.model.currentIndexChanged.connect(self._update_max_tokens_default)
        self.max_tokens.valueChanged.connect(self._max_tokens_edited)
        self.n_ctx.currentIndexChanged.connect(self._update_ctx_warning)
        for name, widget in (("preset", self.preset), ("system", self.system), ("n_ctx", self.n_ctx),
                             ("n_threads", self.n_threads), ("gpu_layers", self.gpu_mode),
                             ("temperature", self.temperature),
                             ("top_p", self.top_p), ("top_k", self.top_k), ("min_p", self.min_p),
                             ("repeat_penalty", self.repeat_penalty), ("max_tokens", self.max_tokens),
                             ("seed", self.seed), ("thinking", self.thinking)):
            widget.setToolTip(_(TIPS[name]))
            label = form.labelForField(widget) or form.labelForField(widget.parentWidget())
            if label is not None:
                label.setToolTip(_(TIPS[name]))
        self._update_ctx_choices()
        self.result_values: dict | None = None
        self.app_values: dict = {}

    # -- GPU layers (app-wide) -------------------------------------------------------------
    def _build_gpu_control(self, value: str) -> None:
        self.gpu = GpuLayersControl(value)  # ui/engine/gpu_control.py, shared with the Models window
        self.gpu_mode, self.gpu_custom, self.gpu_note = self.gpu.mode, self.gpu.custom, self.gpu.note
        self.gpu_supported = self.gpu.supported

    def gpu_layers(self) -> str:
        """The chosen value in the setting's form: "auto", "0" or "N"."""
        return self.gpu.value()

    @staticmethod
    def _dspin(lo: float, hi: float, step: float, value: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox()
        box.setRange(lo, hi)
        box.setSingleStep(step)
        box.setDecimals(2)
        box.setValue(value)
        return box

    def _fill_presets(self) -> None:
        self.preset.clear()
        self.preset.addItem(_("Choose a preset…"), None)
        if self.presets_api is None:
            return
        for p in self.presets_api.list_presets():
            shown = display_name(p.name)
            label = _("{name} (new chats)").format(name=shown) if p.name == self.default_preset else shown
            self.preset.addItem(label, p.name)

    def apply_preset(self, name: str) -> None:
        p = self.presets_api.get_preset(name)
        self.system.setPlainText(p.system_prompt or "")
        s = SamplingParams.from_dict(p.sampling)
        self.temperature.setValue(s.temperature)
        self.top_p.setValue(s.top_p)
        self.top_k.setValue(s.top_k)
        self.min_p.setValue(s.min_p)
        self.repeat_penalty.setValue(s.repeat_penalty)
        self.max_tokens.setValue(s.max_tokens)
        self._own_max_tokens = True
        self.seed.setText("" if s.seed is None else str(s.seed))
        self._set_thinking(s.thinking)

    def _apply_preset(self, index: int) -> None:
        name = self.preset.itemData(index)
        if name:
            self.apply_preset(name)

    def _user_preset(self, name: str | None) -> bool:
        if not name or self.presets_api is None:
            return False
        return any(p.name == name and not p.builtin for p in self.presets_api.list_presets())

    def _update_delete_button(self, _index: int = 0) -> None:
        name = self.preset.currentData()
        self.delete_preset_btn.setEnabled(self._user_preset(name))
        self.default_preset_btn.setEnabled(bool(name) and name != self.default_preset)

    def _make_default_preset(self) -> None:
        name = self.preset.currentData()
        if name:
            self.default_preset = name
            self.app_values["default_preset"] = name
            self._fill_presets()
            self.preset.setCurrentIndex(self.preset.findData(name))

    # -- context length against what the model was trained on ----------------------------
    def trained_context(self) -> int | None:
        return self._trained_ctx(self.model.currentData() or None)

    def _update_ctx_choices(self, _index: int = 0) -> None:
        trained = self.trained_context()
        for i in range(self.n_ctx.count()):
            n = self.n_ctx.itemData(i)
            beyond = bool(trained and n > trained)
            text = _("{n:,} tokens (beyond what the model was trained on)") if beyond else _("{n:,} tokens")
            self.n_ctx.setItemText(i, text.format(n=n))
        self._update_ctx_warning()

    def _update_ctx_warning(self, _index: int = 0) -> None:
        trained, n = self.trained_context(), self.n_ctx.currentData()
        beyond = bool(trained and n and n > trained)
        self.ctx_warning.setText(
            _("This model was trained on {trained:,} tokens of context. Longer contexts load, but answers past "
              "that length are usually poor; {trained:,} or less is recommended.").format(trained=trained)
            if beyond else "")
        self.ctx_warning.setVisible(beyond)

    def _delete_preset(self) -> None:
        name = self.preset.currentData()
        if self._user_preset(name) and QMessageBox.question(
                self, _("Delete preset"), _("Delete the preset “{name}”?").format(name=name)) == QMessageBox.Yes:
            self.delete_preset(name)

    def delete_preset(self, name: str) -> bool:
        try:
            self.presets_api.delete_preset(name)
        except UserError as exc:
            self.error.setText(str(exc))
            return False
        self.error.setText("")
        self._fill_presets()
        return True

    def _save_preset(self) -> None:
        name, ok = QInputDialog.getText(self, _("Save preset"), _("Preset name:"))
        if ok and name.strip():
            self.save_as_preset(name.strip())

    def save_as_preset(self, name: str) -> bool:
        try:
            sampling = self.sampling()
            self.presets_api.save_preset(
                self.presets_api.Preset(name=name, system_prompt=self.system.toPlainText(), sampling=sampling.to_dict())
            )
        except UserError as exc:
            self.error.setText(str(exc))
            return False
        self.error.setText("")
        self._fill_presets()
        self.preset.setCurrentIndex(self.preset.findData(name))
        return True

    def sampling(self) -> SamplingParams:
        seed_text = self.seed.text().strip()
        if seed_text and not re.fullmatch(r"-?[0-9]+", seed_text):
            raise UserError(_("Seed must be a whole number, or empty (or -1) for a random seed."))
        return SamplingParams.from_dict({
            "temperature": self.temperature.value(),
            "top_p": self.top_p.value(),
            "top_k": self.top_k.value(),
            "min_p": self.min_p.value(),
            "repeat_penalty": self.repeat_penalty.value(),
            "max_tokens": self.max_tokens.value(),
            "seed": seed_text or None,
            "thinking": self.thinking.currentData(),
        })

    # -- thinking and the max tokens it needs ---------------------------------------------
    def _set_thinking(self, value: bool | None) -> None:
        self.thinking.setCurrentIndex(max(0, [None, True, False].index(value)))

    @staticmethod
    def _default_max_tokens(model: str | None) -> int:
        """A reply's default max tokens for ``model``: larger for a model that thinks (llm/thinking.py)."""
        plain = SamplingParams().max_tokens
        return max(plain, REASONING_MAX_TOKENS) if model and ref_thinks(model) else plain

    def _update_max_tokens_default(self, _index: int = 0) -> None:
        if not self._own_max_tokens:
            self.max_tokens.setValue(self._default_max_tokens(self.model.currentData() or None))

    def _max_tokens_edited(self, value: int) -> None:
        self._own_max_tokens = value != self._default_max_tokens(self.model.currentData() or None)

    def values(self) -> dict:
        """The conversation fields to store; raises UserError for invalid input."""
        sampling = self.sampling().to_dict()
        if not self._own_max_tokens and sampling["max_tokens"] == self._default_max_tokens(
                self.model.currentData() or None):
            del sampling["max_tokens"]  # left as the model's default: a later model's default applies
        sampling["n_ctx"] = int(self.n_ctx.currentData())
        return {
            "system_prompt": self.system.toPlainText().strip() or None,
            "model": self.model.currentData() or None,
            "sampling": sampling,
        }

    def accept(self) -> None:
        try:
            self.result_values = self.values()
            self.app_values["n_threads"] = int(self.n_threads.value())
            if self.gpu_supported:  # a disabled control leaves the stored value as it was
                self.app_values["gpu_layers"] = self.gpu_layers()
        except UserError as exc:
            self.error.setText(str(exc))
            return
        super().accept()
