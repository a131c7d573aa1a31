"""The sidebar's list of documents (newest first), with New document, renaming in place
(F2, double-click, or the menu) and Delete….

Signals of DocumentList:
    documentSelected(int id)
    newRequested()
    renamed(int id, str title)
    deleteRequested(int id)
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QAbstractItemView, QListWidget, QListWidgetItem, QMenu, QPushButton, QVBoxLayout, QWidget

from aigc_desktop.i18n import _
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.writing.own_keys import OwnKeys

ID_ROLE = Qt.UserRole + 1


class DocumentList(QWidget):
    documentSelected = Signal(int)
    newRequested = Signal()
    renamed = Signal(int, str)
    deleteRequested = Signal(int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.new_button = QPushButton(_("New document"), self)
        self.new_button.setObjectName("newChatButton")  # the same look as New chat above the chats
        self.new_button.setToolTip(_("Start a new document (Ctrl+Shift+N)"))
        self.new_button.setFocusPolicy(Qt.TabFocus)
        self.new_button.setIconSize(QSize(style.ICON, style.ICON))
        style.set_icon(self.new_button, "ph.file-plus", "text")
        self.new_button.clicked.connect(self.newRequested)
        self.list = QListWidget(self)
        self.list.setObjectName("documentList")
        self.list.setContextMenuPolicy(Qt.CustomContextMenu)
        self.list.setEditTriggers(QAbstractItemView.EditKeyPressed | QAbstractItemView.DoubleClicked)
        self.list.setTextElideMode(Qt.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.list.setIconSize(QSize(style.ICON, style.ICON))
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.itemChanged.connect(self._item_edited)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.installEventFilter(OwnKeys(self.list))  # F2 renames the document, not the chat
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(style.SPACE["sm"])
        lay.addWidget(self.new_button)
        lay.addWidget(self.list, 1)
        self._titles: dict[int, str] = {}
        self._shown_id: int | None = None
        self._filling = False

    def set_documents(self, docs, current_id: int | None) -> None:
        self._filling = True
        try:
            self.list.clear()
            self._titles = {d.id: d.title for d in docs}
            self._shown_id = current_id
            for d in docs:
                item = QListWidgetItem(style.icon("ph.file-text"), d.title)
                item.setData(ID_ROLE, d.id)
                item.setToolTip(d.title)
                item.setFlags(item.flags() | Qt.ItemIsEditable)
                self.list.addItem(item)
                if d.id == current_id:
                    self.list.setCurrentItem(item)
            if not docs:
                empty = QListWidgetItem(_("No documents yet"))
                empty.setFlags(Qt.NoItemFlags)
                self.list.addItem(empty)
        finally:
            self._filling = False

    def ids(self) -> list[int]:
        return [self.list.item(i).data(ID_ROLE) for i in range(self.list.count())
                if self.list.item(i).data(ID_ROLE) is not None]

    def select(self, doc_id: int | None) -> None:
        """Highlight without emitting documentSelected."""
        self._filling = True
        self._shown_id = doc_id
        try:
            item = self._item_for(doc_id)
            if item is not None:
                self.list.setCurrentItem(item)
            else:
                self.list.clearSelection()
        finally:
            self._filling = False

    def _item_for(self, doc_id):
        return next((self.list.item(i) for i in range(self.list.count())
                     if self.list.item(i).data(ID_ROLE) == doc_id), None)

    def _current_changed(self, current, _previous) -> None:
        if self._filling or current is None or current.data(ID_ROLE) is None:
            return
        doc_id = current.data(ID_ROLE)
        self.documentSelected.emit(doc_id)
        if self._shown_id != doc_id:  # refused (a run is writing another document)
            QTimer.singleShot(0, self._restore_highlight)

    @Slot()
    def _restore_highlight(self) -> None:
        self.select(self._shown_id)

    def begin_rename(self, doc_id: int) -> bool:
        item = self._item_for(doc_id)
        if item is None:
            return False
        self.list.editItem(item)
        return True

    def _item_edited(self, item) -> None:
        doc_id = item.data(ID_ROLE)
        if self._filling or doc_id is None:
            return
        title, old = item.text().strip(), self._titles.get(doc_id, "")
        if not title or title == old:
            if item.text() != old:
                self._filling = True
                item.setText(old)
                self._filling = False
            return
        self._titles[doc_id] = title
        QTimer.singleShot(0, lambda: self.renamed.emit(doc_id, title))

    def _menu(self, pos) -> None:
        item = self.list.itemAt(pos)
        if item is None or item.data(ID_ROLE) is None:
            return
        doc_id = item.data(ID_ROLE)
        menu = QMenu(self)
        menu.addAction(style.icon("ph.pencil-simple"), _("Rename"), lambda: self.begin_rename(doc_id))
        menu.addSeparator()
        menu.addAction(style.icon("ph.trash"), _("Delete…"), lambda: self.deleteRequested.emit(doc_id))
        menu.exec(self.list.mapToGlobal(pos))
