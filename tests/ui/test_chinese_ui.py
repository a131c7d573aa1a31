"""The window in Chinese: menus, Send, the Models window's tabs, the sidebar's groups and a
core error in the banner read Chinese, and no visible text holds an English word."""

from __future__ import annotations

import re

import pytest

from aigc_desktop import i18n

# Names a Chinese interface keeps in Latin letters: products, formats, units, keys, and the
# words of the welcome panel's example prompts (Python, CSV, AI).
ALLOWED = {
    "AIGC", "Desktop", "GGUF", "Hugging", "Face", "Markdown", "JSON", "HTML", "PDF", "DOCX", "Word",
    "token", "tokens", "CPU", "GPU", "URL", "Top", "Min", "Esc", "Ctrl", "Shift", "Enter",
    "MB", "GB", "KB", "AI", "API", "Python", "CSV", "English", "SmolLM", "llama", "cpp",
}
ADDRESS = re.compile(r"https?://\S+|\b[\w.-]+\.(?:gguf|com|json|md)\b")


@pytest.fixture
def zh_window(make_window):
    """A main window built after zh_CN was installed; English again afterwards."""
    i18n.install("zh_CN")
    try:
        yield make_window
    finally:
        i18n.install("en")


def model_names(win=None) -> list[str]:
    """Model names may show as they are: the loaded one and the catalog's (longest first)."""
    from aigc_desktop.hub.catalog import load_catalog

    names = [e.name for e in load_catalog()] + ([win.model_choice.name] if win is not None and win.model_choice.name else [])
    return sorted(names, key=len, reverse=True)


def english_words(text: str, names=()) -> list[str]:
    """Words of two or more ASCII letters that are not an allowed name."""
    for name in names:
        text = text.replace(name, " ")
    text = ADDRESS.sub(" ", text)
    return [w for w in re.findall(r"[A-Za-z]{2,}", text) if w not in ALLOWED]


def visible_texts(win) -> list[str]:
    """What a person can read now: visible labels and buttons, and every menu's actions."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QAction
    from PySide6.QtWidgets import QAbstractButton, QLabel, QToolButton

    texts = []
    for w in win.findChildren(QLabel) + win.findChildren(QAbstractButton):
        if isinstance(w, QToolButton) and w.toolButtonStyle() == Qt.ToolButtonIconOnly:
            if w.isVisible():
                texts.append(w.toolTip())  # its text is not drawn: the tooltip is what one reads
            continue
        if w.isVisible() and w.text():
            texts.append(w.text())
    menus = [a.menu() for a in win.menuBar().actions() if a.menu()] if hasattr(win, "menuBar") else []
    for menu in menus:
        for act in [menu.menuAction()] + menu.actions():
            texts.append(act.text())
            if act.menu():
                texts += [sub.text() for sub in act.menu().actions()]
    texts += [a.text() for a in win.findChildren(QAction) if a.isVisible() and a.text()]
    return [t for t in texts if t]


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


def test_models_window_tabs_are_chinese(qtbot, zh_window):
    """The Models window's tabs, table headers and buttons are Chinese."""
    win = zh_window(load_model=False)
    win.show_models()
    dlg = win.models_dialog
    tabs = [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())]
    assert tabs == ["已安装", "模型目录", "在线搜索", "下载", "设置"]
    assert dlg.windowTitle() == "模型"
    table = dlg.installed_tab.table
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[0] == "名称" and "状态" in headers
    names = model_names(win)
    leftovers = {t: english_words(t, names) for t in visible_texts(dlg) if english_words(t, names)}
    assert leftovers == {}


def test_a_core_error_in_the_banner_is_chinese(qtbot, zh_window, tmp_path):
    """Loading a file that is not GGUF shows the core's refusal in Chinese, and says which model stays."""
    win = zh_window()
    bad = tmp_path / "notes.gguf"
    bad.write_text("hello")
    win.model_choice.load(bad)
    qtbot.waitUntil(win.banner.isVisible, timeout=30_000)
    text = win.banner.text()
    assert "不是 GGUF 模型文件" in text and "仍在使用" in text, text


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
