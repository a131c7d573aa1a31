"""Turns in the window: sending, stopping, refusing, and the reading-the-conversation note."""

from __future__ import annotations

import threading


from tests.fake_engine import ScriptedEngine
from tests.ui.conftest import send_and_wait, short_chat


def test_slow_first_reply_says_it_is_reading_the_conversation(qtbot, make_window):
    """A long chat's first reply after a restart shows "Reading the conversation… N / M tokens", then clears."""
    from tests.ui.conftest import send_and_wait

    win = make_window()
    store = win.rt.store
    conv = store.create("long")
    parent = None
    for i in range(16):
        u = store.add_message(conv.id, "user", f"Note {i}: ships and gulls at the harbour, counted twice. " * 3,
                              parent_id=parent)
        parent = store.add_message(conv.id, "assistant", f"Noted number {i}. " * 4, parent_id=u.id).id
    store.update(conv.id, sampling={"max_tokens": 8, "temperature": 0.0})
    win.conversations.open(conv.id)
    shown = []
    win.engine.jobEvent.connect(lambda _j, name, _v: name == "reading" and shown.append(win.banner.text()))  # GUI-thread signal, test only
    send_and_wait(qtbot, win, "How many notes?")
    assert shown and "Reading the conversation" in shown[0] and "tokens" in shown[0]
    assert "Reading" not in win.banner.text()


def test_esc_stops(qtbot, make_window):
    """Esc while a reply streams stops it and keeps the partial text."""
    win = make_window()
    conv = short_chat(win)
    win.rt.store.update(conv.id, sampling={"max_tokens": 400, "temperature": 0.0, "seed": 1})
    fired = []

    def on_delta(_t):
        if not fired:
            fired.append(1)
            win.stop_shortcut.activated.emit()

    win.engine.jobDelta.connect(lambda _job, _key, text: on_delta(text))
    reply = send_and_wait(qtbot, win, "Write a very long essay about rivers.")
    rec = win.rt.store.get_message(reply)
    assert rec.status == "stopped" and rec.content


def test_new_chat_clears_the_previous_chats_figures(qtbot, make_window):
    win = make_window()
    short_chat(win)
    send_and_wait(qtbot, win, "hello")
    assert "Last reply" in win.speed_label.text()
    win.new_action.trigger()
    assert win.speed_label.text() == "" and win.context_meter.text().startswith("Context: 0 /")


def test_send_into_a_chat_deleted_in_another_window_never_lands_elsewhere(qtbot, make_window):
    """Another window deletes the open chat and creates a new one, which may get the same
    id: Send must not write into that other chat."""
    win = make_window()
    old = short_chat(win, "Old chat")
    other = win.rt.store  # a second window on the same data folder, same database
    other.delete(old.id)
    newcomer = other.create("Someone else's chat")
    other.add_message(newcomer.id, "user", "private note")
    win.composer.edit.setPlainText("continuing my old chat")
    win.turns.send("continuing my old chat")
    assert "deleted in another window" in win.banner.text()
    assert [m.content for m in other.messages(newcomer.id)] == ["private note"]
    assert win.conversations.current_id is None and not win.turns.busy


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
