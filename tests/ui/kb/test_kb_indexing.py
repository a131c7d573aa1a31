"""Indexing as engine jobs: Stop keeps what was indexed, a reply taking the engine pauses the
indexing and it resumes after, and a change in a watched folder syncs its base.

The core's parser is held at one file by a gate (a threading.Event), so "stopped in the middle"
is a fact of the test, not a race."""

from __future__ import annotations

import threading

import pytest

from tests.ui.kb.corpus import make_corpus


@pytest.fixture
def held_parse(monkeypatch):
    """The core's parse_file blocks at its ``at``-th call until ``release`` is set."""
    import aigc_desktop.kb.sync as core_sync

    real = core_sync.parse_file
    state = {"calls": 0, "at": 3, "reached": threading.Event(), "release": threading.Event()}

    def parse(path):
        state["calls"] += 1
        if state["calls"] == state["at"]:
            state["reached"].set()
            assert state["release"].wait(30), "the test never released the parser"
        return real(path)

    monkeypatch.setattr(core_sync, "parse_file", parse)
    yield state
    state["release"].set()


def _indexed(kb, name):
    return sorted(f.path for f in kb.files(name) if f.chunks)


def test_stop_during_indexing_keeps_what_was_done(qtbot, tmp_path, make_window, held_parse):
    win = make_window(load_model=False)
    kb = win.knowledge.controller
    folder = make_corpus(tmp_path, extra=5)  # 8 files
    kb.create("长资料")
    kbw = win.knowledge.show_window()
    kb.add_sources("长资料", [str(folder)])
    qtbot.waitUntil(lambda: held_parse["reached"].is_set() and kbw.panel.stop_button.isVisible(), timeout=30_000)
    with qtbot.waitSignal(kb.finished, timeout=30_000) as done:
        kbw.panel.stop_button.click()
        held_parse["release"].set()
    result = done.args[0]
    assert result.stopped
    assert len(_indexed(kb, "长资料")) == 3  # the two before the gate and the one it held
    assert "Stopped" in kbw.panel.progress_label.text()
    assert not kb.queue  # the person's Stop is not resumed
    with qtbot.waitSignal(kb.finished, timeout=30_000) as again:
        kbw.panel.sync_button.click()
    assert again.args[0].report["added"] == 5 and len(_indexed(kb, "长资料")) == 8


def test_a_reply_taking_the_engine_pauses_indexing_which_resumes_after(qtbot, tmp_path, make_window, held_parse):
    win = make_window(load_model=False)
    kb, engine = win.knowledge.controller, win.engine
    folder = make_corpus(tmp_path, extra=5)
    kb.create("资料")
    kb.add_sources("资料", [str(folder)])
    qtbot.waitUntil(held_parse["reached"].is_set, timeout=30_000)
    results = []
    kb.finished.connect(results.append)
    assert engine.claim(lambda: None)  # what a turn does when Send is pressed
    held_parse["release"].set()
    qtbot.waitUntil(lambda: len(results) == 1, timeout=30_000)
    assert results[0].stopped and len(_indexed(kb, "资料")) == 3
    assert [p.action for p in kb.queue] == ["sync"] and kb.current is None  # waits for the reply
    engine.release()
    qtbot.waitUntil(lambda: len(results) == 2, timeout=30_000)
    assert not results[1].stopped and results[1].report["added"] == 5
    assert len(_indexed(kb, "资料")) == 8


def test_a_change_in_a_watched_folder_syncs_its_base(qtbot, tmp_path, make_window):
    win = make_window(load_model=False)
    kb = win.knowledge.controller
    folder = make_corpus(tmp_path)
    kb.create("看着的")
    with qtbot.waitSignal(kb.finished, timeout=30_000):
        kb.add_sources("看着的", [str(folder)])
    assert str(folder.resolve()) in kb.watch.watched()
    kb.watch.timer.setInterval(100)
    results = []
    kb.finished.connect(results.append)
    (folder / "新笔记.md").write_text("# 新笔记\n\n关于秋天的一段新记录。\n", encoding="utf-8")
    qtbot.waitUntil(lambda: any(r.report.get("added") == 1 for r in results), timeout=30_000)
    assert results[-1].action == "sync" and results[-1].name == "看着的"
    assert any(f.path.endswith("新笔记.md") and f.chunks for f in kb.files("看着的"))
