"""A model file whose check crashes, opened in the window: the window, the chat and the loaded model stay."""

from __future__ import annotations

import shutil
import sys

from aigc_desktop.llm import probe
from tests.ui.conftest import send_and_wait

CRASH = [sys.executable, "-c", "import os, signal; os.kill(os.getpid(), signal.SIGSEGV)"]


def test_a_hostile_file_opened_in_the_window_keeps_the_window_and_the_chat(qtbot, make_window, starter_model,
                                                                           tmp_path, monkeypatch):
    """Open model file… with a file whose check crashes: a banner names it; the chat and the model stay."""
    win = make_window()
    first = send_and_wait(qtbot, win, "Hello")
    conversation = win.conversations.current_id
    hostile = tmp_path / "hostile.gguf"
    shutil.copyfile(starter_model, hostile)
    monkeypatch.setattr(probe, "child_command", lambda path: CRASH)
    win.prompts.ask_open_path = lambda *a: str(hostile)
    with qtbot.wait_signal(win.modelFailed, timeout=60_000):
        win.open_model_action.trigger()
    assert win.isVisible() and "hostile.gguf" in win.banner.text() and "damaged or hostile" in win.banner.text()
    assert win.conversations.current_id == conversation and win.rt.engine.model.path == starter_model
    second = send_and_wait(qtbot, win, "Still there?")
    assert win.rt.store.get_message(second).content and win.rt.store.get_message(first).content
    win.grab().save("/tmp/hostile_window.png")
