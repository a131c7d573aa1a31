"""The Knowledge bases window over the real core: a base made, a Chinese folder added and indexed
(keywords only: no embedding model) through the engine door, its files and a search shown."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QPushButton

from tests.ui.kb.corpus import make_corpus


def _names(table, col=0):
    return sorted(table.item(r, col).text() for r in range(table.rowCount()))


def test_the_window_lists_a_base_and_its_files_after_a_sync(qtbot, tmp_path, make_window, monkeypatch):
    win = make_window(load_model=False)
    folder = make_corpus(tmp_path)
    kbw = win.knowledge.show_window()
    monkeypatch.setattr(win.prompts, "ask_text", lambda *a: "我的资料")
    assert kbw.new_base() == "我的资料"
    monkeypatch.setattr(win.prompts, "ask_folder", lambda *a: str(folder))
    with qtbot.waitSignal(win.knowledge.controller.finished, timeout=60_000) as done:
        kbw.panel.add_folder_button.click()
    assert done.args[0].report["added"] == 3 and not done.args[0].stopped
    assert [kbw.bases.item(i).text() for i in range(kbw.bases.count())] == ["我的资料"]
    panel = kbw.panel
    assert [panel.sources.item(i).text() for i in range(panel.sources.count())] == [str(folder.resolve())]
    assert _names(panel.files) == ["故乡.md", "笔记.txt", "茶.html"]
    for r in range(panel.files.rowCount()):
        assert int(panel.files.item(r, 1).text()) > 0  # passages
        assert panel.files.item(r, 3).text() == ""  # no problem
    assert "3 files" in panel.stats.text()
    assert "Added 3" in panel.progress_label.text()
    assert panel.model_box.currentData() is None  # keyword search only

    # The search box finds a two-character word, and the script of the HTML page is not indexed.
    panel.search.box.setText("故乡")
    panel.search.button.click()
    qtbot.waitUntil(lambda: panel.search.results.count() > 0, timeout=30_000)
    assert Path(panel.search.hits[0].file).name == "故乡.md"
    assert "故乡" in panel.search.results.item(0).text()
    panel.search.box.setText("不该被索引的脚本")
    panel.search.hits = [object()]
    panel.search.button.click()
    qtbot.waitUntil(lambda: panel.search.hits == [], timeout=30_000)


def test_a_file_that_cannot_be_read_is_listed_with_its_reason(qtbot, tmp_path, make_window):
    win = make_window(load_model=False)
    folder = make_corpus(tmp_path)
    (folder / "坏的.docx").write_bytes(b"not a zip at all")
    kb = win.knowledge.controller
    kb.create("坏文件")
    with qtbot.waitSignal(kb.finished, timeout=60_000):
        kb.add_sources("坏文件", [str(folder)])
    kbw = win.knowledge.show_window()
    table = kbw.panel.files
    problems = {table.item(r, 0).text(): table.item(r, 3).text() for r in range(table.rowCount())}
    assert problems["坏的.docx"] and not problems["故乡.md"]
    assert table.item(0, 0).text() == "坏的.docx"  # what failed comes first
    assert "1 could not be read" in kbw.panel.stats.text()


def test_delete_asks_first_and_removes_the_base(qtbot, tmp_path, make_window, monkeypatch):
    win = make_window(load_model=False)
    kb = win.knowledge.controller
    kb.create("要删的")
    kbw = win.knowledge.show_window()
    monkeypatch.setattr(win.prompts, "confirm", lambda *a: False)
    assert not kbw.delete_base()
    assert [b.name for b in kb.bases()] == ["要删的"]
    monkeypatch.setattr(win.prompts, "confirm", lambda *a: True)
    assert kbw.delete_base()
    assert kb.bases() == [] and kbw.bases.count() == 0


def test_a_taken_name_is_said_in_the_window(qtbot, make_window, monkeypatch):
    win = make_window(load_model=False)
    win.knowledge.controller.create("笔记")
    kbw = win.knowledge.show_window()
    monkeypatch.setattr(win.prompts, "ask_text", lambda *a: "笔记")
    assert kbw.new_base() is None
    assert "笔记" in kbw.note.text() and kbw.bases.count() == 1


def test_files_dropped_on_the_window_are_added_to_the_base_shown(qtbot, tmp_path, make_window):
    from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
    from PySide6.QtGui import QDropEvent

    win = make_window(load_model=False)
    kb = win.knowledge.controller
    kb.create("拖进来")
    folder = make_corpus(tmp_path)
    kbw = win.knowledge.show_window()
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(folder / "故乡.md")), QUrl.fromLocalFile(str(folder / "茶.html"))])
    event = QDropEvent(QPointF(10, 10), Qt.CopyAction, data, Qt.LeftButton, Qt.NoModifier)
    with qtbot.waitSignal(kb.finished, timeout=60_000) as done:
        kbw.dropEvent(event)
    assert done.args[0].report["added"] == 2
    assert sorted(Path(p).name for p in kb.get("拖进来").sources) == ["故乡.md", "茶.html"]


def test_remove_takes_a_source_and_its_files_out_after_asking(qtbot, tmp_path, make_window, monkeypatch):
    win = make_window(load_model=False)
    kb = win.knowledge.controller
    folder = make_corpus(tmp_path)
    kb.create("两处")
    with qtbot.waitSignal(kb.finished, timeout=60_000):
        kb.add_sources("两处", [str(folder / "故乡.md"), str(folder / "茶.html")])
    kbw = win.knowledge.show_window()
    panel = kbw.panel
    panel.sources.item(0).setSelected(True)
    gone = panel.sources.item(0).text()
    monkeypatch.setattr(win.prompts, "confirm", lambda *a: False)
    panel.remove_button.click()
    assert not kb.running and len(kb.get("两处").sources) == 2
    monkeypatch.setattr(win.prompts, "confirm", lambda *a: True)
    with qtbot.waitSignal(kb.finished, timeout=60_000):
        panel.remove_button.click()
    assert kb.get("两处").sources == [p for p in [str((folder / "故乡.md").resolve()),
                                                 str((folder / "茶.html").resolve())] if p != gone]
    assert [f.path for f in kb.files("两处")] == kb.get("两处").sources
    assert _names(panel.files) == [Path(kb.get("两处").sources[0]).name]


def test_the_window_reads_chinese(qtbot, zh_window):
    from tests.ui.conftest import english_words

    win = zh_window(load_model=False)
    win.knowledge.controller.create("笔记")
    kbw = win.knowledge.show_window()
    texts = [w.text() for w in kbw.findChildren(QLabel) + kbw.findChildren(QPushButton) if w.isVisible() and w.text()]
    texts += [kbw.panel.tabs.tabText(i) for i in range(kbw.panel.tabs.count())]
    texts += [kbw.panel.files.horizontalHeaderItem(i).text() for i in range(kbw.panel.files.columnCount())]
    texts += [kbw.panel.model_box.itemText(i) for i in range(kbw.panel.model_box.count())]
    texts += [kbw.windowTitle(), win.knowledge.chip.text(), win.knowledge.button.text(), win.kb_action.text()]
    found = {t: english_words(t) for t in texts if english_words(t)}
    assert found == {}
    assert "知识库" in (kbw.windowTitle(), win.knowledge.chip.text())
