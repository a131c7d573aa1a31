"""The sidebar: a Chats | Documents switch on top; under Chats the conversation list,
grouped by date, pinned on top, with a context menu (a chat is renamed in place: F2,
double-click, or the menu's Rename); under Documents the writing studio's documents
(:class:`~aigc_desktop.ui.writing.document_list.DocumentList`, its own signals).

The highlight always shows the chat the window has open: a click the window
refuses (a reply is being written elsewhere) is put back once Qt has finished
handling the click (``_restore_highlight``), because the view selects the
clicked row after telling us it became current.

Signals of Sidebar:
    conversationSelected(int id)
    newRequested()
    deleteRequested(int id)
    renameRequested(int id)              ask for a title in a dialog (kept for callers without the list)
    renamed(int id, str title)           edited in place
    pinRequested(int id, bool pinned)
    searchRequested(str query)           typed into the search box ("" = clear)
    resultActivated(int conversation_id, int message_id)   message_id -1 for a title hit
    modeChanged(str mode)                "chats" or "documents", from the switch
"""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QColor, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from aigc_desktop.i18n import N_, _
from aigc_desktop.ui.kit import style

ID_ROLE = Qt.UserRole + 1
MSG_ROLE = Qt.UserRole + 2
# Shown through _(): the language is installed before the window is built.
NEW_CHAT = N_("New chat")
SEARCH_PLACEHOLDER = N_("Search all chats (Ctrl+F)")
RENAME = N_("Rename")
PIN = N_("Pin")
UNPIN = N_("Unpin")
DELETE = N_("Delete…")
WHO = {"user": N_("You"), "assistant": N_("Assistant"), "system": N_("System")}


def group_label(updated: datetime, pinned: bool, now: datetime | None = None) -> str:
    if pinned:
        return _("Pinned")
    now = now or datetime.now().astimezone()
    day = updated.astimezone(now.tzinfo).date()
    today = now.date()
    if day >= today:
        return _("Today")
    if day == today - timedelta(days=1):
        return _("Yesterday")
    if day > today - timedelta(days=7):
        return _("Previous 7 days")
    return _("Older")


class Sidebar(QWidget):
    conversationSelected = Signal(int)
    newRequested = Signal()
    deleteRequested = Signal(int)
    renameRequested = Signal(int)
    renamed = Signal(int, str)
    pinRequested = Signal(int, bool)
    searchRequested = Signal(str)
    resultActivated = Signal(int, int)
    modeChanged = Signal(str)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("sidebar")
        self.setAttribute(Qt.WA_StyledBackground, True)
        self.new_button = QPushButton(_(NEW_CHAT), self)
        self.new_button.setObjectName("newChatButton")
        self.new_button.setToolTip(_("Start a new chat (Ctrl+N)"))
        self.new_button.setFocusPolicy(Qt.TabFocus)
        self.new_button.setIconSize(QSize(style.ICON, style.ICON))
        style.set_icon(self.new_button, "ph.note-pencil", "text")
        self.search = QLineEdit(self)
        self.search.setObjectName("searchBox")
        self.search.setPlaceholderText(_(SEARCH_PLACEHOLDER))
        self.search.setClearButtonEnabled(True)
        self._search_icon = self.search.addAction(style.icon("ph.magnifying-glass"), QLineEdit.LeadingPosition)
        style.set_icon(self._search_icon, "ph.magnifying-glass")
        # Search options, behind the box's own button: whether the models' thinking is searched too.
        self.search_reasoning = QAction(_("Also search the model's thinking"), self)
        self.search_reasoning.setCheckable(True)
        self.search_reasoning.setToolTip(_("Find words in a reasoning model's thinking as well as in its answers"))
        self.search_menu = QMenu(self)
        self.search_menu.setToolTipsVisible(True)
        self.search_menu.addAction(self.search_reasoning)
        self.search_options = self.search.addAction(style.icon("ph.sliders-horizontal"), QLineEdit.TrailingPosition)
        self.search_options.setToolTip(_("Search options"))
        style.set_icon(self.search_options, "ph.sliders-horizontal")
        self.search_options.triggered.connect(self._show_search_menu)
        self.results = QListWidget(self)
        self.results.setObjectName("searchResults")
        self.results.setWordWrap(True)
        self.results.setSpacing(3)
        self.results.setAlternatingRowColors(True)
        self.results.setVisible(False)
        self.list = QListWidget(self)
        self.list.setObjectName("conversationList")
        self.list.setContextMenuPolicy(Qt.CustomContextMenu)
        self.list.setEditTriggers(QAbstractItemView.EditKeyPressed | QAbstractItemView.DoubleClicked)
        self.list.setIconSize(QSize(14, 14))
        # Long titles end in "…" (full title in the tooltip) instead of scrolling sideways.
        self.list.setTextElideMode(Qt.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        self.results.setHorizontalScrollBarPolicy(Qt.ScrollBarAlwaysOff)
        sp = style.SPACE
        from aigc_desktop.ui.writing.document_list import DocumentList

        self.documents = DocumentList(self)
        chats = QWidget(self)
        lay = QVBoxLayout(chats)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(sp["sm"])
        lay.addWidget(self.new_button)
        lay.addWidget(self.search)
        lay.addWidget(self.results, 1)
        lay.addWidget(self.list, 1)
        self._top_layout = lay
        self.pages = QStackedWidget(self)
        self.pages.addWidget(chats)
        self.pages.addWidget(self.documents)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(sp["sm"], sp["md"], sp["sm"], sp["sm"])
        outer.setSpacing(sp["sm"])
        outer.addWidget(self._build_switch())
        outer.addWidget(self.pages, 1)
        self.mode = "chats"
        self._pinned: dict[int, bool] = {}
        self._titles: dict[int, str] = {}
        self._shown_id: int | None = None  # the chat the window has open
        self._filling = False
        self._item_style = _ItemStyle(self)
        style.set_icon(self._item_style, "ph.push-pin-fill")
        self.new_button.clicked.connect(self.newRequested)
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.itemChanged.connect(self._item_edited)
        self.list.customContextMenuRequested.connect(self._menu)
        # No minimum of its own: wider than a narrow sidebar (160 px), it was cut at the window's edge
        # before its titles were elided.
        self.search.textChanged.connect(self._search_changed)
        self.results.itemActivated.connect(self._result_clicked)
        self.results.itemClicked.connect(self._result_clicked)

    def _build_switch(self) -> QWidget:
        """Chats | Documents as a segmented pair of checkable buttons."""
        box = QWidget(self)
        box.setObjectName("modeSwitch")
        box.setAttribute(Qt.WA_StyledBackground, True)
        row = QHBoxLayout(box)
        row.setContentsMargins(2, 2, 2, 2)
        row.setSpacing(2)
        self.mode_group = QButtonGroup(self)
        self.mode_group.setExclusive(True)
        self.mode_buttons = {}
        for mode, text, icon in (("chats", _("Chats"), "ph.chats-circle"), ("documents", _("Documents"), "ph.files")):
            btn = QPushButton(text, box)
            btn.setObjectName("modeButton")
            btn.setCheckable(True)
            btn.setIconSize(QSize(style.ICON, style.ICON))
            style.set_icon(btn, icon, "text")
            btn.setProperty("mode", mode)
            self.mode_group.addButton(btn)
            self.mode_buttons[mode] = btn
            row.addWidget(btn, 1)
        self.mode_buttons["chats"].setChecked(True)
        self.mode_buttons["chats"].setToolTip(_("Your conversations"))
        self.mode_buttons["documents"].setToolTip(_("The writing studio: articles written section by section"))
        self.mode_group.buttonClicked.connect(self._mode_clicked)
        return box

    def _mode_clicked(self, button) -> None:
        self.modeChanged.emit(button.property("mode"))

    def set_mode(self, mode: str) -> None:
        """Show the chats or the documents (the window calls this; it does not emit modeChanged)."""
        self.mode = mode
        self.mode_buttons[mode].setChecked(True)
        self.pages.setCurrentIndex(1 if mode == "documents" else 0)

    def set_theme(self, p) -> None:
        """The switch and the document list take the theme's colours (the global stylesheet has neither)."""
        r, s = style.RADIUS, style.SPACE
        self.setStyleSheet(f"""
QWidget#modeSwitch {{ background: {p.selected}; border-radius: {r['md']}px; }}
QPushButton#modeButton {{ background: transparent; border: 2px solid transparent; border-radius: {r['sm'] + 2}px;
    padding: {s['xs']}px {s['sm']}px; color: {p.muted}; font-weight: 600; }}
QPushButton#modeButton:checked {{ background: {p.surface}; color: {p.text}; }}
QPushButton#modeButton:hover:!checked {{ color: {p.text}; }}
QPushButton#modeButton:focus {{ border: 2px solid {p.focus}; }}
QListWidget#documentList {{ background: transparent; border: 2px solid transparent; outline: none; color: {p.text}; }}
QListWidget#documentList::item {{ padding: {s['sm'] - 2}px {s['sm']}px; border-radius: {r['sm']}px;
    border: 2px solid transparent; }}
QListWidget#documentList::item:hover {{ background: {p.hover}; }}
QListWidget#documentList::item:selected {{ background: {p.selected}; color: {p.text}; }}
QListWidget#documentList::item:focus {{ border: 2px solid {p.focus}; }}
QListWidget#documentList QLineEdit {{ border: 2px solid {p.focus}; border-radius: {r['sm']}px; padding: 2px; }}
""")

    # -- search -----------------------------------------------------------------
    def _search_changed(self, text: str) -> None:
        # Switch views at once; the hits follow when the search (debounced, off the GUI thread) is done.
        query = text.strip()
        self.results.setVisible(bool(query))
        self.list.setVisible(not query)
        self.searchRequested.emit(query)

    def _show_search_menu(self) -> None:
        self.search_menu.popup(self.search.mapToGlobal(self.search.rect().bottomLeft()))

    def show_results(self, hits) -> None:
        """Show search hits; an empty query shows the conversation list again."""
        query = self.search.text().strip()
        self.results.setVisible(bool(query))
        self.list.setVisible(not query)
        self.results.clear()
        if not query:
            return
        if not hits:
            item = QListWidgetItem(_("No matches"))
            item.setFlags(Qt.NoItemFlags)
            self.results.addItem(item)
            return
        for hit in hits:
            title = hit.conversation_title or _(NEW_CHAT)
            who = _(WHO[hit.role]) if hit.role in WHO else _("Title")
            if getattr(hit, "in_reasoning", False):
                who = _("{who} (thinking)").format(who=who)
            item = QListWidgetItem(_("{title}\n{who}: {snippet}").format(title=title, who=who, snippet=hit.snippet))
            item.setToolTip(_("{title} — {who}").format(title=title, who=who))
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
            self._titles = {c.id: c.title or _(NEW_CHAT) for c in convs}
            self._shown_id = current_id
            last_group = None
            for c in convs:
                group = group_label(c.updated_at, c.pinned)
                if group != last_group:
                    header = QListWidgetItem(group)
                    header.setFlags(Qt.NoItemFlags)
                    font = header.font()
                    font.setPixelSize(style.TYPE["caption"])
                    font.setWeight(font.Weight.DemiBold)
                    header.setFont(font)
                    header.setSizeHint(QSize(0, 30))
                    self.list.addItem(header)
                    last_group = group
                item = QListWidgetItem(c.title or _(NEW_CHAT))
                item.setData(ID_ROLE, c.id)
                item.setToolTip(c.title)
                item.setFlags(item.flags() | Qt.ItemIsEditable)
                self.list.addItem(item)
                if c.id == current_id:
                    self.list.setCurrentItem(item)
            self._item_style.restyle()
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
        self._shown_id = conversation_id
        try:
            for i in range(self.list.count()):
                if self.list.item(i).data(ID_ROLE) == conversation_id:
                    self.list.setCurrentRow(i)
                    return
            # No current item either: one left current (the chat before Ctrl+N) would not emit
            # currentItemChanged when clicked again, so it would not open.
            self.list.setCurrentItem(None)
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
            if self._shown_id != cid:  # refused: the click's selection lands after this returns
                QTimer.singleShot(0, self._restore_highlight)

    @Slot()
    def _restore_highlight(self) -> None:
        if self.current_id() != self._shown_id or any(
                i.data(ID_ROLE) != self._shown_id for i in self.list.selectedItems()):
            self.select(self._shown_id)

    # -- renaming in place ---------------------------------------------------------------
    def _item_for(self, conversation_id: int):
        return next((self.list.item(i) for i in range(self.list.count())
                     if self.list.item(i).data(ID_ROLE) == conversation_id), None)

    def begin_rename(self, conversation_id: int) -> bool:
        """Edit the chat's title in the list; Enter saves (``renamed``), Esc keeps it."""
        item = self._item_for(conversation_id)
        if item is None or not self.list.isVisible():
            return False
        self.list.scrollToItem(item)
        self.list.editItem(item)
        return True

    def _item_edited(self, item) -> None:
        cid = item.data(ID_ROLE)
        if self._filling or cid is None:
            return
        title = item.text().strip()
        old = self._titles.get(cid, "")
        if not title or title == old:
            if item.text() != old:
                self._filling = True
                item.setText(old)
                self._filling = False
            return
        self._titles[cid] = title
        item.setToolTip(title)
        # Emitted after the editor has closed: the receiver refreshes (rebuilds) the list.
        QTimer.singleShot(0, lambda: self.renamed.emit(cid, title))

    def _menu(self, pos) -> None:
        item = self.list.itemAt(pos)
        if item is None or item.data(ID_ROLE) is None:
            return
        cid = item.data(ID_ROLE)
        menu = QMenu(self)
        menu.addAction(style.icon("ph.pencil-simple"), _(RENAME), lambda: self.begin_rename(cid))
        pinned = self._pinned.get(cid, False)
        menu.addAction(style.icon("ph.push-pin-slash" if pinned else "ph.push-pin"), _(UNPIN if pinned else PIN),
                       lambda: self.pinRequested.emit(cid, not pinned))
        menu.addSeparator()
        menu.addAction(style.icon("ph.trash"), _(DELETE), lambda: self.deleteRequested.emit(cid))
        menu.exec(self.list.mapToGlobal(pos))

    @Slot(bool)
    def set_shown(self, shown: bool) -> None:
        """Ctrl+B: collapse or bring back the sidebar."""
        self.setVisible(shown)


class _ItemStyle:
    """Pins' icons and group headers' colour, redrawn by :func:`style.set_icon` on a theme change
    (list items are not widgets, so the stylesheet cannot reach them one by one)."""

    def __init__(self, sidebar: Sidebar) -> None:
        self.sidebar = sidebar
        self.pin = None

    def setIcon(self, icon) -> None:  # noqa: N802 - the setIcon protocol of style.set_icon
        self.pin = icon
        self.restyle()

    def restyle(self) -> None:
        lst = self.sidebar.list
        muted = QBrush(QColor(style.current().muted))
        for i in range(lst.count()):
            item = lst.item(i)
            cid = item.data(ID_ROLE)
            if cid is None:
                item.setForeground(muted)
            elif self.pin is not None:
                item.setIcon(self.pin if self.sidebar._pinned.get(cid) else QIcon())
