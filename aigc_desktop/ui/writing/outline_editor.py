"""The outline: the document's sections in order, each with its status, renamed in place
(double-click or F2), added, deleted and moved up or down with the buttons below.

The list speaks only through signals; the controller changes the store and calls
:meth:`OutlineEditor.set_sections` with what the store now holds.

Signals of OutlineEditor:
    sectionSelected(int index)            1-based, as the store counts sections
    renamed(int index, str title)
    addRequested()
    deleteRequested(int index)
    moveRequested(int index, int to)      both 1-based
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import (QAbstractItemView, QHBoxLayout, QLabel, QListWidget, QListWidgetItem, QToolButton,
                               QVBoxLayout, QWidget)

from aigc_desktop.i18n import _
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.writing.own_keys import OwnKeys
from aigc_desktop.ui.writing.status import status_icon, status_word

INDEX_ROLE = Qt.UserRole + 1
TITLE_ROLE = Qt.UserRole + 2


class OutlineEditor(QWidget):
    sectionSelected = Signal(int)
    renamed = Signal(int, str)
    addRequested = Signal()
    deleteRequested = Signal(int)
    moveRequested = Signal(int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("outlineEditor")
        self._filling = False
        self._statuses: list[str] = []
        heading = QLabel(_("Outline"), self)
        heading.setObjectName("paneHeading")
        self.list = QListWidget(self)
        self.list.setObjectName("outlineList")
        self.list.setEditTriggers(QAbstractItemView.EditKeyPressed | QAbstractItemView.DoubleClicked)
        self.list.setIconSize(QSize(style.ICON, style.ICON))
        self.list.setTextElideMode(Qt.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.list.setWordWrap(False)
        self.list.currentRowChanged.connect(self._row_changed)
        self.list.itemChanged.connect(self._item_edited)
        self.list.installEventFilter(OwnKeys(self.list))  # F2 renames the section, not the chat
        bar = QHBoxLayout()
        bar.setSpacing(style.SPACE["xs"])
        self.add_btn = self._tool(bar, "ph.plus", _("Add a section at the end"), self.addRequested.emit)
        self.up_btn = self._tool(bar, "ph.arrow-up", _("Move the section up"), self._up)
        self.down_btn = self._tool(bar, "ph.arrow-down", _("Move the section down"), self._down)
        self.rename_btn = self._tool(bar, "ph.pencil-simple", _("Rename the section (F2)"), self._rename)
        bar.addStretch(1)
        self.delete_btn = self._tool(bar, "ph.trash", _("Delete the section"), self._delete)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(style.SPACE["sm"], style.SPACE["sm"], style.SPACE["xs"], style.SPACE["sm"])
        lay.setSpacing(style.SPACE["xs"])
        lay.addWidget(heading)
        lay.addWidget(self.list, 1)
        lay.addLayout(bar)
        self._editable = True

    def _tool(self, layout, icon: str, tip: str, slot) -> QToolButton:
        btn = QToolButton(self)
        btn.setToolTip(tip)
        btn.setAccessibleName(tip)
        btn.setIconSize(QSize(style.ICON, style.ICON))
        style.set_icon(btn, icon)
        btn.clicked.connect(slot)
        layout.addWidget(btn)
        return btn

    # -- showing ------------------------------------------------------------------------
    def set_sections(self, sections, current_index: int | None) -> None:
        """``sections``: the store's records in order; ``current_index`` 1-based (or None)."""
        self._filling = True
        try:
            self.list.clear()
            self._statuses = [s.status for s in sections]
            for sec in sections:
                item = QListWidgetItem(f"{sec.index}. {sec.title}")
                item.setData(INDEX_ROLE, sec.index)
                item.setData(TITLE_ROLE, sec.title)
                name, role = status_icon(sec.status)
                item.setIcon(style.icon(name, role))
                item.setToolTip(f"{sec.title}\n{status_word(sec.status)}")
                if self._editable:
                    item.setFlags(item.flags() | Qt.ItemIsEditable)
                self.list.addItem(item)
            if current_index is not None and 1 <= current_index <= self.list.count():
                self.list.setCurrentRow(current_index - 1)
        finally:
            self._filling = False
        self._update_buttons()

    def show_status(self, index: int, status: str) -> None:
        """Show section ``index`` (1-based) with ``status`` before the store has it (a run starting)."""
        item = self.list.item(index - 1)
        if item is None:
            return
        name, role = status_icon(status)
        item.setIcon(style.icon(name, role))
        item.setToolTip(f"{item.data(TITLE_ROLE)}\n{status_word(status)}")

    def current_index(self) -> int | None:
        row = self.list.currentRow()
        return row + 1 if row >= 0 else None

    def titles(self) -> list[str]:
        return [self.list.item(i).data(TITLE_ROLE) for i in range(self.list.count())]

    def set_editable(self, editable: bool) -> None:
        """While a run writes, the outline can be looked at but not changed."""
        self._editable = editable
        for i in range(self.list.count()):
            item = self.list.item(i)
            flags = item.flags() | Qt.ItemIsEditable if editable else item.flags() & ~Qt.ItemIsEditable
            self._filling = True
            item.setFlags(flags)
            self._filling = False
        self._update_buttons()

    def _update_buttons(self) -> None:
        row, n = self.list.currentRow(), self.list.count()
        self.add_btn.setEnabled(self._editable)
        self.rename_btn.setEnabled(self._editable and row >= 0)
        self.delete_btn.setEnabled(self._editable and row >= 0 and n > 1)
        self.up_btn.setEnabled(self._editable and row > 0)
        self.down_btn.setEnabled(self._editable and 0 <= row < n - 1)

    # -- the person's actions -------------------------------------------------------------
    @Slot(int)
    def _row_changed(self, row: int) -> None:
        self._update_buttons()
        if not self._filling and row >= 0:
            self.sectionSelected.emit(row + 1)

    def _item_edited(self, item) -> None:
        if self._filling:
            return
        index, old = item.data(INDEX_ROLE), item.data(TITLE_ROLE)
        title = item.text().strip()
        prefix = f"{index}. "
        if title.startswith(prefix):  # edited from the shown "N. title"
            title = title[len(prefix):].strip()
        if not title or title == old:
            self._filling = True
            item.setText(f"{index}. {old}")
            self._filling = False
            return
        # After the editor has closed: the receiver rebuilds the list.
        QTimer.singleShot(0, lambda: self.renamed.emit(index, title))

    @Slot()
    def _rename(self) -> None:
        item = self.list.currentItem()
        if item is not None and self._editable:
            self._filling = True
            item.setText(item.data(TITLE_ROLE))  # edit the title, not its number
            self._filling = False
            self.list.editItem(item)

    @Slot()
    def _delete(self) -> None:
        index = self.current_index()
        if index is not None:
            self.deleteRequested.emit(index)

    @Slot()
    def _up(self) -> None:
        index = self.current_index()
        if index is not None and index > 1:
            self.moveRequested.emit(index, index - 1)

    @Slot()
    def _down(self) -> None:
        index = self.current_index()
        if index is not None and index < self.list.count():
            self.moveRequested.emit(index, index + 1)
