"""The folder watch: a change under a base's folder asks for one sync of that base, after the burst settles."""

from __future__ import annotations


def test_a_burst_of_changes_asks_for_one_sync_of_that_base(qtbot, tmp_path):
    from aigc_desktop.ui.kb.watch import FolderWatch

    notes, other = tmp_path / "笔记", tmp_path / "别的"
    (notes / "子目录").mkdir(parents=True)
    other.mkdir()
    watch = FolderWatch(delay_ms=200)
    watch.set_sources({"笔记库": [str(notes)], "别的库": [str(other)]})
    assert str(notes / "子目录") in watch.watched()  # sub-folders too: Qt's watcher is not recursive
    asked = []
    watch.syncRequested.connect(asked.append)
    (notes / "子目录" / "新.md").write_text("# 故乡\n\n新的一段。", encoding="utf-8")
    (notes / "另一篇.txt").write_text("又一段。", encoding="utf-8")
    qtbot.waitUntil(lambda: asked == ["笔记库"], timeout=10_000)
    assert "别的库" not in asked


def test_sources_no_longer_listed_are_not_watched(qtbot, tmp_path):
    from aigc_desktop.ui.kb.watch import FolderWatch

    folder = tmp_path / "资料"
    folder.mkdir()
    watch = FolderWatch(delay_ms=100)
    watch.set_sources({"资料库": [str(folder)]})
    assert str(folder) in watch.watched()
    watch.set_sources({})
    assert watch.watched() == []
