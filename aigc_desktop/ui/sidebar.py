"""The conversation list: grouped by date, pinned on top, with a context menu.

Signals:
    conversationSelected(int id)
    newRequested()
    deleteRequested(int id)
    renameRequested(int id)
    pinRequested(int id, bool pinned)
    searchRequested(str query)           typed into the search box ("" = clear)
    resultActivated(int conversation_id, int message_id)   message_id -1 for a title hit
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

ID_ROLE = Qt.UserRole + 1
MSG_ROLE = Qt.UserRole + 2


def group_label(updated: datetime, pinned: bool, now: datetime | None = None) -> str:
    if pinned:
        return "Pinned"
    now = now or datetime.now().astimezone()
    day = updated.astimezone(now.tzinfo).date()
    today = now.date()
    if day >= today:
        return "Today"
    if day == today - timedelta(days=1):
        return "Yesterday"
    if day > today - timedelta(days=7):
        return "Previous 7 days"
    return "Older"


class Sidebar(QWidget):
    conversationSelected = Signal(int)
    newRequested = Signal()
    deleteRequested = Signal(int)
    renameRequested = Signal(int)
    pinRequested = Signal(int, bool)
    searchRequested = Signal(str)
    resultActivated = Signal(int, int)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.new_button = QPushButton("New chat", self)
        self.new_button.setObjectName("newChatButton")
        self.search = QLineEdit(self)
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText("Search all chats (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.results = QListWidget(self)
        self.results.setObjectName("searchResults")
        self.results.setWordWrap(True)
        self.results.setSpacing(3)
        self.results.setAlternatingRowColors(True)
        self.results.setVisible(False)
        self.list = QListWidget(self)
        self.list.setObjectName("conversationList")
        self.list.setContextMenuPolicy(Qt.CustomContextMenu)
        # Long titles end in "…" (full title in the tooltip) instead of scrolling sideways.
        self.list.setTextElideMode(Qt.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(6, 6, 6, 6)
        lay.addWidget(self.new_button)
        lay.addWidget(self.search)
        lay.addWidget(self.results, 1)
        lay.addWidget(self.list, 1)
        self._top_layout = lay
        self._pinned: dict[int, bool] = {}
        self._filling = False
        self.new_button.clicked.connect(self.newRequested)
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.customContextMenuRequested.connect(self._menu)
        self.list.setMinimumWidth(220)
        self.search.textChanged.connect(self._search_changed)
        self.results.itemActivated.connect(self._result_clicked)
        self.results.itemClicked.connect(self._result_clicked)

    # -- search -----------------------------------------------------------------
    def _search_changed(self, text: str) -> None:
        # Switch views at once; the hits follow when the search (debounced, off the GUI thread) is done.
        query = text.strip()
        self.results.setVisible(bool(query))
        self.list.setVisible(not query)
        self.searchRequested.emit(query)

    def show_results(self, hits) -> None:
        """Show search hits; an empty query shows the conversation list again."""
        query = self.search.text().strip()
        self.results.setVisible(bool(query))
        self.list.setVisible(not query)
        self.results.clear()
        if not query:
            return
        if not hits:
            item = QListWidgetItem("No matches")
            item.setFlags(Qt.NoItemFlags)
            self.results.addItem(item)
            return
        for hit in hits:
            title = hit.conversation_title or "New chat"
            who = {"user": "You", "assistant": "Assistant", "system": "System"}.get(hit.role or "", "Title")
            item = QListWidgetItem(f"{title}\n{who}: {hit.snippet}")
            item.setToolTip(f"{title} — {who}")
            item.setData(ID_ROLE, hit.conversation_id)
            item.setData(MSG_ROLE, hit.message_id if hit.message_id is not None else -1)
            self.results.addItem(item)

    def _result_clicked(self, item) -> None:
        cid = item.data(ID_ROLE)
        if cid is not None:
            self.resultActivated.emit(cid, item.data(MSG_ROLE))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def set_conversations(self, convs, current_id: int | None) -> None:
        self._filling = True
        try:
            self.list.clear()
            self._pinned = {c.id: c.pinned for c in convs}
            last_group = None
            for c in convs:
                group = group_label(c.updated_at, c.pinned)
                if group != last_group:
                    header = QListWidgetItem(group)
                    header.setFlags(Qt.NoItemFlags)
                    font = header.font()
                    font.setBold(True)
                    header.setFont(font)
                    self.list.addItem(header)
                    last_group = group
                item = QListWidgetItem(c.title or "New chat")
                item.setData(ID_ROLE, c.id)
                item.setToolTip(c.title)
                self.list.addItem(item)
                if c.id == current_id:
                    self.list.setCurrentItem(item)
        finally:
            self._filling = False

    def ids(self) -> list[int]:
        return [
            self.list.item(i).data(ID_ROLE)
            for i in range(self.list.count())
            if self.list.item(i).data(ID_ROLE) is not None
        ]

    def select(self, conversation_id: int | None) -> None:
        """Highlight a conversation without emitting conversationSelected (the window
        calls this for what it already shows; re-emitting would reopen the chat and
        drop a reply being streamed into it)."""
        self._filling = True
        try:
            for i in range(self.list.count()):
                if self.list.item(i).data(ID_ROLE) == conversation_id:
                    self.list.setCurrentRow(i)
                    return
            self.list.clearSelection()
        finally:
            self._filling = False

    def current_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(ID_ROLE) if item else None

    def _current_changed(self, current, _previous) -> None:
        if self._filling or current is None:
            return
        cid = current.data(ID_ROLE)
        if cid is not None:
            self.conversationSelected.emit(cid)

    def _menu(self, pos) -> None:
        item = self.list.itemAt(pos)
        if item is None or item.data(ID_ROLE) is None:
            return
        cid = item.data(ID_ROLE)
        menu = QMenu(self)
        menu.addAction("Rename…", lambda: self.renameRequested.emit(cid))
        pinned = self._pinned.get(cid, False)
        menu.addAction("Unpin" if pinned else "Pin", lambda: self.pinRequested.emit(cid, not pinned))
        menu.addSeparator()
        menu.addAction("Delete…", lambda: self.deleteRequested.emit(cid))
        menu.exec(self.list.mapToGlobal(pos))
