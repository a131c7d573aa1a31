"""The Search Hub tab: GGUF repositories matching a query, then one repository's files.

Both requests run as background tasks and only the newest of each counts
(:class:`Latest`): a slow answer to an older query, or to a repository clicked
before another, is dropped instead of overwriting the newer one. A new search also
drops a file listing still on its way. After a failed request nothing of the
previous results stays on screen, where it would pass for an answer. A split GGUF
set is one row (its name, "(2 parts)", the size of all parts) and downloads whole.

Signals of SearchTab:
    downloadRequested(object remote)   a RemoteFile to download (the dialog starts it)
    status(str text, bool error)
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QListWidget, QListWidgetItem, QPushButton, QVBoxLayout, QWidget

from aigc_desktop.errors import UserError
from aigc_desktop.hub import fit
from aigc_desktop.hub.catalog import RemoteFile, list_gguf_files, search_repos
from aigc_desktop.hub.endpoint import HubConfig, hub_config
from aigc_desktop.i18n import _, ngettext
from aigc_desktop.ui.models.common import cell, human_size, make_table
from aigc_desktop.ui.kit.tasks import Latest, Op, op


class SearchTab(QWidget):
    downloadRequested = Signal(object)
    status = Signal(str, bool)

    def __init__(self, settings_store, parent=None) -> None:
        super().__init__(parent)
        self.store = settings_store
        self._searching = Latest()
        self._listing = Latest()
        self.search_box = QLineEdit()
        self.search_box.setPlaceholderText(_("Search Hugging Face for GGUF models, e.g. qwen2.5 instruct"))
        go = QPushButton(_("Search"))
        self.repo_list = QListWidget()
        self.repo_list.setObjectName("repoList")
        self.files = make_table([_("File"), _("Size"), _("Quant"), _("Fits this PC?")])
        self.files.setObjectName("filesTable")
        self.download_btn = QPushButton(_("Download selected file"))
        go.clicked.connect(self.search)
        self.search_box.returnPressed.connect(self.search)
        self.repo_list.currentItemChanged.connect(self._repo_chosen)
        self.download_btn.clicked.connect(self.download_selected)
        top = QHBoxLayout()
        top.addWidget(self.search_box, 1)
        top.addWidget(go)
        mid = QHBoxLayout()
        mid.addWidget(self.repo_list, 2)
        mid.addWidget(self.files, 3)
        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addLayout(mid, 1)
        lay.addWidget(self.download_btn, 0, Qt.AlignLeft)

    def _config(self) -> HubConfig | None:
        """The Hub to ask, read on the GUI thread; a bad address is said here, not in a thread."""
        try:
            return hub_config(self.store)
        except UserError as exc:
            self.status.emit(str(exc), True)
            return None

    # -- search -----------------------------------------------------------------------
    @Slot()
    def search(self) -> Op | None:
        query = self.search_box.text().strip()
        self._listing.cancel()
        self.files.setRowCount(0)
        config = self._config()
        if config is None:
            self.repo_list.clear()
            return None
        self.status.emit(_("Searching for “{query}”…").format(query=query), False)
        return self._searching.start(op(self, search_repos, query, config=config)
                                     .success(self._show_hits).failure(self._search_failed))

    def _show_hits(self, hits) -> None:
        self.repo_list.clear()
        for h in hits:
            item = QListWidgetItem(h.repo)
            item.setToolTip(_("{n:,} downloads").format(n=h.downloads))
            self.repo_list.addItem(item)
        self.status.emit(ngettext("{n} repository.", "{n} repositories.", len(hits)).format(n=len(hits)) if hits
                         else _("No GGUF repositories found."), False)

    def _search_failed(self, message: str) -> None:
        self.repo_list.clear()
        self.files.setRowCount(0)
        self.status.emit(message, True)

    # -- files ------------------------------------------------------------------------
    @Slot(QListWidgetItem, QListWidgetItem)
    def _repo_chosen(self, current, _previous) -> None:
        if current is not None:
            self.show_files(current.text())

    def show_files(self, repo: str) -> Op | None:
        self.files.setRowCount(0)
        config = self._config()
        if config is None:
            return None
        self.status.emit(_("Listing {repo}…").format(repo=repo), False)

        def show(files: list[RemoteFile]) -> None:
            avail = fit.available_memory()
            self.files.setRowCount(0)
            for f in files:
                r = self.files.rowCount()
                self.files.insertRow(r)
                for c, v in enumerate([f.label, human_size(f.size), f.quant or "?", fit.label(fit.estimate(f.size, avail))]):
                    self.files.setItem(r, c, cell(v, f))
            self.status.emit(ngettext("{n} GGUF file in {repo}.", "{n} GGUF files in {repo}.", len(files))
                             .format(n=len(files), repo=repo), False)

        return self._listing.start(op(self, list_gguf_files, repo, config=config)
                                   .success(show).failure(self._listing_failed))

    def _listing_failed(self, message: str) -> None:
        self.files.setRowCount(0)
        self.status.emit(message, True)

    @Slot()
    def download_selected(self) -> None:
        rows = self.files.selectionModel().selectedRows()
        if rows:
            self.downloadRequested.emit(self.files.item(rows[0].row(), 0).data(Qt.UserRole))
        else:
            self.status.emit(_("Choose a file in the list first."), False)
