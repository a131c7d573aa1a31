"""The window's export dialogs offer "Include the model's thinking" for a chat that has it (off
by default), and the search box's options turn searching the thinking on and off."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QCheckBox, QFileDialog

THOUGHT = "先分析问题：用户问 AIGC 的定义，避免术语。"
ANSWER = "AIGC 指人工智能生成内容。"


def _window_with_thinking(make_window):
    win = make_window(load_model=False)
    store = win.rt.store
    conv = store.create("推理导出")
    store.add_message(conv.id, "user", "AIGC 是什么？")
    store.add_message(conv.id, "assistant", ANSWER, reasoning=THOUGHT, model="fk/fk-tags")
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    return win, conv


def _answer_dialog(win, path: Path, tick: bool, seen: list):
    """Answer the real save dialog through the prompts' run_dialog seam."""
    def run(dialog):
        boxes = dialog.findChildren(QCheckBox, "saveOption")
        seen.append(dialog)
        if boxes:
            assert not boxes[0].isChecked()  # the answers alone unless asked
            boxes[0].setChecked(tick)
        dialog.selectFile(str(path))
        return True

    win.prompts.run_dialog = run


def test_export_dialog_offers_the_thinking_unchecked(qtbot, make_window, tmp_path):
    from aigc_desktop import i18n

    i18n.install("zh_CN")
    try:
        win, _conv = _window_with_thinking(make_window)
        seen: list = []
        _answer_dialog(win, tmp_path / "plain.md", False, seen)
        win.prompts.selected_filter = ""
        assert win.exporter.export_current("md") == tmp_path / "plain.md"
        [dialog] = seen
        assert isinstance(dialog, QFileDialog)
        [box] = dialog.findChildren(QCheckBox, "saveOption")
        assert box.text() == "包含思考过程"
        dialog.resize(760, 460)
        dialog.grab().save("/tmp/export-dialog-thinking.png")
        text = (tmp_path / "plain.md").read_text(encoding="utf-8")
        assert ANSWER in text and THOUGHT not in text

        _answer_dialog(win, tmp_path / "full.md", True, seen)
        win.exporter.export_current("md")
        text = (tmp_path / "full.md").read_text(encoding="utf-8")
        assert text.index("思考过程") < text.index(THOUGHT) < text.index(ANSWER)
    finally:
        i18n.install("en")


def test_export_dialog_thinking_reaches_the_pdf(qtbot, make_window, tmp_path):
    win, _conv = _window_with_thinking(make_window)
    _answer_dialog(win, tmp_path / "full.html", True, [])
    with qtbot.wait_signal(win.exporter.exported, timeout=60_000):
        win.exporter.export_current("html")
    assert '<aside class="thinking">' in (tmp_path / "full.html").read_text(encoding="utf-8")


def test_a_chat_without_thinking_keeps_the_plain_dialog(qtbot, make_window, tmp_path):
    win = make_window(load_model=False)
    conv = win.rt.store.create("普通")
    win.rt.store.add_message(conv.id, "user", "你好")
    win.conversations.open(conv.id)
    asked = []
    win.prompts.ask_save_path = lambda *a: asked.append(a) or str(tmp_path / "x.md")
    win.exporter.export_current("md")
    assert len(asked[0]) == 4  # no check box offered


def test_long_image_with_thinking_is_taller(qtbot, make_window, tmp_path):
    win, conv = _window_with_thinking(make_window)
    heights = {}
    for tick in (False, True):
        _answer_dialog(win, tmp_path / f"img-{tick}.png", tick, [])
        [path] = win.exporter.export_image()
        heights[tick] = QImage(str(path)).height()
    assert heights[True] > heights[False] + 40


def test_search_options_turn_thinking_search_on(qtbot, make_window):
    win, conv = _window_with_thinking(make_window)
    sidebar = win.sidebar

    def hits(query):
        sidebar.search.setText(query)
        with qtbot.wait_signal(win.search.searched, timeout=10_000) as blocker:
            win.search.search_now(query)
        return blocker.args[0]

    assert hits("术语") == 0  # only in the thinking (a two-character word)
    sidebar.search_menu.aboutToShow.emit()
    assert not sidebar.search_reasoning.isChecked()
    with qtbot.wait_signal(win.search.searched, timeout=10_000):
        sidebar.search_reasoning.trigger()
    assert win.rt.settings.search_reasoning is True
    assert sidebar.results.count() == 1 and "术语" in sidebar.results.item(0).text()
    assert "(thinking)" in sidebar.results.item(0).text()
    assert hits("人工智能") == 1  # answers still found
    sidebar.search_reasoning.trigger()
    assert win.rt.settings.search_reasoning is False and hits("避免术语") == 0


def test_search_options_menu_in_chinese(qtbot, make_window):
    from aigc_desktop import i18n

    i18n.install("zh_CN")
    try:
        win = make_window(load_model=False)
        win.resize(1000, 640)
        win.sidebar.search_menu.aboutToShow.emit()
        assert win.sidebar.search_reasoning.text() == "同时搜索思考过程"
        assert win.sidebar.search_options.toolTip() == "搜索选项"
        win.sidebar.search_menu.grab().save("/tmp/search-options-menu.png")  # drawn without popping up
        win.sidebar.grab().save("/tmp/search-options-sidebar.png")
    finally:
        i18n.install("en")
