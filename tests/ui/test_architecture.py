"""The window's structure rules: one settings writer, slots on the GUI thread, a fresh
Stop for every turn, nothing slow on the GUI thread, no empty chats from refused messages."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest
from PySide6.QtCore import QObject, Qt, Signal

from aigc_desktop.paths import app_paths
from aigc_desktop.settings import Settings, SettingsStore
from tests.fake_engine import ScriptedEngine
from tests.ui.conftest import send_and_wait


def test_theme_change_keeps_offline_on_also_when_set_by_another_process(qtbot, make_window):
    """Privacy: offline ticked in the Models window, then in another process the Hub address changes;
    a theme change afterwards keeps both (the window never saves a stale copy)."""
    win = make_window(load_model=False)
    win.rt.settings_store.update(offline=True)  # what the Models window's switch does
    code = ("from aigc_desktop.paths import app_paths; from aigc_desktop.settings import SettingsStore; "
            "SettingsStore(app_paths().settings_file).update(hub_endpoint='https://hf-mirror.com')")
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    win.set_theme("dark")
    saved = Settings.load(app_paths().settings_file)
    assert saved.offline and saved.theme == "dark" and saved.hub_endpoint == "https://hf-mirror.com"


def test_settings_listeners_hear_each_change_once(tmp_path):
    """SettingsStore.update tells listeners which fields changed, and not when nothing did."""
    store = SettingsStore(tmp_path / "settings.json")
    heard = []
    store.add_listener(lambda s, changed: heard.append(set(changed)))
    store.update(offline=True, theme="dark")
    store.update(offline=True)
    assert heard == [{"offline", "theme"}]


class _Sender(QObject):
    ping = Signal(str)


class _Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.got = []

    from PySide6.QtCore import Slot

    @Slot(str)
    def _plain(self, text: str) -> None:
        self.got.append(text)


def test_gui_only_slot_called_from_a_worker_thread_is_caught(qapp):
    """The GUI-thread check can fail: a slot reached by a direct connection from a worker thread is recorded."""
    from aigc_desktop.ui.kit import threads

    receiver = _Receiver()
    slot = threads.gui_only(receiver._plain)
    sender = _Sender()
    sender.ping.connect(slot, Qt.DirectConnection)
    worker = threading.Thread(target=sender.ping.emit, args=("from a worker",), name="worker")
    worker.start()
    worker.join(10)
    try:
        assert receiver.got == ["from a worker"]
        assert threads.violations and "on thread worker" in threads.violations[0]
    finally:
        threads.violations.clear()


def test_worker_signals_reach_slots_on_the_gui_thread(qtbot, make_window):
    """A real turn: every engine-thread signal is received on the GUI thread (the autouse rule checks)."""
    from aigc_desktop.ui.kit import threads

    win = make_window()
    send_and_wait(qtbot, win, "Say hello.")
    assert threads.violations == []
    assert win.engine.worker.thread() is win.engine.thread_ and win.engine.thread() is win.thread()


def test_stop_pressed_before_the_engine_picks_up_the_turn_is_not_lost(qtbot, make_window, tmp_path):
    """Stop while the engine thread is still busy with a load: the queued turn starts stopped."""
    win = make_window(load_model=False)
    fake = ScriptedEngine()
    win.rt.engine = win.rt.service.engine = win.rt.router.local = fake
    with qtbot.wait_signal(win.modelReady, timeout=10_000):
        win.model_choice.load(tmp_path / "first.gguf")
    fake.enqueue(*["很长的回答"] * 50)
    fake.gate = threading.Event()
    win.model_choice.load(tmp_path / "second.gguf")  # the engine thread now waits in load()
    win.turns.send("hello")
    win.turns.stop()
    with qtbot.wait_signal(win.turnFinished, timeout=10_000) as done:
        fake.gate.set()
    reply = win.rt.store.get_message(done.args[0])
    assert reply.status == "stopped" and reply.content == ""


def test_search_runs_off_the_gui_thread_and_only_the_newest_query_shows(qtbot, make_window, monkeypatch):
    """Typing fast searches once, after the pause, on a worker thread; older queries never show."""
    import aigc_desktop.store.search as search_mod

    win = make_window(load_model=False)
    conv = win.rt.store.create("weather")
    win.rt.store.add_message(conv.id, "user", "明天的天气很好")
    ran = []
    real = search_mod.search

    def spy(db, query, limit=50):
        ran.append((query, threading.current_thread() is threading.main_thread()))
        return real(db, query, limit=limit)

    monkeypatch.setattr(search_mod, "search", spy)
    with qtbot.wait_signal(win.search.searched, timeout=10_000):
        for prefix in ("天", "天气"):
            win.sidebar.search.setText(prefix)
    assert ran == [("天气", False)]
    assert win.sidebar.results.count() == 1


@pytest.mark.real
def test_a_refused_first_message_leaves_no_empty_chat(qtbot, make_window):
    """A first message too long for the context is refused on the engine thread; no chat is made,
    the text stays in the box."""
    win = make_window()
    text = "很长的句子。" * 3000
    win.composer.set_text(text)
    with qtbot.wait_signal(win.turnFinished, timeout=60_000) as done:
        win.turns.send(text)
    assert done.args == [-1] and win.rt.store.list() == []
    assert "too long" in win.banner.text() and win.composer.text() == text


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
