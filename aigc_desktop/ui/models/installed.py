"""The Installed tab: the models on disk, with Use, Set as default, Import, Delete and Resume.

The buttons follow the selected file: a broken file (truncated, not GGUF) can be
deleted but not used or made default, and the bundled starter model cannot be
deleted at all, so its Delete is disabled with a tooltip that says why instead of
asking "Delete from disk?" and then refusing. The default mark is read from the
settings store and redrawn when the default changes anywhere (:meth:`mark_default`).

A split GGUF set is one row (its name, the size of all its parts) and is deleted as
one, after one question. A set with a part missing or unfinished says so in its
Status ("incomplete: 1 of 2 parts"); it cannot be used or made default, and Resume
downloads the missing parts, from the Hub set recorded when its download started.

Questions go through ``host`` (the dialog's ``confirm``, ``ask_open_path`` and ``ask_model_gpu_layers``) so a
test can answer them. An import (a deep GGUF check and a copy of gigabytes) runs as
a background task; the file list is read here, from a cache keyed by size and mtime.

Signals of InstalledTab:
    useModel(str path)      the person chose this model for the chat
    resumeRequested(object remote)   download the missing parts of this set (a RemoteFile)
    modelsChanged()         a model was added, removed or made default
    status(str text, bool error)
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QHeaderView, QPushButton, QVBoxLayout, QWidget

from aigc_desktop.errors import UserError
from aigc_desktop.hub.library import ModelEntry, delete_model, import_model, is_default_model, list_models
from aigc_desktop.hub.library import set_default_model
from aigc_desktop.hub.splits import model_name, parts_label, source_of
from aigc_desktop.i18n import N_, _
from aigc_desktop.paths import app_paths
from aigc_desktop.ui.models.common import cell, human_size, make_table
from aigc_desktop.ui.kit.tasks import op

STATUS_COLUMN = 6
# Marked here, shown through _() (the language is installed before any window is built).
STARTER_CANNOT_BE_DELETED = N_("The starter model is part of the app and cannot be removed.")
CANNOT_USE = N_("This file cannot be used: {problem}")
INCOMPLETE_TIP = N_("Only {have} of the {count} parts of this model are on disk: Resume downloads the rest.")
NO_SOURCE_TIP = N_("Where this set was downloaded from is not known: "
                   "download it again from Catalog or Search Hub.")
RESUME_TIP = N_("Download the missing parts of this model")
PARTS = N_("{count} parts")
DELETE_ONE = N_("Delete {name} from disk?")
DELETE_SET = N_("Delete {name} from disk? All {have} of its parts on disk ({size}) are deleted.")


class InstalledTab(QWidget):
    useModel = Signal(str)
    resumeRequested = Signal(object)
    modelsChanged = Signal()
    status = Signal(str, bool)

    def __init__(self, settings_store, host, parent=None) -> None:
        super().__init__(parent)
        self.store = settings_store
        self.host = host
        self._entries: list[ModelEntry] = []  # one per table row
        self._problems: dict[str, str] = {}  # path -> why it cannot be used
        self._starters: set[str] = set()
        self._by_path: dict[str, ModelEntry] = {}
        self.loading: str | None = None  # the path "Use in chat" asked for, until its result
        self.loaded_name: str | None = None  # the chat's model, as the main window reported it
        self.table = make_table([_("Name"), _("Size"), _("Quant"), _("Parameters"), _("Architecture"),
                                 _("Context"), _("Status")])
        self.table.setObjectName("installedTable")
        self.use_btn = QPushButton(_("Use in chat"))
        self.default_btn = QPushButton(_("Set as default"))
        self.import_btn = QPushButton(_("Import GGUF file…"))
        self.delete_btn = QPushButton(_("Delete…"))
        self.resume_btn = QPushButton(_("Resume download"))
        self.folder_btn = QPushButton(_("Open models folder"))
        self.gpu_btn = QPushButton(_("GPU layers…"))
        self.gpu_btn.clicked.connect(self.gpu_selected)
        self.use_btn.clicked.connect(self.use_selected)
        self.default_btn.clicked.connect(self.make_default_selected)
        self.import_btn.clicked.connect(self.import_file)
        self.delete_btn.clicked.connect(self.delete_selected)
        self.resume_btn.clicked.connect(self.resume_selected)
        self.folder_btn.clicked.connect(self.open_folder)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        row = QHBoxLayout()
        for b in (self.use_btn, self.default_btn, self.gpu_btn, self.resume_btn, self.import_btn, self.delete_btn,
                  self.folder_btn):
            row.addWidget(b)
        row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.addWidget(self.table, 1)
        lay.addLayout(row)

    def _say(self, text: str, error: bool = False) -> None:
        self.status.emit(text, error)

    # -- the list ---------------------------------------------------------------------
    def refresh(self) -> None:
        self._entries = list_models()
        self._problems = {str(e.path): e.problem for e in self._entries if e.problem}
        self._starters = {str(e.path) for e in self._entries if e.is_starter}
        self._by_path = {str(e.path): e for e in self._entries}
        self.table.setRowCount(0)
        for e in self._entries:
            r = self.table.rowCount()
            self.table.insertRow(r)
            info = e.info
            values = [e.name, human_size(e.size), e.quant,
                      info.parameters_label if info else "?", info.architecture if info else "?",
                      f"{info.context_length:,}" if info and info.context_length else "?",
                      self._status_text(e)]
            for c, v in enumerate(values):
                self.table.setItem(r, c, cell(v, str(e.path)))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self._update_buttons()

    def _status_text(self, entry: ModelEntry) -> str:
        if entry.problem:
            return entry.problem
        marks = [(_(PARTS).format(count=entry.parts), entry.parts > 1), (_("starter"), entry.is_starter),
                 (_("default"), is_default_model(entry.path, self.store))]
        return " · ".join(name for name, on in marks if on)

    def mark_default(self) -> None:
        """Redraw only the Status column (the default changed, the files did not)."""
        for r, e in enumerate(self._entries):
            self.table.setItem(r, STATUS_COLUMN, cell(self._status_text(e), str(e.path)))
        self.table.resizeColumnToContents(STATUS_COLUMN)

    def paths(self) -> list[str]:
        return [self.table.item(r, 0).data(Qt.UserRole) for r in range(self.table.rowCount())]

    def selected(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.table.item(rows[0].row(), 0).data(Qt.UserRole) if rows else None

    def select(self, path: str) -> bool:
        for r in range(self.table.rowCount()):
            if self.table.item(r, 0).data(Qt.UserRole) == path:
                self.table.selectRow(r)
                return True
        return False

    @Slot()
    def _update_buttons(self) -> None:
        path = self.selected()
        problem = self._problems.get(path or "")
        entry = self._by_path.get(path or "")
        incomplete = entry is not None and entry.incomplete
        tip = (_(INCOMPLETE_TIP).format(have=len(entry.files), count=entry.parts) if incomplete
               else _(CANNOT_USE).format(problem=problem) if problem else "")
        for b in (self.use_btn, self.default_btn, self.gpu_btn):
            b.setEnabled(path is not None and problem is None)
            b.setToolTip(tip)
        self.resume_btn.setVisible(any(e.incomplete for e in self._entries))
        source = source_of(entry.path) if incomplete else None
        self.resume_btn.setEnabled(source is not None)
        self.resume_btn.setToolTip(_(RESUME_TIP) if source is not None else _(NO_SOURCE_TIP) if incomplete else "")
        starter = path in self._starters
        self.delete_btn.setEnabled(path is not None and not starter)
        self.delete_btn.setToolTip(_(STARTER_CANNOT_BE_DELETED) if starter else "")

    # -- actions ----------------------------------------------------------------------
    @Slot()
    def use_selected(self) -> None:
        path = self.selected()
        if path and path not in self._problems:
            self.loading = path
            self._say(_("Loading {name}…").format(name=Path(path).name))
            self.useModel.emit(path)

    def on_model_load_result(self, ok: bool, message: str) -> None:
        """The main window's modelReady (``message`` = model name) or modelFailed (the reason)."""
        pending, self.loading = self.loading, None
        if ok:
            self.loaded_name = message
            if pending:
                self._say(_("{name} is loaded in the chat.").format(name=message))
        elif pending:
            self._say(_("Could not load {name}: {problem}").format(name=Path(pending).name, problem=message), error=True)

    def is_loaded(self, path: str) -> bool:
        entry = self._by_path.get(path)
        names = {Path(path).stem} | ({entry.name} if entry is not None else set())
        return bool(self.loaded_name) and self.loaded_name in names

    @Slot()
    def gpu_selected(self) -> None:
        """GPU layers for the selected model (its own value, or as in Conversation settings)."""
        from aigc_desktop.settings import model_key
        from aigc_desktop.ui.models.gpu_dialog import save_model_gpu_layers

        path = self.selected()
        if not path or path in self._problems:
            return
        settings = self.store.current()
        value = self.host.ask_model_gpu_layers(model_name(path), settings.model_gpu_layers.get(model_key(path)),
                                               settings.gpu_layers)
        if value is False:  # cancelled
            return
        save_model_gpu_layers(self.store, path, value)
        self._say(_("GPU layers for {name}: {value}, from its next load.").format(
            name=model_name(path), value=value if value is not None else _("as in Conversation settings")))

    @Slot()
    def resume_selected(self) -> None:
        """Ask for the missing parts of the selected incomplete set (the dialog starts the download)."""
        entry = self._by_path.get(self.selected() or "")
        source = source_of(entry.path) if entry is not None and entry.incomplete else None
        if source is None:
            self._say(_(NO_SOURCE_TIP), error=True)
            return
        self.resumeRequested.emit(source)

    @Slot()
    def make_default_selected(self) -> None:
        path = self.selected()
        if not path or path in self._problems:
            return
        try:
            set_default_model(path, self.store)
        except UserError as exc:
            self._say(str(exc), error=True)
            return
        self.mark_default()
        self.modelsChanged.emit()
        self._say(_("{name} is the default model for new chats.").format(name=model_name(path)))

    @Slot()
    def delete_selected(self) -> None:
        path = self.selected()
        if not path:
            return
        if path in self._starters:  # the button is disabled; a caller that goes around it hears why
            self._say(_(STARTER_CANNOT_BE_DELETED), error=True)
            return
        entry = self._by_path.get(path)
        if entry is not None and entry.parts > 1:
            name = parts_label(entry.name, entry.parts)
            text = [_(DELETE_SET).format(name=name, have=len(entry.files), size=human_size(entry.size))]
        else:
            name = Path(path).name
            text = [_(DELETE_ONE).format(name=name)]
        was_default = is_default_model(path, self.store)
        if was_default:
            text.append(_("It is the default model: new chats will use the starter model instead."))
        if self.is_loaded(path):
            text.append(_("It is loaded in the chat; it stays loaded until you switch to another model."))
        if not self.host.confirm(_("Delete model"), "\n\n".join(text)):
            return
        try:
            delete_model(path, self.store)
        except UserError as exc:
            self._say(str(exc), error=True)
            return
        except OSError as exc:  # read-only folder, file in use
            self._say(_("Could not delete {name}: {reason}.").format(name=name, reason=exc.strerror or exc), error=True)
            return
        self.refresh()
        self.modelsChanged.emit()
        self._say(_("Deleted {name}. New chats use the starter model.").format(name=name) if was_default
                  else _("Deleted {name}.").format(name=name))

    @Slot()
    def import_file(self):
        """Check and copy a GGUF file into the models folder in the background; returns the task."""
        path = self.host.ask_open_path()
        if not path:
            return None
        self._say(_("Importing {name}…").format(name=Path(path).name))
        self.import_btn.setEnabled(False)
        return (op(self, import_model, Path(path))
                .success(self._imported)
                .failure(self._import_failed)
                .always(self._import_ended)
                .run())

    def _imported(self, target) -> None:
        self.refresh()
        self.modelsChanged.emit()
        self.select(str(target))
        self._say(_("Imported {name}.").format(name=Path(target).name))

    def _import_failed(self, message: str) -> None:
        self._say(message, error=True)

    def _import_ended(self) -> None:
        self.import_btn.setEnabled(True)

    @Slot()
    def open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(app_paths().ensure().models)))
