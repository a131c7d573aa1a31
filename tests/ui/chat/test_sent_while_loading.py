"""Just after start the model is still loading: the window says so (not "No model"), and a
message sent meanwhile waits for the model and is then sent, instead of a red refusal
that stayed after the model had loaded."""

from __future__ import annotations

import threading

from PySide6.QtCore import Qt

from tests.fake_engine import ScriptedEngine


def _loading_fake(qtbot, win, tmp_path):
    """The window's engine is a scripted one whose load waits until the test lets it go."""
    fake = ScriptedEngine()
    win.rt.engine = win.rt.service.engine = win.rt.router.local = fake
    fake.gate = threading.Event()
    win.model_choice.load(tmp_path / "starter.gguf")
    return fake


def _press_send(qtbot, win, text: str) -> None:
    win.composer.edit.setFocus()
    win.composer.set_text(text)
    qtbot.keyClick(win.composer.edit, Qt.Key_Return)


def test_the_window_says_loading_before_the_runtime_and_while_the_model_loads(qtbot, make_window, tmp_path):
    from aigc_desktop.ui.main_window import MainWindow

    early = MainWindow(None)  # as app.py shows it, before the database and llama.cpp are imported
    qtbot.addWidget(early)
    assert "Loading" in early.composer.model_pill.text()
    early.close()

    win = make_window(load_model=False)
    fake = _loading_fake(qtbot, win, tmp_path)
    try:
        # At once, not when the engine thread gets to it.
        assert "Loading starter" in win.composer.model_pill.text()
        assert "Loading starter.gguf" in win.model_label.text() and not win.load_bar.isHidden()
    finally:
        with qtbot.wait_signal(win.modelReady, timeout=10_000):
            fake.gate.set()
    assert win.composer.model_pill.text() == "starter" and win.load_bar.isHidden()


def test_a_message_sent_while_the_model_loads_is_sent_when_it_is_ready(qtbot, make_window, tmp_path):
    win = make_window(load_model=False)
    fake = _loading_fake(qtbot, win, tmp_path)
    fake.enqueue("Hello there")
    _press_send(qtbot, win, "hi, early")
    assert win.banner.isVisible() and win.banner.kind == "info" and "still loading" in win.banner.text()
    assert not win.turns.busy and win.composer.text() == "hi, early"  # nothing sent yet
    with qtbot.wait_signal(win.turnFinished, timeout=10_000) as done:
        fake.gate.set()
    reply = win.rt.store.get_message(done.args[0])
    assert reply.content == "Hello there"
    assert [m.content for m in win.rt.store.messages(reply.conversation_id)] == ["hi, early", "Hello there"]
    assert not win.banner.isVisible() and win.composer.text() == ""


def test_a_queued_message_changed_or_left_is_not_sent(qtbot, make_window, tmp_path):
    """Typing in the box takes the queued message back (Send again sends the new text);
    so does a failed load, whose error says what went wrong."""
    win = make_window(load_model=False)
    fake = _loading_fake(qtbot, win, tmp_path)
    _press_send(qtbot, win, "first try")
    qtbot.keyClicks(win.composer.edit, " and more")
    assert win.turns.queued is None and not win.banner.isVisible()
    _press_send(qtbot, win, "second try")
    assert win.turns.queued is not None
    win.engine.loadFailed.emit("starter.gguf is not a GGUF file.")  # as the engine thread reports a failed load
    assert win.turns.queued is None and win.banner.kind == "error" and "GGUF" in win.banner.text()
    with qtbot.wait_signal(win.modelReady, timeout=10_000):
        fake.gate.set()
    assert win.rt.store.list() == [] and win.composer.text() == "second try"


def test_a_refusal_shown_while_loading_goes_when_the_model_is_ready(qtbot, make_window, tmp_path):
    """Regenerate (not queued) is refused while the model loads; the red note goes once it is ready."""
    win = make_window(load_model=False)
    fake = _loading_fake(qtbot, win, tmp_path)
    conv = win.rt.store.create("c")
    u = win.rt.store.add_message(conv.id, "user", "q")
    a = win.rt.store.add_message(conv.id, "assistant", "r", parent_id=u.id)
    win.conversations.open(conv.id)
    win.turns.regenerate(a.id)
    assert win.banner.isVisible() and win.banner.kind == "error"
    with qtbot.wait_signal(win.modelReady, timeout=10_000):
        fake.gate.set()
    assert not win.banner.isVisible()


def test_sent_during_the_real_start(qtbot, make_window):
    """The real starter model: Send right after the load began is answered once it has loaded."""
    win = make_window(load_model=False)
    win.model_choice.load_default()
    assert win.engine.loading is not None and not win.engine.is_loaded
    conv = win.rt.store.create("early", sampling={"max_tokens": 8, "temperature": 0.0, "seed": 1})
    win.conversations.open(conv.id)
    with qtbot.wait_signal(win.turnFinished, timeout=120_000) as done:
        _press_send(qtbot, win, "Say hi.")
    reply = win.rt.store.get_message(done.args[0])
    assert reply.conversation_id == conv.id and reply.status == "done" and reply.content
    assert not win.banner.isVisible()
