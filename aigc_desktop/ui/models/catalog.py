"""The Catalog tab: the curated starter list (``resources/catalog.json``) with a fit estimate.

The catalog names a repository and a file; Download first asks the Hub for that
file's current listing (size and sha256, in the background, newest request only),
so a file that moved or was re-uploaded is caught before any byte is fetched.
A split set (``parts`` in the catalog) is shown by its name with its number of parts
and the size of all of them, and Download fetches every part.
The Notes column takes the spare width and wraps, and every long cell carries its
full text as a tooltip. A model that thinks before it answers says so by its name;
embedding models (for knowledge bases, never offered for chat) follow under their own
heading row.

Signals of CatalogTab:
    downloadRequested(object remote)   a RemoteFile to download (the dialog starts it)
    status(str text, bool error)
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHeaderView, QLabel, QPushButton, QVBoxLayout, QWidget

from aigc_desktop.errors import UserError
from aigc_desktop.hub import fit
from aigc_desktop.hub.catalog import embedding_models, list_gguf_files, load_catalog
from aigc_desktop.hub.endpoint import hub_config
from aigc_desktop.hub.splits import find_remote
from aigc_desktop.i18n import N_, _
from aigc_desktop.ui.models.common import cell, human_size, make_table
from aigc_desktop.ui.kit.tasks import Latest, op

HEADERS = [N_("Model"), N_("File"), N_("Size"), N_("Quant"), N_("Fits this PC?"), N_("Licence"), N_("Notes")]
FILE_COLUMN, NOTES_COLUMN = 1, 6
THINKS_FIRST = N_("{name} · reasoning (thinks first)")
CAN_THINK = N_("{name} · thinking on or off")
EMBEDDERS = N_("Embedding models, for knowledge bases (they do not chat)")
DIMENSION = N_("{dimension}-dimensional vectors. {notes}")


class CatalogTab(QWidget):
    downloadRequested = Signal(object)
    status = Signal(str, bool)

    def __init__(self, settings_store, parent=None) -> None:
        super().__init__(parent)
        self.store = settings_store
        self._lookup = Latest()
        self.table = make_table([_(h) for h in HEADERS])
        self.table.setObjectName("catalogTable")
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for c in range(len(HEADERS)):
            header.setSectionResizeMode(c, QHeaderView.ResizeToContents)
        header.setSectionResizeMode(FILE_COLUMN, QHeaderView.Interactive)  # long names: elided, tooltip
        header.setSectionResizeMode(NOTES_COLUMN, QHeaderView.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)  # rows grow with wrapped notes
        self.download_btn = QPushButton(_("Download"))
        self.download_btn.clicked.connect(self.download_selected)
        self.memory_note = QLabel("")
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.memory_note)
        lay.addWidget(self.download_btn, 0, Qt.AlignLeft)

    def fill(self) -> None:
        try:
            entries = load_catalog()
            embedders = embedding_models()
        except UserError as exc:
            self.status.emit(str(exc), True)
            return
        avail = fit.available_memory()
        self.memory_note.setText(_("Free memory now: {free}. “{tight}” may run but slowly; “{too_big}” will not load.")
                                 .format(free=human_size(avail), tight=fit.label(fit.TIGHT), too_big=fit.label(fit.TOO_BIG)))
        from aigc_desktop.hub.recommend import recommend

        best = recommend(entries, avail, allow_split=True)
        self.recommended = best
        self.table.setRowCount(0)
        for e in entries:
            name = _(THINKS_FIRST if e.thinks_first else CAN_THINK).format(name=e.name) if e.can_think else e.name
            if e == best:
                name = _("{name} ★ recommended for this computer").format(name=name)
            self._add_row(e, name, e.shown_notes, avail)
        if embedders:
            r = self.table.rowCount()
            self.table.insertRow(r)
            heading = cell(_(EMBEDDERS))
            heading.setFlags(Qt.ItemIsEnabled)  # a heading: not selectable, nothing to download
            font = heading.font()
            font.setBold(True)
            heading.setFont(font)
            self.table.setItem(r, 0, heading)
            self.table.setSpan(r, 0, 1, len(HEADERS))
            for e in embedders:
                notes = e.shown_notes
                if e.dimension and str(e.dimension) not in notes:  # the vector length, unless the note says it
                    notes = _(DIMENSION).format(dimension=e.dimension, notes=notes)
                self._add_row(e, e.name, notes, avail)
        self.table.resizeColumnToContents(FILE_COLUMN)
        self.table.setColumnWidth(FILE_COLUMN, min(self.table.columnWidth(FILE_COLUMN), 220))

    def _add_row(self, e, name: str, notes: str, avail: int) -> None:
        r = self.table.rowCount()
        self.table.insertRow(r)
        for c, v in enumerate([name, e.label, human_size(e.size), e.quant, fit.label(fit.estimate(e.size, avail)),
                               e.license, notes]):
            self.table.setItem(r, c, cell(v, (e.repo, e.file)))
        if notes:  # even a short note: it may wrap out of sight
            self.table.item(r, NOTES_COLUMN).setToolTip(notes)

    @Slot()
    def download_selected(self):
        """Look the chosen file up on the Hub, then ask for its download; returns the task."""
        rows = self.table.selectionModel().selectedRows()
        chosen = self.table.item(rows[0].row(), 0).data(Qt.UserRole) if rows else None
        if not chosen:  # nothing, or the embedders' heading
            self.status.emit(_("Choose a model in the list first."), False)
            return None
        repo, file = chosen
        try:
            config = hub_config(self.store)
        except UserError as exc:
            self.status.emit(str(exc), True)
            return None
        self.status.emit(_("Looking up {file} in {repo}…").format(file=file, repo=repo), False)

        def found(files) -> None:
            match = find_remote(files, file)  # a split set's first part names the whole set
            if match is not None:
                self.downloadRequested.emit(match)
            else:
                self.status.emit(_("{file} is no longer in {repo}.").format(file=file, repo=repo), True)

        return self._lookup.start(op(self, list_gguf_files, repo, config=config)
                                  .success(found).failure(self._lookup_failed))

    def _lookup_failed(self, message: str) -> None:
        self.status.emit(message, True)
