"""Sharing from the window: Copy puts rich text beside the Markdown (a reply, the last
reply, the studio's article); save dialogs suggest the title without an id in front and
open in the last export's folder on its file type."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit

from aigc_desktop.ui.export.controller import EXPORT_FILTERS
from aigc_desktop.ui.writing.article import ARTICLE_FILTERS

REPLY = "## 小结\n\n**重点**：用 `print` 输出，公式 $x^2$。\n\n- 第一\n- 第二\n\n```python\nprint('你好')\n```"


def _chat(win, title="分享 测试"):
    store = win.rt.store
    conv = store.create(title)
    store.add_message(conv.id, "user", "总结一下")
    store.add_message(conv.id, "assistant", REPLY)
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    return conv


def _pasted(qtbot) -> tuple[str, str]:
    """What a rich editor and a plain-text box get from the clipboard (as Markdown, for reading)."""
    rich, plain = QTextEdit(), QPlainTextEdit()
    qtbot.addWidget(rich)
    qtbot.addWidget(plain)
    rich.paste()
    plain.paste()
    return rich.document().toMarkdown(), plain.toPlainText()


def _assert_rich(qtbot, markdown: str) -> str:
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.hasHtml() and mime.hasText()
    assert mime.text() == markdown  # text/plain: the Markdown as written
    html = mime.html()
    assert "copy:" not in html and "math:" not in html  # nothing that only the window can open
    rich, plain = _pasted(qtbot)
    assert plain == markdown
    assert "**" not in rich.replace("**重点**", "") and "**重点**" in rich  # bold as bold, not as stars
    return html


def test_copy_a_reply_puts_formatted_text_and_markdown(qtbot, make_window):
    win = make_window(load_model=False)
    _chat(win)
    qtbot.mouseClick(win.chat.widgets[1].copy_btn, Qt.LeftButton)
    html = _assert_rich(qtbot, REPLY)
    assert "<h2>小结</h2>" in html and "<strong>重点</strong>" in html and "<li>第一</li>" in html
    assert "$x^2$" in html  # a formula as its source
    assert "你好" in html and "<pre" in html


def test_copy_last_reply_is_rich_too(qtbot, make_window):
    win = make_window(load_model=False)
    _chat(win)
    QGuiApplication.clipboard().clear()
    win.conversations.copy_last_reply()
    assert "<h2>小结</h2>" in _assert_rich(qtbot, REPLY)


def test_code_block_copy_stays_plain(qtbot, make_window):
    """The Copy link above a code block still copies just the code, as plain text."""
    win = make_window(load_model=False)
    _chat(win)
    win.chat.copyRequested.emit("print('你好')")
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.text() == "print('你好')" and not mime.hasHtml()


def test_copy_article_is_rich(qtbot, make_window):
    win = make_window(load_model=False)
    assert win.documents.create("分享的文章", "面向初学者", ["开头"])
    qtbot.wait(50)
    win.studio.section.editor.setPlainText("这是**开头**的正文。")
    qtbot.mouseClick(win.studio.section.save_btn, Qt.LeftButton)
    qtbot.mouseClick(win.studio.copy_btn, Qt.LeftButton)
    markdown = win.documents.article.article_markdown()
    assert markdown.startswith("# 分享的文章") and "这是**开头**的正文。" in markdown
    mime = QGuiApplication.clipboard().mimeData()
    assert mime.text() == markdown
    assert "<h1>分享的文章</h1>" in mime.html() and "<strong>开头</strong>" in mime.html()
    rich, plain = _pasted(qtbot)
    assert plain == markdown and "# 分享的文章" in rich and "**开头**" in rich


# -- save dialogs ----------------------------------------------------------------------------
def _answer(win, answers: list, asked: list) -> None:
    """The save dialog: records (suggested, selected filter) and answers the next (path, filter label)."""

    def ask(caption, suggested, filt, selected=""):
        asked.append((suggested, selected))
        path, label = answers.pop(0)
        win.prompts.selected_filter = label
        return str(path)

    win.prompts.ask_save_path = ask


def _settings(win) -> dict:
    return json.loads(Path(win.rt.settings_store.path).read_text(encoding="utf-8"))


def test_export_dialogs_suggest_the_title_and_remember_folder_and_format(qtbot, make_window, tmp_path):
    win = make_window(load_model=False)
    _chat(win)
    labels = {key: label for key, label in EXPORT_FILTERS}
    asked: list = []
    folder = tmp_path / "分享"
    folder.mkdir()
    _answer(win, [(folder / "第一次", labels["html"]), (folder / "第二次", labels["html"])], asked)
    for _ in range(2):
        with qtbot.wait_signal(win.exporter.exported, timeout=30_000):
            win.export_action.trigger()
    first, second = asked
    assert first == (str(Path.home() / "分享 测试.md"), labels["md"])  # no "00001 " in front
    assert second == (str(folder / "分享 测试.html"), labels["html"])  # the last folder and file type
    assert (folder / "第一次.html").is_file() and (folder / "第二次.html").is_file()
    saved = _settings(win)
    assert saved["export_folder"] == str(folder.resolve()) and saved["export_format"] == "html"

    # The studio's article export opens there too, on the same file type; its PDF page size is kept.
    assert win.documents.create("分享的文章", "面向初学者", ["开头"])
    article_labels = {key: label for key, label in ARTICLE_FILTERS}
    _answer(win, [(folder / "文章", article_labels["pdf:letter"]), (folder / "文章2.md", article_labels["md"])], asked)
    with qtbot.wait_signal(win.documents.exported, timeout=60_000):
        win.documents.article.export()
    assert asked[2] == (str(folder / "分享的文章.html"), article_labels["html"])
    assert _settings(win)["export_format"] == "pdf:letter"
    win.documents.article.export()
    assert asked[3] == (str(folder / "分享的文章.pdf"), article_labels["pdf:letter"])
    assert _settings(win)["export_format"] == "md"  # the typed .md and the chosen file type agree


def test_image_dialog_suggests_the_title_in_the_last_folder(qtbot, make_window, tmp_path):
    win = make_window(load_model=False)
    _chat(win)
    win.rt.settings_store.update(export_folder=str(tmp_path))
    asked: list = []
    _answer(win, [(tmp_path / "图.png", "")], asked)
    written = win.exporter.export_image()
    assert asked[0][0] == str(tmp_path / "分享 测试.png") and written and written[0].is_file()


def test_a_remembered_folder_that_is_gone_falls_back_to_home(qtbot, make_window, tmp_path):
    win = make_window(load_model=False)
    _chat(win)
    win.rt.settings_store.update(export_folder=str(tmp_path / "gone"), export_format="json")
    asked: list = []
    _answer(win, [("", "")], asked)
    win.export_action.trigger()
    labels = {key: label for key, label in EXPORT_FILTERS}
    assert asked == [(str(Path.home() / "分享 测试.json"), labels["json"])]
