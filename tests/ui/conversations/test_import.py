"""File → Import in the window, and cancelling an import."""

from __future__ import annotations

import json
import threading

import pytest


def test_import_chatgpt_file(qtbot, make_window, tmp_path):
    """File → Import brings in a ChatGPT conversations.json and opens it."""
    data = [{
        "title": "Imported chat",
        "create_time": 1700000000.0,
        "update_time": 1700000100.0,
        "current_node": "c",
        "mapping": {
            "root": {"id": "root", "message": None, "parent": None, "children": ["a"]},
            "a": {"id": "a", "parent": "root", "children": ["c"], "message": {
                "id": "a", "author": {"role": "user"}, "create_time": 1700000000.0,
                "content": {"content_type": "text", "parts": ["什么是模型？"]}}},
            "c": {"id": "c", "parent": "a", "children": [], "message": {
                "id": "c", "author": {"role": "assistant"}, "create_time": 1700000050.0,
                "content": {"content_type": "text", "parts": ["A model is **a thing**."]}}},
        },
    }]
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    win = make_window(load_model=False)
    win.prompts.ask_open_path = lambda *a: str(path)
    with qtbot.wait_signal(win.importer.imported, timeout=30_000):
        win.importer.import_chats()
    ids = win.importer.last_import
    assert len(ids) == 1 and win.conversations.current_id == ids[0]
    assert [w.record.content for w in win.chat.widgets] == ["什么是模型？", "A model is **a thing**."]


def test_import_cancelled_in_the_window_adds_nothing(qtbot, make_window, tmp_path, monkeypatch):
    """Import runs as a background task with Cancel; a cancelled import rolls back and the list is unchanged."""
    import json

    import aigc_desktop.importers as importers

    from tests.importers.test_import import CHATGPT

    gate, real = threading.Event(), importers.write_conversations

    def held(db, parsed, cancel=None):  # the worker waits here until Cancel was pressed
        gate.wait(10)
        return real(db, parsed, cancel=cancel)

    monkeypatch.setattr(importers, "write_conversations", held)

    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(CHATGPT, ensure_ascii=False), encoding="utf-8")
    win = make_window(load_model=False)
    win.prompts.ask_open_path = lambda *a: str(path)
    task = win.importer.import_chats()
    assert win.task_progress.isVisible()
    win.task_progress.cancel()
    gate.set()
    qtbot.waitUntil(lambda: not win.task_progress.isVisible(), timeout=30_000)
    assert task.cancelled and win.rt.store.list() == []


def test_cancelled_import_rolls_back(store, tmp_path):
    """import_file with a set cancel event raises a clear message and adds nothing."""
    import json

    from aigc_desktop.importers import import_file
    from aigc_desktop.importers.tree import ImportCancelled

    from tests.importers.test_import import CHATGPT

    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(CHATGPT, ensure_ascii=False), encoding="utf-8")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(ImportCancelled, match="nothing was added"):
        import_file(store, path, cancel=cancel)
    assert store.list() == []
