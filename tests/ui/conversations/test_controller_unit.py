"""ConversationController and SearchController built from their collaborators, with no
MainWindow and no model: a real store on a temp database with the real change bus, real
sidebar, chat view, composer and banner, and stand-ins for the engine client and prompts."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from aigc_desktop.settings import Settings
from aigc_desktop.store.conversations import ConversationStore
from aigc_desktop.store.db import Database
from aigc_desktop.ui.chat.composer import Composer
from aigc_desktop.ui.chat.view import ChatView
from aigc_desktop.ui.conversations.controller import ConversationController
from aigc_desktop.ui.conversations.search import SearchController
from aigc_desktop.ui.conversations.sidebar import ID_ROLE, Sidebar
from aigc_desktop.ui.kit.banner import Banner
from aigc_desktop.ui.kit.changes import ChangeBus
from aigc_desktop.ui.kit.context import RuntimeRef


class Engine:
    """What the controllers ask of the engine client: whether it is busy, and Stop."""

    def __init__(self) -> None:
        self.busy = False
        self.model = None
        self.stops = 0

    def stop(self) -> None:
        self.stops += 1


class Prompts:
    """Answers the controllers' questions as the test says."""

    def __init__(self) -> None:
        self.answer = True
        self.asked: list[str] = []

    def confirm(self, title: str, _text: str) -> bool:
        self.asked.append(title)
        return self.answer


@pytest.fixture
def parts(qtbot, tmp_path):
    db = Database(tmp_path / "chats.sqlite3")
    store = ConversationStore(db)
    ctx = RuntimeRef(SimpleNamespace(store=store, db=db, settings=Settings()))
    sidebar, chat, composer, banner = Sidebar(), ChatView(), Composer(), Banner()
    for w in (sidebar, chat, composer, banner):
        qtbot.addWidget(w)
    sidebar.show()  # in-place renaming needs a visible list
    engine, prompts = Engine(), Prompts()
    conversations = ConversationController(ctx, engine, sidebar, chat, composer, banner, prompts)
    search = SearchController(ctx, engine, conversations, sidebar, chat, banner, prompts)
    bus = ChangeBus()
    bus.attach(db.changes)
    bus.changed.connect(conversations.on_changes)
    bus.changed.connect(search.on_changes)
    yield SimpleNamespace(db=db, store=store, sidebar=sidebar, chat=chat, banner=banner, engine=engine,
                          prompts=prompts, conversations=conversations, search=search)
    bus.detach()
    db.close()


def titles(sidebar) -> dict[int, str]:
    """The chats the list shows, by id."""
    items = (sidebar.list.item(i) for i in range(sidebar.list.count()))
    return {item.data(ID_ROLE): item.text() for item in items if item.data(ID_ROLE) is not None}


def test_a_title_edited_in_the_list_is_stored_and_shown(qtbot, parts):
    """Editing a title in place (the sidebar's ``renamed``) stores it, and the list, rebuilt
    from the change bus, shows the stored title; an emptied title brings the old one back."""
    conv = parts.store.create("old title")
    parts.conversations.refresh_sidebar()
    assert parts.conversations.open(conv.id)
    parts.conversations.rename_current()  # F2
    editor = parts.sidebar.list.findChild(QLineEdit)
    assert editor is not None and editor.text() == "old title"
    editor.setText("  旅行计划  ")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: parts.store.get(conv.id).title == "旅行计划", timeout=3000)
    assert titles(parts.sidebar) == {conv.id: "旅行计划"}

    parts.sidebar.renamed.emit(conv.id, "   ")
    assert parts.store.get(conv.id).title == "旅行计划" and titles(parts.sidebar) == {conv.id: "旅行计划"}


def test_opening_a_chat_deleted_elsewhere_refreshes_the_list(qtbot, parts):
    """A chat deleted by another window (another connection: this window's bus hears nothing)
    does not open when clicked; the list drops it and the open chat stays open."""
    keep, gone = parts.store.create("keep"), parts.store.create("gone")
    parts.conversations.refresh_sidebar()
    parts.conversations.open(keep.id)
    other = Database(parts.db.path)
    ConversationStore(other).delete(gone.id)
    other.close()
    assert gone.id in titles(parts.sidebar)
    switched: list[int] = []
    parts.conversations.currentChanged.connect(switched.append)
    parts.sidebar.conversationSelected.emit(gone.id)
    assert parts.conversations.current_id == keep.id and switched == []
    assert list(titles(parts.sidebar)) == [keep.id]


def test_opening_another_chat_announces_what_the_window_shows(qtbot, parts):
    """Another chat: the chat view shows its messages, and the speed label and context meter are
    told; opening the same chat again does not clear the speed of its own last reply."""
    a, b = parts.store.create("a"), parts.store.create("b")
    question = parts.store.add_message(b.id, "user", "你好")
    parts.store.add_message(b.id, "assistant", "Hello!", parent_id=question.id, status="done")
    parts.conversations.refresh_sidebar()
    parts.conversations.open(a.id)
    switched, measured = [], []
    parts.conversations.chatSwitched.connect(lambda: switched.append(True))
    parts.conversations.contextChanged.connect(lambda: measured.append(True))
    with qtbot.wait_signal(parts.conversations.currentChanged) as opened:
        parts.sidebar.conversationSelected.emit(b.id)
    assert opened.args == [b.id] and parts.sidebar.current_id() == b.id
    assert [w.record.content for w in parts.chat.widgets] == ["你好", "Hello!"]
    assert switched == [True] and measured == [True]
    parts.conversations.open(b.id)
    assert switched == [True] and measured == [True, True]


def test_no_switch_while_the_engine_is_busy(qtbot, parts):
    """While anything holds the engine, another chat does not open and the highlight stays."""
    a, b = parts.store.create("a"), parts.store.create("b")
    parts.conversations.refresh_sidebar()
    parts.conversations.open(a.id)
    parts.engine.busy = True
    assert not parts.conversations.open(b.id)
    assert parts.conversations.current_id == a.id and parts.sidebar.current_id() == a.id
    assert "Stop it first" in parts.banner.text()


def test_deleting_the_chat_being_written_waits_for_the_stop(qtbot, parts):
    """Delete while a reply is written into the open chat: Stop is pressed and the chat goes
    when the reply has ended (run_pending_delete), then the list no longer shows it."""
    conv = parts.store.create("writing")
    parts.conversations.refresh_sidebar()
    parts.conversations.open(conv.id)
    parts.engine.busy = True
    parts.sidebar.deleteRequested.emit(conv.id)
    assert parts.prompts.asked == ["Delete conversation"] and parts.engine.stops == 1
    assert conv.id in titles(parts.sidebar)
    parts.engine.busy = False
    assert parts.conversations.run_pending_delete() == conv.id
    assert parts.conversations.current_id is None and titles(parts.sidebar) == {}


def test_a_search_hit_opens_its_chat_and_a_deleted_one_is_dropped(qtbot, parts):
    """Typing in the sidebar's box searches; activating a hit opens its chat; deleting the chat
    refreshes the hits, so none points at it."""
    a = parts.store.create("a")
    b = parts.store.create("b")
    parts.store.add_message(b.id, "user", "紫色的大象")
    parts.conversations.refresh_sidebar()
    parts.conversations.open(a.id)
    with qtbot.wait_signal(parts.search.searched, timeout=5000) as found:
        parts.sidebar.search.setText("大象")
    assert found.args == [1]
    parts.sidebar.results.itemActivated.emit(parts.sidebar.results.item(0))
    assert parts.conversations.current_id == b.id
    assert [w.record.content for w in parts.chat.widgets] == ["紫色的大象"]
    with qtbot.wait_signal(parts.search.searched, timeout=5000) as found:
        parts.store.delete(b.id)
    assert found.args == [0]


def click_chat(qtbot, sidebar, conversation_id: int) -> None:
    """A real mouse click on the chat's row in the list."""
    lst = sidebar.list
    item = next(lst.item(i) for i in range(lst.count()) if lst.item(i).data(ID_ROLE) == conversation_id)
    qtbot.mouseClick(lst.viewport(), Qt.LeftButton, pos=lst.visualItemRect(item).center())


def test_the_chat_left_by_ctrl_n_opens_when_clicked(qtbot, parts):
    """Ctrl+N leaves no row current, so a click on the chat just left opens it (it used to stay
    current: no currentItemChanged, and the click did nothing); it opens once, not twice."""
    a, b = parts.store.create("a"), parts.store.create("b")
    parts.conversations.refresh_sidebar()
    click_chat(qtbot, parts.sidebar, a.id)
    assert parts.conversations.current_id == a.id
    parts.conversations.new()
    assert parts.conversations.current_id is None
    assert parts.sidebar.current_id() is None and parts.sidebar.list.selectedItems() == []
    opened: list[int] = []
    parts.conversations.currentChanged.connect(opened.append)
    click_chat(qtbot, parts.sidebar, a.id)
    assert parts.conversations.current_id == a.id and opened == [a.id]
    assert parts.sidebar.current_id() == a.id
    assert [i.data(ID_ROLE) for i in parts.sidebar.list.selectedItems()] == [a.id]
    click_chat(qtbot, parts.sidebar, a.id)  # again: already open, nothing more
    assert opened == [a.id]
    parts.conversations.new()
    click_chat(qtbot, parts.sidebar, b.id)  # another chat still opens as before
    assert parts.conversations.current_id == b.id and opened == [a.id, -1, b.id]
