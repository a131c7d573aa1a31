"""The Knowledge bases window (知识库): the list of bases on the left (New, Delete), the chosen
base on the right (``base_panel.py``). Files or folders dropped on the window are added to the
base shown.

Built with the :class:`~aigc_desktop.ui.kb.controller.KbController` and the window's prompts;
it refreshes itself from the controller's ``basesChanged`` and ``finished``.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.ui.kb.base_panel import BasePanel
from aigc_desktop.ui.kb.passage import open_passage


class KnowledgeBaseWindow(QWidget):
    def __init__(self, kb, prompts, parent=None) -> None:
        super().__init__(parent, Qt.Window)
        self.kb, self.prompts = kb, prompts
        self.setObjectName("knowledgeBaseWindow")
        self.setWindowTitle(_("Knowledge bases"))
        self.setAcceptDrops(True)
        self.resize(920, 600)
        self.bases = QListWidget()
        self.bases.setObjectName("kbList")
        self.bases.currentItemChanged.connect(self._chosen)
        self.new_button = QPushButton(_("New…"))
        self.new_button.clicked.connect(self.new_base)
        self.delete_button = QPushButton(_("Delete"))
        self.delete_button.clicked.connect(self.delete_base)
        self.note = QLabel("")
        self.note.setTextFormat(Qt.PlainText)
        self.note.setWordWrap(True)
        self.panel = BasePanel(kb, prompts, self)
        self.panel.passageRequested.connect(self.show_passage)
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.bases, 1)
        row = QHBoxLayout()
        row.addWidget(self.new_button)
        row.addWidget(self.delete_button)
        ll.addLayout(row)
        split = QSplitter()
        split.addWidget(left)
        split.addWidget(self.panel)
        split.setStretchFactor(1, 1)
        split.setSizes([220, 700])
        lay = QVBoxLayout(self)
        lay.addWidget(split, 1)
        lay.addWidget(self.note)
        kb.basesChanged.connect(self.refresh)
        self.refresh()

    # -- the list --------------------------------------------------------------------------
    @Slot()
    def refresh(self) -> None:
        """Re-read the bases, keeping the one shown."""
        keep = self.panel.name
        try:
            infos = self.kb.bases()
        except UserError as exc:
            self.note.setText(str(exc))
            return
        self.bases.blockSignals(True)
        self.bases.clear()
        chosen = None
        for info in infos:
            item = QListWidgetItem(info.name)
            item.setData(Qt.UserRole, info.name)
            item.setToolTip(_("{files} files · {chunks} passages").format(files=info.files, chunks=info.chunks))
            self.bases.addItem(item)
            if info.name == keep:
                chosen = item
        if chosen is None and self.bases.count():
            chosen = self.bases.item(0)
        self.bases.setCurrentItem(chosen)
        self.bases.blockSignals(False)
        by_name = {i.name: i for i in infos}
        self.panel.show_base(by_name.get(chosen.data(Qt.UserRole)) if chosen is not None else None)
        self.delete_button.setEnabled(chosen is not None)

    def _chosen(self, item, _previous=None) -> None:
        if item is None:
            return
        try:
            self.panel.show_base(self.kb.get(item.data(Qt.UserRole)))
        except UserError as exc:
            self.note.setText(str(exc))

    def select(self, name: str) -> None:
        for i in range(self.bases.count()):
            if self.bases.item(i).data(Qt.UserRole) == name:
                self.bases.setCurrentRow(i)
                return

    # -- actions ---------------------------------------------------------------------------
    def new_base(self) -> str | None:
        name = self.prompts.ask_text(_("New knowledge base"), _("Name:"), "")
        if name is None:
            return None
        name = name.strip()
        try:
            self.kb.create(name)
        except UserError as exc:
            self.note.setText(str(exc))
            return None
        self.note.setText(_("Add files or a folder to “{name}”: they are indexed at once, and kept in step while "
                            "the app is open.").format(name=name))
        self.select(name)
        return name

    def delete_base(self) -> bool:
        name = self.panel.name
        if not name:
            return False
        if not self.prompts.confirm(_("Delete knowledge base"),
                                    _("Delete “{name}” and its index? Your files stay on disk; chats that used it "
                                      "no longer do.").format(name=name)):
            return False
        try:
            self.kb.remove(name)
        except UserError as exc:
            self.note.setText(str(exc))
            return False
        self.note.setText("")
        return True

    @Slot(object)
    def show_passage(self, citation: dict):
        return open_passage(citation, self)

    # -- drag and drop ---------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if event.mimeData().hasUrls() and self.panel.name:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if paths and self.panel.name:
            self.kb.add_sources(self.panel.name, paths)
            event.acceptProposedAction()
