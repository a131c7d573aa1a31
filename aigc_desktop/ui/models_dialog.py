"""Models window: installed models, curated catalog, Hub search, downloads, Hub settings.

Network and disk work runs off the GUI thread (a :class:`Background` call, the
:class:`DownloadQueue` thread); results come back by queued signal. The offline
switch and the Hub address are saved the moment they change: a privacy switch
must never look on while the setting is off.

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
from typing import NamedTuple

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
from aigc_desktop.hub.download import DownloadError, DownloadQueue, Job, part_path, unfinished_downloads
from aigc_desktop.hub.endpoint import hub_config
from aigc_desktop.hub.library import delete_model, import_model, is_default_model, list_models, set_default_model
from aigc_desktop.paths import app_paths
from aigc_desktop.settings import Settings, SettingsStore

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


class _Row(NamedTuple):
    """One download's widgets on the Downloads tab."""

    bar: QProgressBar
    label: QLabel
    cancel: QPushButton
    resume: QPushButton
    remove: QPushButton
    layout: QHBoxLayout


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
        self._problems: dict[str, str] = {}  # installed path -> why it cannot be used
        self._loading: str | None = None  # the path "Use in chat" asked for, until its result
        self._loaded_name: str | None = None
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
        self._rows: dict[int, _Row] = {}
        self.refresh_installed()
        self.fill_catalog()
        self.list_unfinished()

    # -- helpers ----------------------------------------------------------------------
    def show_status(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #cf222e;" if error else "")

    def run(self, fn, *args, done=None, failed=None) -> Background:
        call = Background(fn, *args)
        if done:
            call.done.connect(done)
        if failed:
            call.failed.connect(failed)
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
        self.installed.itemSelectionChanged.connect(self._update_installed_buttons)
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
        self._problems = {str(e.path): e.problem for e in entries if e.problem}
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
        self._update_installed_buttons()

    def _update_installed_buttons(self) -> None:
        """A broken file (truncated, not GGUF) can be deleted but not used or made default."""
        problem = self._problems.get(self._selected_installed() or "")
        for b in (self.use_btn, self.default_btn):
            b.setEnabled(problem is None)
            b.setToolTip(f"This file cannot be used: {problem}" if problem else "")

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
        if path and path not in self._problems:
            self._loading = path
            self.show_status(f"Loading {Path(path).name}…")
            self.useModel.emit(path)

    def on_model_load_result(self, ok: bool, message: str) -> None:
        """The main window's modelReady (``message`` = model name) or modelFailed (the reason)."""
        pending, self._loading = self._loading, None
        if ok:
            self._loaded_name = message
            if pending:
                self.show_status(f"{message} is loaded in the chat.")
        elif pending:
            self.show_status(f"Could not load {Path(pending).name}: {message}", error=True)

    def _is_loaded(self, path: str) -> bool:
        loaded = getattr(self.parent(), "model_name", None) or self._loaded_name
        return bool(loaded) and Path(path).stem == loaded

    def _default_selected(self) -> None:
        path = self._selected_installed()
        if not path or path in self._problems:
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
        if not path:
            return
        name = Path(path).name
        was_default = is_default_model(path)
        text = [f"Delete {name} from disk?"]
        if was_default:
            text.append("It is the default model: new chats will use the starter model instead.")
        if self._is_loaded(path):
            text.append("It is loaded in the chat; it stays loaded until you switch to another model.")
        if not self.confirm("Delete model", "\n\n".join(text)):
            return
        try:
            delete_model(path)
        except UserError as exc:
            self.show_status(str(exc), error=True)
            return
        except OSError as exc:  # read-only folder, file in use
            self.show_status(f"Could not delete {name}: {exc.strerror or exc}.", error=True)
            return
        self.refresh_installed()
        self.modelsChanged.emit()
        self.show_status(f"Deleted {name}." + (" New chats use the starter model." if was_default else ""))

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

        def failed(_message: str) -> None:  # old results under a new error would mislead
            self.repo_list.clear()
            self.files.setRowCount(0)

        self.files.setRowCount(0)
        return self.run(search_repos, query, done=show, failed=failed)

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

        self.files.setRowCount(0)
        return self.run(list_gguf_files, repo, done=show, failed=lambda _m: self.files.setRowCount(0))

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

    def list_unfinished(self) -> None:
        """Downloads a previous session left part-way, as paused rows with Resume."""
        for u in unfinished_downloads(app_paths().models):
            if any(j.remote == u.remote for j in self.queue.jobs):
                continue
            job = self.queue.add_paused(u.remote, f"paused, {u.kept / 2**20:,.1f} of "
                                                  f"{u.remote.size / 2**20:,.1f} MB kept")
            row = self._add_row(job)
            row.bar.setValue(int(1000 * u.kept / u.remote.size) if u.remote.size else 0)

    def start_download(self, remote: RemoteFile) -> int:
        same = [j for j in self.queue.jobs if j.remote == remote and j.state not in ("done", "removed")]
        if same and same[-1].active:
            self.tabs.setCurrentIndex(3)
            self.show_status(f"{remote.filename} is already downloading.")
            return same[-1].id
        if same:  # a failed, cancelled or paused row: continue it rather than add another
            return self.resume_download(same[-1].id)
        job = self.queue.add(remote)
        self._add_row(job)
        self.tabs.setCurrentIndex(3)
        self.show_status(f"Downloading {remote.filename}…")
        return job.id

    def _add_row(self, job: Job) -> _Row:
        bar = QProgressBar()
        bar.setRange(0, 1000)
        label = QLabel(f"{job.remote.filename} — {job.message or job.state}")
        label.setWordWrap(True)
        cancel, resume, remove = QPushButton("Cancel"), QPushButton("Resume"), QPushButton("Remove")
        cancel.clicked.connect(lambda: self.queue.cancel(job.id))
        resume.clicked.connect(lambda: self.resume_download(job.id))
        remove.clicked.connect(lambda: self.remove_download(job.id))
        remove.setToolTip("Delete what was downloaded so far")
        layout = QHBoxLayout()
        layout.addWidget(label, 2)
        layout.addWidget(bar, 2)
        for b in (cancel, resume, remove):
            layout.addWidget(b)
        self.downloads_layout.insertLayout(self.downloads_layout.count() - 1, layout)
        row = self._rows[job.id] = _Row(bar, label, cancel, resume, remove, layout)
        self.no_downloads.setVisible(False)
        self._update_row(job)
        return row

    def _update_row(self, job: Job) -> None:
        row = self._rows[job.id]
        stopped = job.state in ("failed", "cancelled", "paused")
        row.cancel.setVisible(not stopped)
        row.cancel.setEnabled(job.active)
        row.resume.setVisible(stopped)
        row.remove.setVisible(stopped)
        kept = part_path(job.remote, app_paths().models).exists() if stopped else False
        row.resume.setText("Resume" if kept else "Retry")

    def resume_download(self, job_id: int) -> int:
        job = self.queue.resume(job_id)
        row = self._rows[job_id]
        row.label.setText(f"{job.remote.filename} — queued")
        self._update_row(job)
        self.tabs.setCurrentIndex(3)
        self.show_status(f"Resuming {job.remote.filename}…")
        return job_id

    def remove_download(self, job_id: int) -> bool:
        """Discard a stopped download: its row, its ``.part`` and sidecar."""
        job = self.queue.job(job_id)
        part = part_path(job.remote, app_paths().models)
        kept = part.stat().st_size if part.exists() else 0
        if kept and not self.confirm("Remove download", f"Delete the {kept / 2**20:,.1f} MB of "
                                                        f"{job.remote.filename} downloaded so far?"):
            return False
        try:
            self.queue.discard(job_id)
        except DownloadError as exc:
            self.show_status(str(exc), error=True)
            return False
        row = self._rows.pop(job_id)
        for w in (row.label, row.bar, row.cancel, row.resume, row.remove):
            w.hide()
            w.deleteLater()
        self.downloads_layout.removeItem(row.layout)
        row.layout.deleteLater()
        self.no_downloads.setVisible(not self._rows)
        self.show_status(f"Removed the unfinished download of {job.remote.filename}.")
        return True

    def _on_progress(self, job_id: int, done: int, total: int, speed: float, eta) -> None:
        row = self._rows.get(job_id)
        if row is None:
            return
        row.bar.setValue(int(1000 * done / total) if total else 0)
        name = self.queue.job(job_id).remote.filename
        left = f", {eta:.0f} s left" if eta is not None else ""
        row.label.setText(f"{name} — {done / 2**20:,.1f} of {total / 2**20:,.1f} MB, {speed / 2**20:.1f} MB/s{left}")
        self.downloadProgress.emit(job_id, done, total)

    def _on_finished(self, job_id: int, state: str, message: str) -> None:
        job = self.queue.job(job_id)
        row = self._rows.get(job_id)
        if row is not None:
            row.label.setText(f"{job.remote.filename} — {message}")
            if state == "done":
                row.bar.setValue(1000)
            self._update_row(job)
        if state == "done":
            self.refresh_installed()
            self.modelsChanged.emit()
        self.show_status(message, error=state == "failed")
        self.downloadFinished.emit(job_id, state, message)

    # -- hub settings -----------------------------------------------------------------
    def _settings_tab(self) -> QWidget:
        w = QWidget()
        self.endpoint_edit = QLineEdit()
        self.offline_box = QCheckBox("Offline: never connect to the network")
        save = QPushButton("Save")
        save.clicked.connect(self.save_hub_settings)
        self.endpoint_edit.editingFinished.connect(self.save_endpoint)
        self.offline_box.toggled.connect(self.set_offline)
        note = QLabel("Changes apply at once.")
        form = QFormLayout(w)
        form.addRow("Hub address", self.endpoint_edit)
        form.addRow("", self.offline_box)
        form.addRow("", save)
        form.addRow("", note)
        self.sync_hub_settings()
        return w

    def sync_hub_settings(self) -> None:
        """Show what is saved (the CLI or another window may have changed it)."""
        s = Settings.load(app_paths().settings_file)
        try:
            forced = hub_config(Settings(hub_endpoint=s.hub_endpoint)).offline_because
            default = hub_config(Settings()).endpoint
        except UserError:
            forced, default = "", "https://huggingface.co"
        self.endpoint_edit.setText(s.hub_endpoint)
        self.endpoint_edit.setPlaceholderText(f"default: {default}  (a mirror such as https://hf-mirror.com)")
        self.offline_box.blockSignals(True)
        self.offline_box.setChecked(s.offline or bool(forced))
        self.offline_box.blockSignals(False)
        self.offline_box.setEnabled(not forced)  # the environment keeps it on: say how to change it
        self.offline_box.setToolTip(f"Offline because of the environment: {forced}." if forced else "")

    def showEvent(self, event) -> None:
        self.sync_hub_settings()
        super().showEvent(event)

    def set_offline(self, on: bool) -> bool:
        """Save the switch at once; if it cannot be saved it goes back to what is in effect."""
        try:
            SettingsStore(app_paths().ensure().settings_file).update(offline=on)
        except UserError as exc:
            self.sync_hub_settings()
            self.show_status(str(exc), error=True)
            return False
        if not on:
            self.show_status("Offline mode is off.")
            return True
        paused = self.queue.has_active()
        self.queue.cancel_all()
        self.show_status("Offline mode is on: nothing connects to the network."
                         + (" Downloads were stopped; Resume them when you are online." if paused else ""))
        return True

    def save_endpoint(self) -> bool:
        paths = app_paths().ensure()
        s = Settings.load(paths.settings_file)
        endpoint = self.endpoint_edit.text().strip().rstrip("/")
        if endpoint == s.hub_endpoint:
            return True
        s.hub_endpoint = endpoint
        try:
            hub_config(s)
            SettingsStore(paths.settings_file).update(hub_endpoint=endpoint)
        except UserError as exc:
            self.show_status(str(exc), error=True)
            return False
        self.show_status(f"Using {hub_config(s).endpoint}.")
        return True

    def save_hub_settings(self) -> bool:
        if not self.save_endpoint():
            return False
        s = Settings.load(app_paths().settings_file)
        if s.offline != self.offline_box.isChecked() and not self.set_offline(self.offline_box.isChecked()):
            return False
        config = hub_config(Settings.load(app_paths().settings_file))
        self.show_status("Offline mode is on." if config.offline else f"Using {config.endpoint}.")
        return True
