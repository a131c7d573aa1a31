"""The menus and shortcuts, also in Chinese, and no English word in the visible window."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from tests.ui.conftest import english_words, model_names, send_and_wait, short_chat, visible_texts


def test_shortcuts(qtbot, make_window):
    """Ctrl+N starts a new chat, Ctrl+F focuses search, Ctrl+Shift+C copies the last reply."""
    win = make_window()
    short_chat(win)
    reply = send_and_wait(qtbot, win, "Say hi")
    win.activateWindow()
    win.copy_last_shortcut.activated.emit()
    assert QGuiApplication.clipboard().text() == win.rt.store.get_message(reply).content
    win.search_action.trigger()
    assert win.sidebar.search.hasFocus() or win.focusWidget() is win.sidebar.search
    win.new_action.trigger()
    assert win.conversations.current_id is None and win.chat.widgets == []
    assert win.new_action.shortcut().toString() == "Ctrl+N"
    assert win.search_action.shortcut().toString() == "Ctrl+F"
    assert win.stop_shortcut.key().toString() == "Esc"


def test_menus_send_and_status_are_chinese(qtbot, zh_window):
    """The main menus, the Send button's tooltip, the placeholder and the status bar are Chinese."""
    win = zh_window()
    titles = [a.text() for a in win.menuBar().actions()]
    assert {"文件(&F)", "模型(&M)", "视图(&V)", "对话(&C)"} <= set(titles), titles
    assert win.composer.button.toolTip() == "发送 (Enter)"
    assert win.composer.edit.placeholderText().startswith("输入消息")
    assert win.new_action.text() == "新对话" and win.manage_models_action.text() == "管理模型…"
    assert "模型" in win.model_label.text()


def test_no_english_word_in_the_visible_window(qtbot, zh_window):
    """Walking the widget tree finds no visible label, button or menu text with an English word."""
    win = zh_window()
    names = model_names(win)
    leftovers = {t: english_words(t, names) for t in visible_texts(win)}
    leftovers = {t: words for t, words in leftovers.items() if words}
    assert leftovers == {}
