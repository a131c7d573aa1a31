"""Settings → Sync: where to sync (a folder, or WebDAV such as 坚果云), Test, Sync now, automatic sync,
end-to-end encryption, this device's name and the devices seen.

The page never blocks the window: saving its form (the password goes to the keychain), Test and
Sync now run on a worker thread through the :class:`SyncController`, and their results come back
as plain words under the buttons. Passwords and the passphrase are never read back into a field:
an empty field keeps the saved one.
"""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from aigc_desktop.i18n import _
from aigc_desktop.providers.config import Provider, unencrypted_warning
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.sync.form import SyncForm, apply_form, form_from_settings
from aigc_desktop.ui.sync.status import when

TARGETS = ("", "folder", "webdav")


def _save_and_test(sync, settings_store, form: SyncForm):
    apply_form(sync, settings_store, form)
    return sync.test(), sync.status()


def _save(sync, settings_store, form: SyncForm):
    apply_form(sync, settings_store, form)
    return sync.status()


class SyncPage(QWidget):
    def __init__(self, ctx, controller, prompts, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("syncPage")
        self.ctx, self.controller, self.prompts = ctx, controller, prompts
        lay = QVBoxLayout(self)
        intro = QLabel(_("Keep chats, documents, templates and knowledge-base settings the same on your computers. "
                         "Each computer adds only its own files to the shared place and never changes another's, "
                         "so nothing is overwritten; API keys and settings stay on each computer."))
        intro.setWordWrap(True)
        lay.addWidget(intro)
        lay.addWidget(self._build_where())
        lay.addWidget(self._build_when())
        lay.addWidget(self._build_encryption())
        lay.addWidget(self._build_devices())
        lay.addStretch(1)
        controller.busyChanged.connect(self._busy_changed)
        controller.statusChanged.connect(self.show_status)
        controller.synced.connect(self._synced)
        controller.failed.connect(self._failed)
        self.load()

    # -- building ---------------------------------------------------------------------------
    def _build_where(self) -> QGroupBox:
        box = QGroupBox(_("Where"))
        outer = QVBoxLayout(box)
        form = self.where_form = QFormLayout()
        outer.addLayout(form)
        kinds = QHBoxLayout()
        self.kind = QButtonGroup(self)
        for i, label in enumerate((_("Off"), _("A folder"), _("WebDAV"))):
            button = QRadioButton(label)
            button.setObjectName(f"syncTarget_{TARGETS[i] or 'off'}")
            self.kind.addButton(button, i)
            kinds.addWidget(button)
        kinds.addStretch(1)
        form.addRow(_("Sync through"), kinds)
        self.folder = QLineEdit()
        self.folder.setObjectName("syncFolder")
        self.folder.setPlaceholderText(_("A folder inside 坚果云, Dropbox, OneDrive, iCloud Drive or Syncthing"))
        self.choose = QPushButton(_("Choose…"))
        self.choose.clicked.connect(self.choose_folder)
        self.folder_row = QHBoxLayout()
        self.folder_row.addWidget(self.folder, 1)
        self.folder_row.addWidget(self.choose)
        form.addRow(_("Folder"), self.folder_row)
        self.url = QLineEdit()
        self.url.setObjectName("syncWebdavUrl")
        self.url.setPlaceholderText("https://dav.jianguoyun.com/dav/我的坚果云/")
        self.user = QLineEdit()
        self.user.setObjectName("syncWebdavUser")
        self.password = QLineEdit()
        self.password.setObjectName("syncWebdavPassword")
        self.password.setEchoMode(QLineEdit.Password)
        form.addRow(_("WebDAV address"), self.url)
        form.addRow(_("User name"), self.user)
        form.addRow(_("App password"), self.password)
        buttons = QHBoxLayout()
        self.test_button = QPushButton(_("Test"))
        self.test_button.setObjectName("syncTest")
        self.test_button.clicked.connect(self.test)
        self.sync_button = QPushButton(_("Sync now"))
        self.sync_button.setObjectName("syncNow")
        self.sync_button.clicked.connect(self.sync_now)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.sync_button)
        buttons.addStretch(1)
        form.addRow("", buttons)
        self.warning = QLabel("")
        self.warning.setObjectName("syncWarning")
        self.warning.setWordWrap(True)
        self.warning.setTextFormat(Qt.PlainText)
        self.warning.setStyleSheet(f"color: {style.current().warning};")
        self.warning.setVisible(False)
        outer.addWidget(self.warning)
        self.url.textChanged.connect(self._url_typed)
        self.result = QLabel("")
        self.result.setObjectName("syncResult")
        self.result.setWordWrap(True)
        self.result.setTextFormat(Qt.PlainText)  # a server's words are shown as they are
        self.result.setTextInteractionFlags(Qt.TextSelectableByMouse)
        outer.addWidget(self.result)  # under the form: a wrapped label in a form row was cut to one line
        self.kind.idToggled.connect(self._kind_toggled)
        return box

    def _build_when(self) -> QGroupBox:
        box = QGroupBox(_("When"))
        row = QHBoxLayout(box)
        self.auto = QCheckBox(_("Sync automatically: when the app starts, after each reply, and every"))
        self.auto.setObjectName("syncAuto")
        self.interval = QSpinBox()
        self.interval.setRange(1, 1440)
        self.interval.setSuffix(_(" min"))
        row.addWidget(self.auto)
        row.addWidget(self.interval)
        row.addStretch(1)
        return box

    def _build_encryption(self) -> QGroupBox:
        box = QGroupBox(_("Encryption"))
        lay = QVBoxLayout(box)
        self.encrypt = QCheckBox(_("Encrypt end to end with a passphrase"))
        self.encrypt.setObjectName("syncEncrypt")
        lay.addWidget(self.encrypt)
        row = QHBoxLayout()
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("syncPassphrase")
        self.passphrase.setEchoMode(QLineEdit.Password)
        row.addWidget(QLabel(_("Passphrase")))
        row.addWidget(self.passphrase, 1)
        lay.addLayout(row)
        note = QLabel(_("Use the same passphrase on every computer. It is kept in this computer's keychain, never "
                        "in the shared place; without it the synced files cannot be read."))
        note.setWordWrap(True)
        note.setStyleSheet(f"color: {style.current().muted};")
        lay.addWidget(note)
        self.encrypt.toggled.connect(self.passphrase.setEnabled)
        return box

    def _build_devices(self) -> QGroupBox:
        box = QGroupBox(_("Devices"))
        lay = QVBoxLayout(box)
        form = QFormLayout()
        self.device_name = QLineEdit()
        self.device_name.setObjectName("syncDeviceName")
        self.device_name.setPlaceholderText(_("e.g. Home desktop"))
        form.addRow(_("This device's name"), self.device_name)
        lay.addLayout(form)
        self.devices = QTreeWidget()
        self.devices.setObjectName("syncDevices")
        self.devices.setRootIsDecorated(False)
        self.devices.setHeaderLabels([_("Device"), _("Last seen")])
        self.devices.header().setSectionResizeMode(0, QHeaderView.Stretch)
        self.devices.header().setSectionResizeMode(1, QHeaderView.ResizeToContents)
        self.devices.setMinimumHeight(90)
        self.devices.setMaximumHeight(130)  # a few devices; more scroll inside the list
        lay.addWidget(self.devices)
        return box

    # -- the form ---------------------------------------------------------------------------
    def load(self) -> None:
        rt = self.ctx.rt
        if rt is None:
            return
        saved = form_from_settings(rt.settings_store.current())
        self.kind.button(TARGETS.index(saved.target) if saved.target in TARGETS else 0).setChecked(True)
        self.folder.setText(saved.folder)
        self.url.setText(saved.url)
        self.user.setText(saved.user)
        self.password.clear()
        self.password.setPlaceholderText(_("kept in the keychain; type to change") if saved.target == "webdav"
                                         else _("坚果云: an app password, not the login password"))
        self.auto.setChecked(saved.auto)
        self.interval.setValue(saved.interval_minutes)
        self.encrypt.setChecked(saved.encrypt)
        self.passphrase.setEnabled(saved.encrypt)
        self.passphrase.clear()
        self.passphrase.setPlaceholderText(_("kept in the keychain; type to change") if saved.encrypt else "")
        self.device_name.setText(saved.device_name)
        self._kind_toggled()
        self._busy_changed(self.controller.busy)
        if self.controller.last_status is not None:
            self.show_status(self.controller.last_status)

    def form(self) -> SyncForm:
        return SyncForm(target=TARGETS[max(0, self.kind.checkedId())], folder=self.folder.text().strip(),
                        url=self.url.text().strip(), user=self.user.text().strip(), password=self.password.text(),
                        auto=self.auto.isChecked(), interval_minutes=self.interval.value(),
                        encrypt=self.encrypt.isChecked(), passphrase=self.passphrase.text(),
                        device_name=self.device_name.text().strip())

    def changed(self) -> bool:
        rt = self.ctx.rt
        return rt is not None and self.form() != form_from_settings(rt.settings_store.current())

    @Slot(int, bool)
    def _kind_toggled(self, _id: int = 0, _checked: bool = True) -> None:
        target = TARGETS[max(0, self.kind.checkedId())]
        self.where_form.setRowVisible(self.folder_row, target == "folder")
        for field in (self.url, self.user, self.password):
            self.where_form.setRowVisible(field, target == "webdav")
        self._url_typed()
        self._busy_changed(self.controller.busy)

    @Slot()
    def _url_typed(self, _text: str = "") -> None:
        """http:// to another machine: the app password and every change cross the network readable."""
        text = None
        if TARGETS[max(0, self.kind.checkedId())] == "webdav":
            try:
                text = unencrypted_warning(Provider(name="WebDAV", base_url=self.url.text().strip()))
            except ValueError:
                text = None
        self.warning.setText(text or "")
        self.warning.setVisible(bool(text))

    # -- actions ----------------------------------------------------------------------------
    @Slot()
    def choose_folder(self) -> None:
        path = self.prompts.ask_folder(_("Choose the folder to sync through"))
        if path:
            self.folder.setText(path)

    @Slot()
    def test(self) -> None:
        rt = self.ctx.rt
        self.controller.run(_save_and_test, rt.sync, rt.settings_store, self.form(), success=self._tested,
                            failure=self._show_error)
        self._forget_secrets()
        self.result.setStyleSheet("")
        self.result.setText(_("Testing…"))

    @Slot()
    def sync_now(self) -> None:
        rt = self.ctx.rt
        form = self.form()
        if not form.target:
            self.result.setText(_("Choose a folder or WebDAV first."))
            return
        if self.controller.sync_now(prepare=partial(apply_form, rt.sync, rt.settings_store, form)) is None:
            return
        self._forget_secrets()
        self.result.setStyleSheet("")
        self.result.setText(_("Syncing…"))

    def save(self) -> bool:
        """Keep the form (when the dialog closes): on the worker thread; False when nothing had to be saved."""
        if not self.changed():
            return False
        rt = self.ctx.rt
        self.controller.run(_save, rt.sync, rt.settings_store, self.form(), success=self._saved,
                            failure=self.controller.report_failure)  # the dialog is closing: the status bar says it
        self._forget_secrets()
        return True

    def _forget_secrets(self) -> None:
        if self.password.text():
            self.password.clear()
            self.password.setPlaceholderText(_("kept in the keychain; type to change"))
        if self.passphrase.text():
            self.passphrase.clear()
            self.passphrase.setPlaceholderText(_("kept in the keychain; type to change"))

    # -- results ----------------------------------------------------------------------------
    def _tested(self, result) -> None:
        words, status = result
        self.result.setText(words)
        self.result.setStyleSheet("")
        self.show_status(status)

    def _saved(self, status) -> None:
        self.controller.reschedule()
        self.show_status(status)

    def _show_error(self, message: str) -> None:
        self.result.setText(message)
        self.result.setStyleSheet(f"color: {style.current().error};")

    @Slot(object)
    def _synced(self, report) -> None:
        self.result.setStyleSheet("")
        self.result.setText(self.controller.describe_report(report))

    @Slot(str)
    def _failed(self, message: str) -> None:
        self._show_error(message)

    @Slot(object)
    def show_status(self, status) -> None:
        """The devices list: this device first (seen at its last sync), then the others, newest first."""
        self.devices.clear()
        self.device_name.setPlaceholderText(status.device_name)
        me = QTreeWidgetItem([_("{name} (this device)").format(name=status.device_name), when(status.last_sync)])
        me.setToolTip(0, status.device_id)
        self.devices.addTopLevelItem(me)
        for device in status.devices:
            item = QTreeWidgetItem([device.name or device.device_id[:8], when(device.last_seen)])
            item.setToolTip(0, device.device_id)
            self.devices.addTopLevelItem(item)

    @Slot(bool)
    def _busy_changed(self, busy: bool) -> None:
        has_target = self.kind.checkedId() > 0
        self.test_button.setEnabled(not busy and has_target)
        self.sync_button.setEnabled(not busy and has_target)
