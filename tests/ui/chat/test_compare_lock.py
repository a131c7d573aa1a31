"""A running comparison holds the window's busy state, as a chat turn does, on the real model."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from tests.ui.conftest import send_and_wait

SHORT = {"max_tokens": 24, "seed": 7}


def _short_new_chats(monkeypatch) -> None:
    import aigc_desktop.chat.presets as presets

    fields = presets.new_chat_fields
    monkeypatch.setattr(presets, "new_chat_fields", lambda name: {**fields(name), "sampling": SHORT})


def _gate_first_delta(monkeypatch) -> tuple[threading.Event, threading.Event]:
    """Hold the comparison at its first streamed piece until ``gate`` is set: it is then
    certainly running, mid-reply on the local engine, however fast the machine."""
    from aigc_desktop.chat.compare import CompareService

    real = CompareService.compare
    streaming, gate = threading.Event(), threading.Event()

    def gated(self, *args, on_delta=None, **kwargs):
        def delta(index: int, text: str) -> None:
            streaming.set()
            gate.wait(120)
            on_delta(index, text)

        return real(self, *args, on_delta=delta, **kwargs)

    monkeypatch.setattr(CompareService, "compare", gated)
    return streaming, gate


def test_running_comparison_locks_chat_and_composer_stop_stops_it(make_window, qtbot, starter_model, monkeypatch):
    """While a comparison streams, the composer shows Stop, Enter sends no chat turn, and the
    composer's Stop stops the comparison; once it has ended, chatting works again."""
    win = make_window()
    _short_new_chats(monkeypatch)
    streaming, gate = _gate_first_delta(monkeypatch)
    turns_sent = []
    win.engine.jobStarted.connect(lambda _job, kind: kind == "turn" and turns_sent.append(kind))
    view = win.show_compare()
    view.set_models([str(starter_model), str(starter_model)])
    view.prompt.setPlainText("Name one colour.")
    try:
        qtbot.mouseClick(view.compare_button, Qt.LeftButton)
        assert view.running and win.turns.busy and win.composer.busy
        assert win.composer.button.text() == "Stop" and win.composer.button.isEnabled()
        qtbot.waitUntil(streaming.is_set, timeout=60_000)  # the local engine is writing an answer now

        win.composer.edit.setFocus()
        win.composer.edit.setPlainText("A chat message that must wait")
        qtbot.keyClick(win.composer.edit, Qt.Key_Return)
        win.turns.send("A chat message that must wait")
        assert turns_sent == [] and win.composer.text() == "A chat message that must wait"

        with qtbot.wait_signal(view.compareFinished, timeout=180_000) as blocker:
            qtbot.mouseClick(win.composer.button, Qt.LeftButton)  # the composer's Stop
            assert view.job is not None and view.job.job.cancel.is_set()
            gate.set()
    finally:
        gate.set()
    conv_id = blocker.args[0]
    assert conv_id >= 0
    replies = [m for m in win.rt.store.messages(conv_id) if m.role == "assistant"]
    assert len(replies) == 2 and {m.status for m in replies} == {"stopped"}
    assert not win.turns.busy and not win.composer.busy and win.composer.button.text() == "Send"
    monkeypatch.undo()  # the real engine client again
    reply_id = send_and_wait(qtbot, win, "Say hi.")
    assert win.rt.store.get_message(reply_id).status in ("done", "stopped")


def test_compare_view_stop_releases_the_window(make_window, qtbot, starter_model, monkeypatch):
    """The comparison's own Stop ends it, and the window is no longer busy afterwards."""
    win = make_window()
    _short_new_chats(monkeypatch)
    streaming, gate = _gate_first_delta(monkeypatch)
    view = win.show_compare()
    view.set_models([str(starter_model), str(starter_model)])
    view.prompt.setPlainText("Name one colour.")
    try:
        qtbot.mouseClick(view.compare_button, Qt.LeftButton)
        qtbot.waitUntil(streaming.is_set, timeout=60_000)
        assert win.turns.busy
        with qtbot.wait_signal(view.compareFinished, timeout=180_000):
            qtbot.mouseClick(view.stop_button, Qt.LeftButton)
            gate.set()
    finally:
        gate.set()
    assert not win.turns.busy and not win.composer.busy and not view.running


def test_compare_refused_while_a_chat_reply_runs(make_window, qtbot, starter_model):
    """Compare pressed while a chat reply is being written starts nothing and says why in
    the window's banner (and in the view)."""
    win = make_window()
    view = win.show_compare()
    view.set_models([str(starter_model), str(starter_model)])
    view.prompt.setPlainText("Name one colour.")
    win.composer.edit.setFocus()
    win.composer.edit.setPlainText("Count from one to five.")
    with qtbot.wait_signal(win.turnFinished, timeout=60_000):
        qtbot.keyClick(win.composer.edit, Qt.Key_Return)
        # No event has been processed since Enter, so the reply cannot have ended yet.
        assert win.turns.busy
        qtbot.mouseClick(view.compare_button, Qt.LeftButton)
        assert not view.running and view.panes == [] and win.turns.kind == "send"
        expected = "A reply is being written in the main window; compare when it has finished."
        assert win.banner.isVisible() and win.banner.text() == expected
        assert view.note.text() == expected
    assert not win.turns.busy
    assert len(win.rt.store.list()) == 1  # only the chat: the comparison stored nothing
