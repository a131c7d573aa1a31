"""The Settings tab of the Models window: the Hub address and the offline switch.

Both are saved the moment they change, through the app's settings store (the one
writer of ``settings.json``): a privacy switch must never look on while the setting
is off. The tab shows what is saved, not a copy of its own: :meth:`sync` re-reads
the store when the window is shown and when the dialog hears that these settings
changed elsewhere (the main window, another tab); a change made by another
process is seen the next time the window is shown. When the environment forces
offline mode the box is ticked, greyed out, and its tooltip says which variable.
Ticking Offline stops running downloads at once (a controller given the settings
store also stops them when another writer turns offline mode on).

Signals of HubSettingsTab:
    status(str text, bool error)
"""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QLineEdit, QPushButton, QWidget

from aigc_desktop.errors import UserError
from aigc_desktop.hub.endpoint import DEFAULT_ENDPOINT, hub_config
from aigc_desktop.i18n import _
from aigc_desktop.settings import Settings

HUB_FIELDS = frozenset({"offline", "hub_endpoint"})
MIRROR = "https://hf-mirror.com"
CUSTOM = "custom"


class HubSettingsTab(QWidget):
    status = Signal(str, bool)

    def __init__(self, settings_store, downloads, parent=None) -> None:
        super().__init__(parent)
        self.store = settings_store
        self.downloads = downloads
        self.endpoint_edit = QLineEdit()
        self.source_combo = QComboBox()
        self.source_combo.addItem(_("Hugging Face (huggingface.co)"), "")
        self.source_combo.addItem(_("Mirror hf-mirror.com (often faster in mainland China)"), MIRROR)
        self.source_combo.addItem(_("Custom address…"), CUSTOM)
        self.source_combo.activated.connect(self._source_chosen)
        self.offline_box = QCheckBox(_("Offline: never connect to the network"))
        save = QPushButton(_("Save"))
        save.clicked.connect(self.save)
        self.endpoint_edit.editingFinished.connect(self.save_endpoint)
        self.offline_box.toggled.connect(self.set_offline)
        form = QFormLayout(self)
        form.addRow(_("Download from"), self.source_combo)
        form.addRow(_("Hub address"), self.endpoint_edit)
        form.addRow("", self.offline_box)
        form.addRow("", save)
        form.addRow("", QLabel(_("Changes apply at once.")))
        self.sync()

    def sync(self, changed=HUB_FIELDS) -> None:
        """Show what is saved; ``changed`` limits it to those fields (a half-typed address
        is not overwritten because offline mode changed)."""
        s = self.store.current()
        try:
            forced = hub_config(Settings(hub_endpoint=s.hub_endpoint)).offline_because  # the environment's
            default = hub_config(Settings()).endpoint
        except UserError:
            forced, default = "", DEFAULT_ENDPOINT
        if "hub_endpoint" in changed:
            self.endpoint_edit.setText(s.hub_endpoint)
            index = self.source_combo.findData(s.hub_endpoint.rstrip("/"))
            self.source_combo.setCurrentIndex(index if index >= 0 else self.source_combo.findData(CUSTOM))
            self.endpoint_edit.setEnabled(self.source_combo.currentData() == CUSTOM)
            self.endpoint_edit.setPlaceholderText(_("default: {default}  (a mirror such as https://hf-mirror.com)").format(default=default))
        if "offline" in changed:
            self.offline_box.blockSignals(True)
            self.offline_box.setChecked(s.offline or bool(forced))
            self.offline_box.blockSignals(False)
            self.offline_box.setEnabled(not forced)  # the environment keeps it on: say how to change it
            self.offline_box.setToolTip(_("Offline because of the environment: {how}.").format(how=forced) if forced else "")

    @Slot(int)
    def _source_chosen(self, _index: int) -> None:
        """Hugging Face or the mirror are saved at once; Custom opens the address box."""
        choice = self.source_combo.currentData()
        self.endpoint_edit.setEnabled(choice == CUSTOM)
        if choice == CUSTOM:
            self.endpoint_edit.setFocus()
            return
        self.endpoint_edit.setText(choice)
        self.save_endpoint()

    @Slot(bool)
    def set_offline(self, on: bool) -> bool:
        """Save the switch at once; if it cannot be saved it goes back to what is in effect."""
        was_downloading = on and self.downloads.has_active()
        try:
            self.store.update(offline=on)
        except UserError as exc:
            self.sync()
            self.status.emit(str(exc), True)
            return False
        if not on:
            self.status.emit(_("Offline mode is off."), False)
        else:
            self.downloads.cancel_all()
            if was_downloading:
                self.status.emit(_("Offline mode is on: nothing connects to the network. Downloads were stopped; "
                                   "Resume them when you are online."), False)
            else:
                self.status.emit(_("Offline mode is on: nothing connects to the network."), False)
        return True

    @Slot()
    def save_endpoint(self) -> bool:
        current = self.store.current()
        endpoint = self.endpoint_edit.text().strip().rstrip("/")
        if endpoint == current.hub_endpoint:
            return True
        try:
            config = hub_config(dataclasses.replace(current, hub_endpoint=endpoint))  # refuse before saving
            self.store.update(hub_endpoint=endpoint)
        except UserError as exc:
            self.status.emit(str(exc), True)
            return False
        self.status.emit(_("Using {endpoint}.").format(endpoint=config.endpoint), False)
        return True

    @Slot()
    def save(self) -> bool:
        if not self.save_endpoint():
            return False
        wanted = self.offline_box.isChecked()
        if self.store.current().offline != wanted and not self.set_offline(wanted):
            return False
        try:
            config = hub_config(self.store)
        except UserError as exc:
            self.status.emit(str(exc), True)
            return False
        self.status.emit(_("Offline mode is on.") if config.offline
                         else _("Using {endpoint}.").format(endpoint=config.endpoint), False)
        return True
