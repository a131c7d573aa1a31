"""Models → Providers…: the OpenAI-compatible endpoints the app may chat through.

A list of the configured providers, a form to add one (a preset fills the
usual base URL), an API key field and Test connection. The key is handed to
:class:`SecretStore` and the field is cleared: the window never shows a key
again, and where it went is said when there is no system keychain.

Test connection asks ``GET /v1/models`` on a Python thread (``ui/kit/tasks.py``)
and shows one line. The model ids it returns are remembered in
``provider-models.json`` in the data folder (:func:`cached_models`), so the
toolbar's model list can name a provider's models without opening a
connection each time it is built.

Signals:
    providersChanged()   a provider was added, changed or removed, or its models were listed
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _, ngettext
from aigc_desktop.providers.config import PRESETS, Provider, ProviderStore, unencrypted_warning
from aigc_desktop.providers.model_cache import cached_models, list_provider_models, remember_models
from aigc_desktop.providers.secrets import SecretStore
from aigc_desktop.ui.kit import tasks

log = logging.getLogger(__name__)


class ProvidersDialog(QDialog):
    providersChanged = Signal()

    def __init__(self, window) -> None:
        super().__init__(window)
        self.win = window
        self.store = ProviderStore()
        self.secrets = SecretStore()
        self._test: tasks.Op | None = None
        self.setWindowTitle(_("Providers"))
        self.setObjectName("providersDialog")
        self.resize(620, 520)
        lay = QVBoxLayout(self)

        intro = QLabel(_("Chat through a model on an OpenAI-compatible server: llama.cpp server, vLLM, "
                         "Ollama, LM Studio, SGLang or a cloud service. Its models appear in the toolbar's "
                         "model list as provider/model."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        self.list = QListWidget()
        self.list.setObjectName("providerList")
        self.list.currentItemChanged.connect(self._selected)
        lay.addWidget(self.list, 1)

        row = QHBoxLayout()
        self.test_button = QPushButton(_("Test connection"))
        self.test_button.clicked.connect(self.test_connection)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.clicked.connect(self.remove_selected)
        row.addWidget(self.test_button)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        lay.addLayout(row)
        self.status = QLabel("")
        self.status.setObjectName("providerStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextSelectableByMouse)
        self.status.setTextFormat(Qt.PlainText)  # server messages are shown as they are, never as HTML
        lay.addWidget(self.status)

        heading = QLabel(_("Add a provider"))
        heading.setStyleSheet("font-weight: 600;")
        lay.addWidget(heading)
        form = QFormLayout()
        self.preset = QComboBox()
        for kind, preset in PRESETS.items():
            self.preset.addItem(_(preset.label), kind)
        self.preset.currentIndexChanged.connect(self._preset_chosen)
        self.name = QLineEdit()
        self.name.setPlaceholderText(_("e.g. workstation"))
        self.base_url = QLineEdit()
        self.base_url.setPlaceholderText("https://example.com/v1")
        self.base_url.textChanged.connect(self._url_typed)
        self.api_key = QLineEdit()
        self.api_key.setEchoMode(QLineEdit.Password)
        self.api_key.setPlaceholderText(_("optional; stored once, never shown again"))
        form.addRow(_("Kind:"), self.preset)
        form.addRow(_("Name:"), self.name)
        form.addRow(_("Base URL:"), self.base_url)
        form.addRow(_("API key:"), self.api_key)
        lay.addLayout(form)
        self.warning = QLabel("")
        self.warning.setObjectName("providerWarning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.PlainText)
        self.warning.setVisible(False)
        lay.addWidget(self.warning)
        self.key_note = QLabel("")
        self.key_note.setWordWrap(True)
        self.key_note.setTextFormat(Qt.PlainText)
        self.key_note.setVisible(not self.secrets.use_keychain)
        if not self.secrets.use_keychain:
            self.key_note.setText(_("Keys are kept in {where}.").format(where=self.secrets.where()))
        lay.addWidget(self.key_note)

        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.add_button = buttons.addButton(_("Add provider"), QDialogButtonBox.ActionRole)
        self.add_button.clicked.connect(self.add_from_form)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self._preset_chosen(self.preset.currentIndex())
        self.refresh()

    # -- the list ---------------------------------------------------------------------------
    def refresh(self, select: str | None = None) -> None:
        self.list.clear()
        try:
            providers = self.store.list()
        except UserError as exc:
            self.status.setText(str(exc))
            providers = []
        for p in providers:
            models = cached_models(p.key)
            line = _("{name} — {url} ({kind})").format(name=p.name, url=p.base_url, kind=_(p.preset.label))
            if models:
                line += "\n    " + ngettext("{n} model: {names}", "{n} models: {names}", len(models)).format(
                    n=len(models), names=", ".join(models[:4]))
            item = QListWidgetItem(line)
            item.setData(Qt.UserRole, p.name)
            self.list.addItem(item)
            if p.name == select:
                self.list.setCurrentItem(item)
        if self.list.currentItem() is None and self.list.count():
            self.list.setCurrentRow(0)
        self._selected(self.list.currentItem(), None)

    def selected(self) -> Provider | None:
        item = self.list.currentItem()
        return self.store.find(item.data(Qt.UserRole)) if item is not None else None

    @Slot(QListWidgetItem, QListWidgetItem)
    def _selected(self, item, _previous) -> None:
        has = item is not None
        self.test_button.setEnabled(has and self._test is None)
        self.remove_button.setEnabled(has)

    # -- the form ---------------------------------------------------------------------------
    @Slot(int)
    def _preset_chosen(self, index: int) -> None:
        preset = PRESETS[self.preset.itemData(index)]
        self.base_url.setText(preset.base_url)
        if not self.name.text().strip() or self.name.text() in PRESETS:
            self.name.setText(preset.kind if preset.kind != "custom" else "")

    @Slot(str)
    def _url_typed(self, url: str) -> None:
        try:
            text = unencrypted_warning(Provider(name=self.name.text().strip() or "?", base_url=url.strip()))
        except ValueError:
            text = None
        self.warning.setText(text or "")
        self.warning.setVisible(bool(text))

    @Slot()
    def add_from_form(self) -> Provider | None:
        kind = self.preset.currentData()
        try:
            provider = self.store.add(self.name.text(), self.base_url.text(), kind=kind)
            key = self.api_key.text()
            if key.strip():
                self.secrets.set(provider.key, key)
        except UserError as exc:
            self.status.setText(str(exc))
            return None
        finally:
            self.api_key.clear()  # the key is never shown again
        self._forget(provider.key)
        lines = [_("Added {name}. Test connection lists its models.").format(name=provider.name)]
        if key.strip():
            lines.append(_("The API key is kept in {where}.").format(where=self.secrets.where()))
        warning = unencrypted_warning(provider)
        if warning:
            lines.append(warning)
        self.status.setText("\n".join(lines))
        self.refresh(select=provider.name)
        self.providersChanged.emit()
        return provider

    # -- actions ----------------------------------------------------------------------------
    @Slot()
    def test_connection(self) -> None:
        provider = self.selected()
        if provider is None or self._test is not None:
            return
        self.status.setText(_("Asking {name} for its models…").format(name=provider.name))
        self.test_button.setEnabled(False)
        settings = self.win.rt.settings_store if getattr(self.win, "rt", None) else None
        self._test_name = provider.name
        self._test = (tasks.op(self, list_provider_models, provider, settings)
                      .success(self._tested).failure(self._test_failed).always(self._test_ended).run())

    def _tested(self, ids: list) -> None:
        name = self._test_name
        if ids:
            self.status.setText(ngettext("Connected to {name}: {n} model ({names}).",
                                         "Connected to {name}: {n} models ({names}).", len(ids)).format(
                name=name, n=len(ids), names=", ".join(ids[:6])))
        else:
            self.status.setText(_("Connected to {name}, but it offers no models.").format(name=name))
        self.refresh(select=name)
        self.providersChanged.emit()

    def _test_failed(self, message: str) -> None:
        self.status.setText(message)

    def _test_ended(self) -> None:
        self._test = None
        self._selected(self.list.currentItem(), None)

    @Slot()
    def remove_selected(self) -> None:
        provider = self.selected()
        if provider is None:
            return
        if not self.win.prompts.confirm(_("Remove provider"), _("Remove {name} and its stored key? Chats "
                                                               "that used it are kept.").format(name=provider.name)):
            return
        try:
            self.store.remove(provider.name)
            self.secrets.delete(provider.key)
        except UserError as exc:
            self.status.setText(str(exc))
            return
        remember_models(provider.key, None)
        self._forget(provider.key)
        self.status.setText(_("Removed {name}.").format(name=provider.name))
        self.refresh()
        self.providersChanged.emit()

    def _forget(self, key: str) -> None:
        router = getattr(getattr(self.win, "rt", None), "router", None)
        if router is not None:
            router.forget(key)
