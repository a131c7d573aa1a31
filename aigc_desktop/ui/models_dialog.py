"""Models window: installed models, curated catalog, Hub search, downloads, Hub settings.

Network and disk work runs off the GUI thread (a :class:`Background` call, the
:class:`DownloadQueue` thread); results come back by queued signal.

Signals of ModelsDialog:
    useModel(str path)       the person chose a model for the chat
    modelsChanged()          a model was added, removed or made default
    downloadProgress(int job_id, int done, int total)
    downloadFinished(int job_id, str state, str message)
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aigc_desktop.errors import UserError
from aigc_desktop.hub import fit
from aigc_desktop.hub.catalog import RemoteFile, list_gguf_files, load_catalog, search_repos
from aigc_desktop.hub.download import DownloadQueue
from aigc_desktop.hub.endpoint import hub_config
from aigc_desktop.hub.library import delete_model, import_model, list_models, set_default_model
from aigc_desktop.paths import app_paths
from aigc_desktop.settings import Settings

log = logging.getLogger(__name__)


def human_size(n: int) -> str:
    return f"{n / 2**30:.2f} GB" if n >= 2**30 else f"{n / 2**20:.0f} MB"


class Background(QObject):
    """Run one function on a Python thread; ``done``/``failed`` arrive on the GUI thread."""

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, fn, *args) -> None:
        super().__init__()
        self._fn, self._args = fn, args
        self.thread = threading.Thread(target=self._run, daemon=True)

    def start(self) -> "Background":
        self.thread.start()
        return self

    def _run(self) -> None:
        try:
            result = self._fn(*self._args)
        except UserError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # a bug: logged, short message shown
            log.exception("background call failed")
            self.failed.emit(f"Something went wrong ({exc}). Details are in the log file.")
        else:
            self.done.emit(result)


def _table(headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setHorizontalHeaderLabels(headers)
    t.setSelectionBehavior(QAbstractItemView.SelectRows)
    t.setSelectionMode(QAbstractItemView.SingleSelection)
    t.setEditTriggers(QAbstractItemView.NoEditTriggers)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
    return t


def _cell(text: str, data=None) -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if data is not None:
        item.setData(Qt.UserRole, data)
    return item


class ModelsDialog(QDialog):
    useModel = Signal(str)
    modelsChanged = Signal()
    downloadProgress = Signal(int, int, int)
    downloadFinished = Signal(int, str, str)
    _progressFromThread = Signal(int, int, int, float, object)
    _finishedFromThread = Signal(int, str, str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Models")
        self.resize(900, 560)
        self._calls: list[Background] = []
        self.status = QLabel("")
        self.status.setObjectName("modelsStatus")
        self.status.setWordWrap(True)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._installed_tab(), "Installed")
        self.tabs.addTab(self._catalog_tab(), "Catalog")
        self.tabs.addTab(self._search_tab(), "Search Hub")
        self.tabs.addTab(self._downloads_tab(), "Downloads")
        self.tabs.addTab(self._settings_tab(), "Settings")
        lay = QVBoxLayout(self)
        lay.addWidget(self.tabs, 1)
        lay.addWidget(self.status)
        self.queue = DownloadQueue(
            on_progress=lambda job, p: self._progressFromThread.emit(job.id, p.done, p.total, p.speed, p.eta),
            on_finished=lambda job: self._finishedFromThread.emit(job.id, job.state, job.message),
        )
        self._progressFromThread.connect(self._on_progress)
        self._finishedFromThread.connect(self._on_finished)
        self._rows: dict[int, tuple[QProgressBar, QLabel, QPushButton]] = {}
        self.refresh_installed()
        self.fill_catalog()

    # -- helpers ----------------------------------------------------------------------
    def show_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #cf222e;" if error else "")

    def run(self, fn, *args, done=None) -> Background:
        call = Background(fn, *args)
        if done:
            call.done.connect(done)
        call.failed.connect(lambda msg: self.show_status(msg, error=True))
        call.done.connect(lambda *_: self._calls.remove(call) if call in self._calls else None)
        call.failed.connect(lambda *_: self._calls.remove(call) if call in self._calls else None)
        self._calls.append(call)
        return call.start()

    def confirm(self, title: str, text: str) -> bool:
        return QMessageBox.question(self, title, text) == QMessageBox.Yes

    def ask_open_path(self) -> str:
        return QFileDialog.getOpenFileName(self, "Import GGUF file", str(Path.home()), "GGUF models (*.gguf)")[0]

    # -- installed --------------------------------------------------------------------
    def _installed_tab(self) -> QWidget:
        w = QWidget()
        self.installed = _table(["Name", "Size", "Quant", "Parameters", "Architecture", "Context", "Status"])
        self.installed.setObjectName("installedTable")
        self.use_btn = QPushButton("Use in chat")
        self.default_btn = QPushButton("Set as default")
        self.import_btn = QPushButton("Import GGUF file…")
        self.delete_btn = QPushButton("Delete…")
        folder_btn = QPushButton("Open models folder")
        self.use_btn.clicked.connect(self._use_selected)
        self.default_btn.clicked.connect(self._default_selected)
        self.import_btn.clicked.connect(self.import_file)
        self.delete_btn.clicked.connect(self._delete_selected)
        folder_btn.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(app_paths().ensure().models))))
        row = QHBoxLayout()
        for b in (self.use_btn, self.default_btn, self.import_btn, self.delete_btn, folder_btn):
            row.addWidget(b)
        row.addStretch(1)
        lay = QVBoxLayout(w)
        lay.addWidget(self.installed, 1)
        lay.addLayout(row)
        return w

    def refresh_installed(self) -> None:
        default = Settings.load(app_paths().settings_file).default_model
        entries = list_models()
        self.installed.setRowCount(0)
        for e in entries:
            r = self.installed.rowCount()
            self.installed.insertRow(r)
            info = e.info
            status = e.problem or ("default" if str(e.path) == default else "") or ("starter" if e.is_starter else "")
            if e.is_starter and str(e.path) == default:
                status = "starter · default"
            values = [e.name, human_size(e.size), e.quant,
                      info.parameters_label if info else "?", info.architecture if info else "?",
                      f"{info.context_length:,}" if info and info.context_length else "?", status]
            for c, v in enumerate(values):
                self.installed.setItem(r, c, _cell(v, str(e.path)))
        self.installed.resizeColumnsToContents()
        self.installed.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)

    def installed_paths(self) -> list[str]:
        return [self.installed.item(r, 0).data(Qt.UserRole) for r in range(self.installed.rowCount())]

    def _selected_installed(self) -> str | None:
        rows = self.installed.selectionModel().selectedRows()
        return self.installed.item(rows[0].row(), 0).data(Qt.UserRole) if rows else None

    def select_installed(self, path: str) -> bool:
        for r in range(self.installed.rowCount()):
            if self.installed.item(r, 0).data(Qt.UserRole) == path:
                self.installed.selectRow(r)
                return True
        return False

    def _use_selected(self) -> None:
        path = self._selected_installed()
        if path:
            self.useModel.emit(path)
            self.show_status(f"Loading {Path(path).name}…")

    def _default_selected(self) -> None:
        path = self._selected_installed()
        if not path:
            return
        try:
            set_default_model(path)
        except UserError as exc:
            self.show_status(str(exc), error=True)
            return
        self.refresh_installed()
        self.modelsChanged.emit()
        self.show_status(f"{Path(path).stem} is the default model for new chats.")

    def _delete_selected(self) -> None:
        path = self._selected_installed()
        if not path or not self.confirm("Delete model", f"Delete {Path(path).name} from disk?"):
            return
        try:
            delete_model(path)
        except UserError as exc:
            self.show_status(str(exc), error=True)
            return
        self.refresh_installed()
        self.modelsChanged.emit()
        self.show_status(f"Deleted {Path(path).name}.")

    def import_file(self) -> None:
        path = self.ask_open_path()
        if not path:
            return
        self.show_status(f"Importing {Path(path).name}…")

        def imported(target) -> None:
            self.refresh_installed()
            self.modelsChanged.emit()
            self.select_installed(str(target))
            self.show_status(f"Imported {Path(target).name}.")

        self.run(import_model, Path(path), done=imported)

    # -- catalog ----------------------------------------------------------------------
    def _catalog_tab(self) -> QWidget:
        w = QWidget()
        self.catalog = _table(["Model", "File", "Size", "Quant", "Fits this PC?", "Licence", "Notes"])
        self.catalog.setObjectName("catalogTable")
        btn = QPushButton("Download")
        btn.clicked.connect(self._download_catalog)
        note = QLabel(f"Free memory now: {human_size(fit.available_memory())}. "
                      "“tight” may run but slowly; “too big” will not load.")
        lay = QVBoxLayout(w)
        lay.addWidget(self.catalog, 1)
        lay.addWidget(note)
        lay.addWidget(btn, 0, Qt.AlignLeft)
        return w

    def fill_catalog(self) -> None:
        try:
            entries = load_catalog()
        except UserError as exc:
            self.show_status(str(exc), error=True)
            return
        avail = fit.available_memory()
        self.catalog.setRowCount(0)
        for e in entries:
            r = self.catalog.rowCount()
            self.catalog.insertRow(r)
            for c, v in enumerate([e.name, e.file, human_size(e.size), e.quant, fit.estimate(e.size, avail),
                                   e.license, e.notes]):
                self.catalog.setItem(r, c, _cell(v, (e.repo, e.file)))

    def _download_catalog(self) -> None:
        rows = self.catalog.selectionModel().selectedRows()
        if not rows:
            self.show_status("Choose a model in the list first.")
            return
        repo, file = self.catalog.item(rows[0].row(), 0).data(Qt.UserRole)
        self.show_status(f"Looking up {file} in {repo}…")

        def found(files) -> None:
            match = [f for f in files if f.filename == file]
            if not match:
                self.show_status(f"{file} is no longer in {repo}.", error=True)
                return
            self.start_download(match[0])

        self.run(list_gguf_files, repo, done=found)

    # -- search -----------------------------------------------------------------------
    def _search_tab(self) -> QWidget:
        w = QWidget()
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText("Search Hugging Face for GGUF models, e.g. qwen2.5 instruct")
        go = QPushButton("Search")
        self.repo_list = QListWidget()
        self.repo_list.setObjectName("repoList")
        self.files = _table(["File", "Size", "Quant", "Fits this PC?"])
        self.files.setObjectName("filesTable")
        dl = QPushButton("Download selected file")
        go.clicked.connect(self.search)
        self.search_box.returnPressed.connect(self.search)
        self.repo_list.currentItemChanged.connect(lambda cur, _prev: cur and self.show_files(cur.text()))
        dl.clicked.connect(self._download_selected_file)
        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(go)
        mid = QHBoxLayout()
        mid.addWidget(self.repo_list, 2)
        mid.addWidget(self.files, 3)
        lay = QVBoxLayout(w)
        lay.addLayout(top)
        lay.addLayout(mid, 1)
        lay.addWidget(dl, 0, Qt.AlignLeft)
        return w

    def search(self) -> Background:
        query = self.search_box.text().strip()
        self.show_status(f"Searching for “{query}”…")

        def show(hits) -> None:
            self.repo_list.clear()
            for h in hits:
                item = QListWidgetItem(h.repo)
                item.setToolTip(f"{h.downloads:,} downloads")
                self.repo_list.addItem(item)
            self.show_status(f"{len(hits)} repositories." if hits else "No GGUF repositories found.")

        return self.run(search_repos, query, done=show)

    def show_files(self, repo: str) -> Background:
        self.show_status(f"Listing {repo}…")

        def show(files: list[RemoteFile]) -> None:
            avail = fit.available_memory()
            self.files.setRowCount(0)
            for f in files:
                r = self.files.rowCount()
                self.files.insertRow(r)
                for c, v in enumerate([f.filename, human_size(f.size), f.quant or "?", fit.estimate(f.size, avail)]):
                    self.files.setItem(r, c, _cell(v, f))
            self.show_status(f"{len(files)} GGUF files in {repo}.")

        return self.run(list_gguf_files, repo, done=show)

    def _download_selected_file(self) -> None:
        rows = self.files.selectionModel().selectedRows()
        if rows:
            self.start_download(self.files.item(rows[0].row(), 0).data(Qt.UserRole))

    # -- downloads --------------------------------------------------------------------
    def _downloads_tab(self) -> QWidget:
        w = QWidget()
        self.downloads_layout = QVBoxLayout()
        self.downloads_layout.addStretch(1)
        self.no_downloads = QLabel("No downloads yet. Pick a model in Catalog or Search Hub.")
        lay = QVBoxLayout(w)
        lay.addWidget(self.no_downloads)
        lay.addLayout(self.downloads_layout, 1)
        return w

    def start_download(self, remote: RemoteFile) -> int:
        job = self.queue.add(remote)
        bar = QProgressBar()
        bar.setRange(0, 1000)
        label = QLabel(f"{remote.filename} — queued")
        cancel = QPushButton("Cancel")
        cancel.clicked.connect(lambda: self.queue.cancel(job.id))
        row = QHBoxLayout()
        row.addWidget(label, 2)
        row.addWidget(bar, 2)
        row.addWidget(cancel)
        self.downloads_layout.insertLayout(self.downloads_layout.count() - 1, row)
        self._rows[job.id] = (bar, label, cancel)
        self.no_downloads.setVisible(False)
        self.tabs.setCurrentIndex(3)
        self.show_status(f"Downloading {remote.filename}…")
        return job.id

    def _on_progress(self, job_id: int, done: int, total: int, speed: float, eta) -> None:
        bar, label, _ = self._rows[job_id]
        bar.setValue(int(1000 * done / total) if total else 0)
        name = next(j.remote.filename for j in self.queue.jobs if j.id == job_id)
        left = f", {eta:.0f} s left" if eta is not None else ""
        label.setText(f"{name} — {done / 2**20:,.1f} of {total / 2**20:,.1f} MB, {speed / 2**20:.1f} MB/s{left}")
        self.downloadProgress.emit(job_id, done, total)

    def _on_finished(self, job_id: int, state: str, message: str) -> None:
        bar, label, cancel = self._rows[job_id]
        cancel.setEnabled(False)
        name = next(j.remote.filename for j in self.queue.jobs if j.id == job_id)
        label.setText(f"{name} — {message}")
        if state == "done":
            bar.setValue(1000)
            self.refresh_installed()
            self.modelsChanged.emit()
        self.show_status(message, error=state == "failed")
        self.downloadFinished.emit(job_id, state, message)

    # -- hub settings -----------------------------------------------------------------
    def _settings_tab(self) -> QWidget:
        w = QWidget()
        s = Settings.load(app_paths().settings_file)
        self.endpoint_edit = QLineEdit(s.hub_endpoint)
        self.endpoint_edit.setPlaceholderText(f"default: {hub_config(s).endpoint}  (a mirror such as https://hf-mirror.com)")
        self.offline_box = QCheckBox("Offline: never connect to the network")
        self.offline_box.setChecked(s.offline)
        save = QPushButton("Save")
        save.clicked.connect(self.save_hub_settings)
        form = QFormLayout(w)
        form.addRow("Hub address", self.endpoint_edit)
        form.addRow("", self.offline_box)
        form.addRow("", save)
        return w

    def save_hub_settings(self) -> bool:
        paths = app_paths().ensure()
        s = Settings.load(paths.settings_file)
        s.hub_endpoint = self.endpoint_edit.text().strip().rstrip("/")
        s.offline = self.offline_box.isChecked()
        try:
            hub_config(s)
            s.save(paths.settings_file)
        except UserError as exc:
            self.show_status(str(exc), error=True)
            return False
        self.show_status("Offline mode is on." if s.offline else f"Using {hub_config(s).endpoint}.")
        return True
