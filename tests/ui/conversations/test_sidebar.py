"""The chat list: rename (also in place), pin, groups, and collapsing the sidebar."""

from __future__ import annotations

from aigc_desktop.ui.conversations.sidebar import ID_ROLE
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit

from tests.ui.conftest import settle


def test_rename_and_pin(qtbot, make_window):
    """Rename changes the title in the list; a pinned chat goes to the top under 'Pinned'."""
    win = make_window(load_model=False)
    a = win.rt.store.create("alpha")
    b = win.rt.store.create("beta")
    win.conversations.refresh_sidebar()
    assert win.sidebar.ids() == [b.id, a.id]
    win.prompts.ask_text = lambda *args: "阿尔法"
    win.conversations.rename(a.id)
    win.conversations.pin(a.id, True)
    assert win.sidebar.ids() == [a.id, b.id]
    texts = [win.sidebar.list.item(i).text() for i in range(win.sidebar.list.count())]
    assert texts[:2] == ["Pinned", "阿尔法"] and "Today" in texts


def test_rename_in_place_with_f2_and_double_click(qtbot, make_window):
    """F2 edits the open chat's title in the list, Enter saves it; a double-click edits too, Esc keeps the title."""
    win = make_window(load_model=False)
    conv = win.rt.store.create("old title")
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    win.rename_action.trigger()
    editor = win.sidebar.list.findChild(QLineEdit)
    assert editor is not None and editor.text() == "old title"
    editor.setText("新的标题")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: win.rt.store.get(conv.id).title == "新的标题", timeout=3000)
    qtbot.waitUntil(lambda: "新的标题" in [win.sidebar.list.item(i).text() for i in range(win.sidebar.list.count())])
    lst = win.sidebar.list
    item = next(lst.item(i) for i in range(lst.count()) if lst.item(i).data(ID_ROLE) == conv.id)
    centre = lst.visualItemRect(item).center()
    qtbot.mouseClick(lst.viewport(), Qt.LeftButton, pos=centre)  # QTest's double-click sends no press first
    qtbot.mouseDClick(lst.viewport(), Qt.LeftButton, pos=centre)
    editor = lst.findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    editor.setText("discarded")
    qtbot.keyClick(editor, Qt.Key_Escape)
    settle(qtbot, win)
    assert win.rt.store.get(conv.id).title == "新的标题"


def test_ctrl_b_collapses_and_restores_the_sidebar(qtbot, make_window):
    """View → Show sidebar (Ctrl+B) hides the sidebar and brings it back."""
    win = make_window(load_model=False)
    assert win.sidebar_action.shortcut().toString() == "Ctrl+B"
    win.sidebar_action.trigger()
    assert not win.sidebar.isVisible() and not win.sidebar_action.isChecked()
    win.sidebar_action.trigger()
    assert win.sidebar.isVisible()


def test_sidebar_groups_are_chinese(qtbot, zh_window):
    """Pinned and today's chats sit under 置顶 and 今天; a search with no hit says so in Chinese."""
    win = zh_window(load_model=False)
    first = win.rt.store.create(title="周报")
    win.rt.store.create(title="读书笔记")
    win.rt.store.update(first.id, pinned=True)
    win.conversations.refresh_sidebar()
    lst = win.sidebar.list
    texts = [lst.item(i).text() for i in range(lst.count())]
    assert texts[0] == "置顶" and "今天" in texts, texts
    assert win.sidebar.new_button.text() == "新对话"
    assert win.sidebar.search.placeholderText().startswith("搜索全部对话")


def test_long_titles_end_in_an_ellipsis_in_a_small_window(qtbot, zh_window):
    """At 800×600 the chat list fits the (narrowed) sidebar, so a long title is elided with "…" inside
    it instead of running under the chat; the whole title is its tooltip."""
    win = zh_window(load_model=False)
    title = "如何用 Python 读取一个很大的 CSV 文件并按日期分组统计销售额"
    win.rt.store.create(title)
    win.conversations.refresh_sidebar()
    win.resize(800, 600)
    settle(qtbot, win)
    lst = win.sidebar.list
    assert lst.textElideMode() == Qt.ElideRight
    right = lst.viewport().mapTo(win.sidebar, lst.viewport().rect().topRight()).x()
    assert right < win.sidebar.width(), "the list runs past the sidebar's edge, where its titles are cut"
    item = next(lst.item(i) for i in range(lst.count()) if lst.item(i).data(ID_ROLE) is not None)
    # Wider than the visible list: the view draws it in the viewport's width, elided at its right end.
    assert lst.fontMetrics().horizontalAdvance(title) > lst.viewport().width()
    assert item.toolTip() == title
