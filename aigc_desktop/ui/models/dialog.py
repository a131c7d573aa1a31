"""The Models window: installed models, curated catalog, Hub search, downloads, Hub settings.

The dialog composes one widget per tab (``installed``, ``catalog``, ``search``,
``downloads``, ``hub_settings`` modules) and a status line they share. It owns no
service: downloads belong to the main window's :class:`DownloadsController`
(they go on while this window is closed), and settings are read and written
through the app's :class:`SettingsStore`. A store listener keeps the Settings tab
and the Installed tab's "default" mark in step with changes made elsewhere; it may
be called on any thread, so it only emits a signal queued to a bound slot, and it
is removed when the dialog is destroyed.

The status line belongs to the tab that spoke: a message shows when it arrives,
is remembered for its tab, and switching tabs shows that tab's own last message,
so an old Hub error from Search does not sit under the Installed list; a change of
the Hub address or the offline switch clears what Catalog and Search last said.

Questions (``confirm``, ``ask_open_path``) are methods here, the seam a test
answers; the tabs ask through the dialog.

Signals of ModelsDialog:
    useModel(str path)       the person chose a model for the chat
    modelsChanged()          a model was added, removed or made default
    downloadProgress(int job_id, qint64 done, qint64 total)
    downloadFinished(int job_id, str state, str message)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QDialog, QFileDialog, QLabel, QMessageBox, QTabWidget, QVBoxLayout, QWidget

from aigc_desktop.hub.catalog import RemoteFile
from aigc_desktop.i18n import _
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.models.catalog import CatalogTab
from aigc_desktop.ui.models.downloads import DownloadsTab
from aigc_desktop.ui.models.downloads_controller import DownloadsController
from aigc_desktop.ui.models.hub_settings import HUB_FIELDS, HubSettingsTab
from aigc_desktop.ui.models.installed import InstalledTab
from aigc_desktop.ui.models.search import SearchTab
from aigc_desktop.ui.kit.threads import gui_only



def _loaded_model_name(window) -> str | None:
    """The chat's model when the dialog is made; later changes arrive through ``on_model_ready``."""
    model = getattr(getattr(getattr(window, "rt", None), "engine", None), "model", None)
    return Path(model.path).stem if model is not None else None


class ModelsDialog(QDialog):
    useModel = Signal(str)
    modelsChanged = Signal()
    downloadProgress = Signal(int, "qint64", "qint64")
    downloadFinished = Signal(int, str, str)

    def __init__(self, parent, downloads: DownloadsController, settings_store, settings_bridge) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("Models"))
        self.resize(1000, 560)
        self.downloads = downloads
        self.settings_store = settings_store
        self._said: dict[QWidget, tuple[str, bool]] = {}  # each tab's last message

        self.installed_tab = InstalledTab(settings_store, host=self)
        self.catalog_tab = CatalogTab(settings_store)
        self.search_tab = SearchTab(settings_store)
        self.downloads_tab = DownloadsTab(downloads, host=self)
        self.hub_settings_tab = HubSettingsTab(settings_store, downloads)
        self.status = QLabel("")
        self.status.setObjectName("modelsStatus")
        self.status.setWordWrap(True)
        self.tabs = QTabWidget()
        for tab, title in ((self.installed_tab, _("Installed")), (self.catalog_tab, _("Catalog")),
                           (self.search_tab, _("Search Hub")), (self.downloads_tab, _("Downloads")),
                           (self.hub_settings_tab, _("Settings"))):
            self.tabs.addTab(tab, title)
            tab.status.connect(self._on_tab_status)
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.status)
        self._alias_widgets()

        self.tabs.currentChanged.connect(self._on_tab_changed)
        self.installed_tab.useModel.connect(self.useModel)
        self.installed_tab.resumeRequested.connect(self.start_download)
        self.installed_tab.modelsChanged.connect(self.modelsChanged)
        self.catalog_tab.downloadRequested.connect(self.start_download)
        self.search_tab.downloadRequested.connect(self.start_download)
        # After DownloadsTab's own connections: its row is drawn before downloadFinished goes out.
        downloads.progress.connect(self._on_download_progress)
        downloads.finished.connect(self._on_download_finished)
        settings_bridge.changed.connect(self._on_settings_changed)  # the window's, on the GUI thread

        self.installed_tab.loaded_name = _loaded_model_name(parent)
        self.refresh_installed()
        self.fill_catalog()
        downloads.adopt_unfinished()

    def _alias_widgets(self) -> None:
        """The widgets the main window, the tests and docs/screenshots.py reach by name."""
        t = self.installed_tab
        self.installed, self.use_btn, self.default_btn = t.table, t.use_btn, t.default_btn
        self.import_btn, self.delete_btn = t.import_btn, t.delete_btn
        self.catalog = self.catalog_tab.table
        s = self.search_tab
        self.search_box, self.repo_list, self.files = s.search_box, s.repo_list, s.files
        self.no_downloads = self.downloads_tab.no_downloads
        self.endpoint_edit, self.offline_box = self.hub_settings_tab.endpoint_edit, self.hub_settings_tab.offline_box

    @property
    def queue(self):
        """The controller's DownloadQueue (read-only access for the window's tests; the controller owns it)."""
        return self.downloads.queue

    # -- questions (a test answers them) -----------------------------------------------
    def confirm(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text) == QMessageBox.Yes

    def ask_model_gpu_layers(self, name: str, value: str | None, app_value: str):
        """The model's own GPU layers ("auto", "0", "N"), None for the app-wide value, False if cancelled."""
        from aigc_desktop.ui.models.gpu_dialog import ModelGpuDialog

        dlg = ModelGpuDialog(self, name, value, app_value)
        return dlg.control.value() if dlg.exec() == QDialog.Accepted else False

    def ask_open_path(self) -> str:
        return QFileDialog.getOpenFileName(self, _("Import GGUF file"), str(Path.home()), _("GGUF models (*.gguf)"))[0]

    # -- the status line ----------------------------------------------------------------
    def _say(self, tab: QWidget, text: str, error: bool = False) -> None:
        self._said[tab] = (text, error)
        self._show(text, error)

    def _show(self, text: str, error: bool) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {style.current().error};" if error else "")

    def show_status(self, text: str, error: bool = False) -> None:
        """A message for the tab on screen."""
        self._say(self.tabs.currentWidget(), text, error)

    @Slot(str, bool)
    def _on_tab_status(self, text: str, error: bool) -> None:
        self._say(self.sender(), text, error)

    @Slot(int)
    def _on_tab_changed(self, index: int) -> None:
        self._show(*self._said.get(self.tabs.widget(index), ("", False)))

    # -- installed ------------------------------------------------------------------------
    def refresh_installed(self) -> None:
        self.installed_tab.refresh()

    def installed_paths(self) -> list[str]:
        return self.installed_tab.paths()

    def select_installed(self, path: str) -> bool:
        return self.installed_tab.select(path)

    def import_file(self):
        return self.installed_tab.import_file()

    def on_model_load_result(self, ok: bool, message: str) -> None:
        """The main window's modelReady (``message`` = model name) or modelFailed (the reason)."""
        self.installed_tab.on_model_load_result(ok, message)

    @Slot(str)
    def on_model_ready(self, name: str) -> None:
        self.on_model_load_result(True, name)

    @Slot(str)
    def on_model_failed(self, message: str) -> None:
        self.on_model_load_result(False, message)

    # -- catalog and search -------------------------------------------------------------
    def fill_catalog(self) -> None:
        self.catalog_tab.fill()

    def search(self):
        return self.search_tab.search()

    def show_files(self, repo: str):
        return self.search_tab.show_files(repo)

    def _download_selected_file(self) -> None:
        self.search_tab.download_selected()

    # -- downloads ----------------------------------------------------------------------
    @Slot(object)
    def start_download(self, remote: RemoteFile) -> int:
        """Download a file (a stopped download of it is resumed, a running one is shown)."""
        self.tabs.setCurrentWidget(self.downloads_tab)
        same = self.downloads.find(remote)
        if same is not None and same.active:
            self._say(self.downloads_tab, _("{name} is already downloading.").format(name=remote.label))
            return same.id
        if same is not None:
            return self.resume_download(same.id)
        job = self.downloads.start(remote)
        self._say(self.downloads_tab, _("Downloading {name}…").format(name=remote.label))
        return job.id

    def resume_download(self, job_id: int) -> int:
        self.tabs.setCurrentWidget(self.downloads_tab)
        return self.downloads_tab.resume(job_id)

    def remove_download(self, job_id: int) -> bool:
        return self.downloads_tab.remove(job_id)

    @Slot(int, "qint64", "qint64", float, object)
    @gui_only
    def _on_download_progress(self, job_id: int, done: int, total: int, _speed: float, _eta) -> None:
        self.downloadProgress.emit(job_id, done, total)

    @Slot(int, str, str)
    @gui_only
    def _on_download_finished(self, job_id: int, state: str, message: str) -> None:
        if state == "done":
            self.refresh_installed()
            self.modelsChanged.emit()
        self._say(self.downloads_tab, message, error=state == "failed")
        self.downloadFinished.emit(job_id, state, message)

    # -- hub settings -------------------------------------------------------------------
    def sync_hub_settings(self) -> None:
        self.hub_settings_tab.sync()

    def set_offline(self, on: bool) -> bool:
        return self.hub_settings_tab.set_offline(on)

    def save_endpoint(self) -> bool:
        return self.hub_settings_tab.save_endpoint()

    def save_hub_settings(self) -> bool:
        return self.hub_settings_tab.save()

    @Slot(object, object)
    def _on_settings_changed(self, _settings, changed) -> None:
        if changed & HUB_FIELDS:
            self.hub_settings_tab.sync(changed)
            self._forget_hub_messages()
        if "default_model" in changed:
            self.installed_tab.mark_default()

    def _forget_hub_messages(self) -> None:
        """The Hub address or the offline switch changed: what the Catalog and Search tabs last said
        (a refused connection to the old address, a lookup under way there) no longer holds."""
        for tab in (self.catalog_tab, self.search_tab):
            if self._said.pop(tab, None) is not None and self.tabs.currentWidget() is tab:
                self._show("", False)

    def showEvent(self, event) -> None:
        """Show what is saved now (the CLI may have changed it) and downloads left on disk."""
        self.sync_hub_settings()
        self.downloads.adopt_unfinished()
        super().showEvent(event)
