"""One knowledge base in the Knowledge bases window: its counts and embedding model, Sync now
with progress and Stop, and three tabs: its sources (Add files / Add folder / Remove), its
files (chunks, last index time, what failed and why) and a search box (``search_panel.py``).

All work goes through the :class:`~aigc_desktop.ui.kb.controller.KbController` (indexing is an
engine job); the panel follows the controller's signals for the base it shows. Names and paths
come from the person's disk: plain-text labels and table cells only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _, ngettext
from aigc_desktop.ui.kb.search_panel import SearchPanel
from aigc_desktop.ui.kit import style

OTHER = "\0other"  # the model box's "Other GGUF file…" entry


def when(value) -> str:
    """A time from the core (datetime, epoch seconds or None) as local "YYYY-MM-DD HH:MM"."""
    if value in (None, "", 0):
        return _("not yet")
    if isinstance(value, (int, float)):
        value = dt.datetime.fromtimestamp(value, dt.timezone.utc)
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone().strftime("%Y-%m-%d %H:%M")


def embedding_choices(current: str | None) -> list[tuple[str, str | None]]:
    """(label, value) for the model box: none, the installed embedding models of the catalog, the
    base's own model if it is none of those, and "Other GGUF file…"."""
    from aigc_desktop.hub.catalog import embedding_models
    from aigc_desktop.hub.library import installed_models

    choices: list[tuple[str, str | None]] = [(_("None (keyword search only)"), None)]
    try:
        known = {e.file.rsplit("/", 1)[-1].lower(): e for e in embedding_models()}
        for path in installed_models():
            entry = known.get(path.name.lower())
            if entry is not None:  # its value is what the base stores for it (the catalog's file name)
                choices.append((entry.name, entry.file))
    except UserError:
        pass
    if current and all(v != current for _label, v in choices):
        choices.append((Path(current).name, current))
    choices.append((_("Other GGUF file…"), OTHER))
    return choices


class BasePanel(QWidget):
    """Signals: passageRequested(object citation) a search hit to show in its file."""

    passageRequested = Signal(object)

    def __init__(self, kb, prompts, parent=None) -> None:
        super().__init__(parent)
        self.kb, self.prompts = kb, prompts
        self.info = None  # the KbInfo shown
        self._running = False
        self.title = QLabel("")
        self.title.setTextFormat(Qt.PlainText)
        self.title.setStyleSheet(f"font-size: {style.TYPE['title']}px; font-weight: 600;")
        self.stats = QLabel("")
        self.stats.setTextFormat(Qt.PlainText)
        self.stats.setWordWrap(True)
        self.model_box = QComboBox()
        self.model_box.setMinimumWidth(220)
        self.model_box.activated.connect(self._model_chosen)
        self.sync_button = QPushButton(_("Sync now"))
        self.sync_button.setToolTip(_("Index what changed in the sources since the last time"))
        self.sync_button.clicked.connect(self.sync)
        self.progress_label = QLabel("")
        self.progress_label.setTextFormat(Qt.PlainText)
        self.bar = QProgressBar()
        self.bar.setTextVisible(False)
        self.bar.setMaximumWidth(200)
        self.stop_button = QPushButton(_("Stop"))
        self.stop_button.setToolTip(_("Stop indexing; what was indexed so far is kept"))
        self.stop_button.clicked.connect(kb.stop)
        self.sources = QListWidget()
        self.sources.setSelectionMode(QAbstractItemView.ExtendedSelection)
        self.add_files_button = QPushButton(_("Add files…"))
        self.add_files_button.clicked.connect(self.add_files)
        self.add_folder_button = QPushButton(_("Add folder…"))
        self.add_folder_button.clicked.connect(self.add_folder)
        self.remove_button = QPushButton(_("Remove"))
        self.remove_button.setToolTip(_("Remove the selected sources and their passages from this knowledge base "
                                        "(the files stay on disk)"))
        self.remove_button.clicked.connect(self.remove_sources)
        self.files = QTableWidget(0, 4)
        self.files.setHorizontalHeaderLabels([_("File"), _("Passages"), _("Indexed"), _("Problem")])
        self.files.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.files.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.files.verticalHeader().setVisible(False)
        header = self.files.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        self.files.setColumnWidth(0, 220)
        self.search = SearchPanel(kb, self)
        self.search.hitOpened.connect(self.passageRequested)
        self._build()
        kb.started.connect(self._job_started)
        kb.progress.connect(self._job_progress)
        kb.finished.connect(self._job_finished)
        kb.failed.connect(self._job_failed)
        self._show_running(False)

    def _build(self) -> None:
        model_row = QHBoxLayout()
        model_row.addWidget(QLabel(_("Embedding model:")))
        model_row.addWidget(self.model_box)
        model_row.addStretch(1)
        model_row.addWidget(self.sync_button)
        self.run_row = QWidget()  # shown while a job runs, or while its last words are worth reading
        run_row = QHBoxLayout(self.run_row)
        run_row.setContentsMargins(0, 0, 0, 0)
        run_row.addWidget(self.progress_label, 1)
        run_row.addWidget(self.bar)
        run_row.addWidget(self.stop_button)
        src = QWidget()
        sl = QVBoxLayout(src)
        sl.addWidget(self.sources, 1)
        buttons = QHBoxLayout()
        for b in (self.add_files_button, self.add_folder_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        sl.addLayout(buttons)
        self.tabs = QTabWidget()
        self.tabs.addTab(src, _("Sources"))
        self.tabs.addTab(self.files, _("Files"))
        self.tabs.addTab(self.search, _("Search"))
        lay = QVBoxLayout(self)
        lay.setContentsMargins(style.SPACE["sm"], 0, 0, 0)
        lay.addWidget(self.title)
        lay.addWidget(self.stats)
        lay.addLayout(model_row)
        lay.addWidget(self.run_row)
        lay.addWidget(self.tabs, 1)

    # -- showing ---------------------------------------------------------------------------
    @property
    def name(self) -> str | None:
        return self.info.name if self.info is not None else None

    def show_base(self, info) -> None:
        """Show ``info`` (a KbInfo, or None for no base)."""
        self.info = info
        self.setEnabled(info is not None)
        self.search.set_base(self.name)
        if info is None:
            self.title.setText(_("No knowledge base yet: make one with New."))
            self.stats.setText("")
            self.sources.clear()
            self.files.setRowCount(0)
            self.model_box.clear()
            return
        self.title.setText(info.name)
        bits = [ngettext("{n} file", "{n} files", info.files).format(n=info.files),
                ngettext("{n} passage", "{n} passages", info.chunks).format(n=info.chunks)]
        if info.failed:
            bits.append(ngettext("{n} could not be read", "{n} could not be read", info.failed).format(n=info.failed))
        bits.append(_("last indexed {time}").format(time=when(info.indexed_at)))
        self.stats.setText(" · ".join(bits))
        self.sources.clear()
        for path in info.sources:
            self.sources.addItem(path)
        self._fill_models(info.embedding_model)
        self._fill_files()
        self._show_running(self.kb.current is not None and self.kb.current.name == info.name)

    def _fill_models(self, current: str | None) -> None:
        self.model_box.clear()
        for label, value in embedding_choices(current):
            self.model_box.addItem(label, value)
        values = [self.model_box.itemData(i) for i in range(self.model_box.count())]
        self.model_box.setCurrentIndex(values.index(current) if current in values else 0)
        self.model_box.setToolTip(current or _("Keyword search only: no embedding model"))

    def _fill_files(self) -> None:
        try:
            files = self.kb.files(self.info.name)
        except UserError as exc:
            self.stats.setText(str(exc))
            return
        files = sorted(files, key=lambda f: (not f.error, f.path))  # what failed first
        self.files.setRowCount(len(files))
        for row, f in enumerate(files):
            cells = [Path(f.path).name, str(f.chunks), when(f.indexed_at), f.error or ""]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(f.path if col == 0 else text)
                if col == 3 and f.error:
                    item.setForeground(self.palette().brush(self.foregroundRole()))
                    item.setToolTip(f"{f.path}\n{f.error}")
                self.files.setItem(row, col, item)

    # -- actions ---------------------------------------------------------------------------
    def add_files(self) -> None:
        paths = self.choose_files()
        if paths and self.name:
            self.kb.add_sources(self.name, paths)

    def add_folder(self) -> None:
        path = self.prompts.ask_folder(_("Add a folder to “{name}”").format(name=self.name))
        if path and self.name:
            self.kb.add_sources(self.name, [path])

    def choose_files(self) -> list[str]:
        """The files to add (a seam tests replace)."""
        from PySide6.QtWidgets import QFileDialog

        kinds = "*.md *.markdown *.txt *.text *.docx *.pdf *.html *.htm *.xhtml *.epub"
        paths, _filter = QFileDialog.getOpenFileNames(self, _("Add files to “{name}”").format(name=self.name),
                                                      str(Path.home()), _("Documents ({kinds})").format(kinds=kinds))
        return paths

    def remove_sources(self) -> None:
        chosen = [i.text() for i in self.sources.selectedItems()]
        if not chosen or not self.name:
            return
        if not self.prompts.confirm(_("Remove sources"),
                                    _("Remove {n} sources and their passages from “{name}”? The files stay on disk.")
                                    .format(n=len(chosen), name=self.name)):
            return
        self.kb.remove_sources(self.name, chosen)
        self._show_running(True)
        self.progress_label.setText(_("Waiting…"))

    def sync(self) -> None:
        if self.name:
            self.kb.sync(self.name)
            self._show_running(True)
            self.progress_label.setText(_("Waiting…"))

    def _model_chosen(self, index: int) -> None:
        value = self.model_box.itemData(index)
        if value == OTHER:
            value = self.prompts.ask_open_path(_("Choose an embedding model"), _("GGUF models (*.gguf)")) or None
            if value is None:
                self._fill_models(self.info.embedding_model if self.info else None)
                return
        if self.info is None or value == self.info.embedding_model:
            return
        self.kb.set_model(self.info.name, value)
        self._show_running(True)
        self.progress_label.setText(_("Waiting…"))

    # -- the running job -------------------------------------------------------------------
    def _show_running(self, running: bool) -> None:
        for w in (self.bar, self.stop_button):
            w.setVisible(running)
        self.sync_button.setEnabled(not running)
        self.model_box.setEnabled(not running)
        if running:
            self.bar.setRange(0, 0)
        elif self._running:
            self.progress_label.setText("")
        self._running = running
        self._fit_run_row()

    def _fit_run_row(self) -> None:
        self.run_row.setVisible(self._running or bool(self.progress_label.text()))

    def _job_started(self, name: str, action: str) -> None:
        if name == self.name:
            self._show_running(True)
            self.progress_label.setText(_("Re-embedding…") if action == "model" else _("Indexing…"))

    def _job_progress(self, name: str, done: int, total: int, label: str) -> None:
        if name != self.name:
            return
        if total:
            self.bar.setRange(0, total)
            self.bar.setValue(done)
        shown = Path(label).name if label else ""
        self.progress_label.setText(_("{done} of {total}: {file}").format(done=done, total=total, file=shown)
                                    if total else shown)

    def _job_finished(self, result) -> None:
        if result.name != self.name:
            return
        self._show_running(False)
        self._running = False
        r = result.report or {}
        summary = _("Added {added}, updated {updated}, unchanged {unchanged}, removed {removed}, renamed {renamed}.") \
            .format(**{k: r.get(k, 0) for k in ("added", "updated", "unchanged", "removed", "renamed")})
        failed = r.get("failed") or []
        if failed:
            summary += " " + _("{n} could not be read (see Files).").format(n=len(failed))
        self.progress_label.setText((_("Stopped: what was indexed is kept.") + " " if result.stopped else "")
                                    + summary)
        self._fit_run_row()

    def _job_failed(self, name: str, message: str) -> None:
        if name == self.name:
            self._show_running(False)
            self.progress_label.setText(message)
            self._fit_run_row()
