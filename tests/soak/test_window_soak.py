"""500 turns through the window with the scripted engine: memory, Qt objects and threads do not grow per turn.

Fifty chats of ten turns each are written through the composer (Enter, as a person
would), each left for a new chat, and then deleted. After a warm-up chat (first-use
caches, fonts, the first message widgets) the window's live QObjects and its widgets
must be back at their starting count once the chats are gone, the process's threads
no more than at the start, and resident memory may grow less than 30 MB over the 500 turns.
"""

from __future__ import annotations

import gc
import os
import threading

import psutil
import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QApplication

from tests.fake_engine import ScriptedEngine
from tests.soak.figures import record
from tests.ui.conftest import send_and_wait

pytestmark = pytest.mark.soak

CHATS, TURNS = int(os.environ.get("SOAK_CHATS", "50")), 10  # SOAK_CHATS: the bench's short run
MB = 1024 * 1024


def test_500_turns_leave_no_objects_threads_or_memory_behind(make_window, qtbot, tmp_path, capsys):
    win = make_window(load_model=False)
    fake = ScriptedEngine()
    win.rt.engine = win.rt.service.engine = win.rt.router.local = fake
    with qtbot.wait_signal(win.modelReady, timeout=10_000):
        win.model_choice.load(tmp_path / "soak.gguf")
    proc = psutil.Process()

    def chat() -> int:
        for i in range(TURNS):
            fake.enqueue("好的，", f"这是第 {i} 个回答：", "一段不太短的文字，" * 8, "**加粗**与`代码`。")
            send_and_wait(qtbot, win, f"第 {i} 个问题，请回答。", timeout=30_000)
        conversation = win.conversations.current_id
        win.conversations.new()
        return conversation

    def settle() -> None:
        for _i in range(5):
            QApplication.processEvents()
            QCoreApplication.sendPostedEvents(None, QEvent.DeferredDelete)
            gc.collect()

    def census() -> dict:
        settle()
        return {"qobjects": len(win.findChildren(QObject)), "widgets": len(QApplication.allWidgets()),
                "os_threads": proc.num_threads(), "py_threads": threading.active_count()}

    def close(conversations) -> None:
        for conversation in conversations:
            win.conversations.delete_now(conversation)
        settle()

    close([chat(), chat()])  # warm-up
    start, rss_start = census(), proc.memory_info().rss
    done = [chat() for _i in range(CHATS)]
    rss_after_turns = proc.memory_info().rss
    close(done)
    end, rss_end = census(), proc.memory_info().rss
    turns = CHATS * TURNS
    with capsys.disabled():
        record("window_soak", turns=turns, rss_start_mb=round(rss_start / MB, 1),
               rss_after_turns_mb=round(rss_after_turns / MB, 1), rss_end_mb=round(rss_end / MB, 1),
               kb_per_turn=round((rss_after_turns - rss_start) / 1024 / turns, 2), start=start, end=end)
    assert rss_after_turns - rss_start < 30 * MB
    assert (end["qobjects"], end["widgets"]) == (start["qobjects"], start["widgets"])
    # Pool threads (Qt's and Python's) end when idle, so there may be fewer, never more.
    assert end["os_threads"] <= start["os_threads"] and end["py_threads"] <= start["py_threads"]
