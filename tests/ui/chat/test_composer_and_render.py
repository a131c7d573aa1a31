"""Composer file drop, code-block Copy, Markdown rendering and themes in the window."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QUrl
from PySide6.QtGui import QGuiApplication

from aigc_desktop.render.html import DARK, LIGHT, render_markdown


def test_drop_text_file_inserts_content(qtbot, make_window, tmp_path):
    """Dropping a UTF-8 text file inserts its text; a binary file inserts nothing."""
    win = make_window(load_model=False)
    note = tmp_path / "草稿.txt"
    note.write_text("第一段\nsecond line", encoding="utf-8")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(note))])
    win.composer.edit.insertFromMimeData(data)
    assert win.composer.text() == "第一段\nsecond line"
    blob = tmp_path / "x.bin"
    blob.write_bytes(b"\xff\xfe\x00\x81" * 10)
    data2 = QMimeData()
    data2.setUrls([QUrl.fromLocalFile(str(blob))])
    win.composer.edit.insertFromMimeData(data2)
    assert win.composer.text() == "第一段\nsecond line"


def test_code_block_copy_link(qtbot, make_window):
    """The Copy link above a code block puts exactly that code on the clipboard."""
    win = make_window(load_model=False)
    conv = win.rt.store.create("code")
    win.rt.store.add_message(conv.id, "assistant", "Here:\n\n```python\nprint('你好')\n```\n\nand\n\n```\nsecond\n```")
    win.conversations.open(conv.id)
    body = win.chat.widgets[0].body
    assert 'href="copy:0"' in body.toHtml() and 'href="copy:1"' in body.toHtml()
    body.anchorClicked.emit(QUrl("copy:1"))
    assert QGuiApplication.clipboard().text() == "second"
    body.anchorClicked.emit(QUrl("copy:0"))
    assert QGuiApplication.clipboard().text() == "print('你好')"


def test_markdown_tables_and_highlighting():
    """Tables become HTML tables; Python code gets Pygments colours; HTML stays text."""
    r = render_markdown("| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\ndef f():\n    return 1\n```\n\n<b>x</b>", LIGHT)
    assert "<table" in r.html and "<td>1</td>" in r.html
    assert "color:" in r.html and "def" in r.html
    assert "&lt;b&gt;x&lt;/b&gt;" in r.html and r.code_blocks == ["def f():\n    return 1\n"]


def test_theme_switch_rerenders(qtbot, make_window):
    """Switching to dark re-renders messages with the dark palette and remembers the choice."""
    win = make_window(load_model=False)
    conv = win.rt.store.create("t")
    win.rt.store.add_message(conv.id, "user", "```\ncode\n```")
    win.conversations.open(conv.id)
    win.set_theme("dark")
    assert win.chat.theme is DARK and DARK.code_background in win.chat.widgets[0].body.toHtml()
    from aigc_desktop.settings import Settings

    assert Settings.load(win.rt.paths.settings_file).theme == "dark"
    win.set_theme("light")
    assert win.chat.theme is LIGHT


def test_narrow_window_wraps_messages_without_sideways_scrolling(qtbot, make_window):
    """At the minimum width (640 px), messages wrap to the pane: no horizontal scrollbar, nothing cut off."""
    win = make_window(load_model=False)
    conv = win.rt.store.create("a rather long conversation title that does not fit in the sidebar at all")
    for i in range(3):
        win.rt.store.add_message(conv.id, "user", f"question {i} " + "word " * 100)
        win.rt.store.add_message(conv.id, "assistant", "回答" * 300, status="done",
                                 model="a-model-file-with-a-very-long-name-Q4_K_M.gguf")
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    win.resize(640, 600)
    qtbot.waitUntil(lambda: win.width() <= 640)
    assert win.minimumWidth() == 640
    for _ in range(5):
        QGuiApplication.processEvents()
    viewport = win.chat.viewport().width()
    assert win.chat.widget().minimumSizeHint().width() <= viewport
    assert win.chat.widget().width() <= viewport
    assert win.sidebar.list.horizontalScrollBar().maximum() == 0
    for w in win.chat.widgets:
        assert w.geometry().right() <= viewport
        assert w.delete_btn.geometry().right() <= w.width()


def test_single_newlines_are_line_breaks():
    """People and models mean a single newline as a new line (as ChatGPT shows it)."""
    r = render_markdown("你好，请介绍一下你自己\nline two", LIGHT)
    assert "<br" in r.html and "line two" in r.html
