"""The Models window in Chinese."""

from __future__ import annotations

from tests.ui.conftest import english_words, model_names, visible_texts


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
