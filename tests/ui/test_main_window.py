"""The window on the real model: send, stream, persist, reopen, export, IME, errors."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent

from tests.ui.conftest import send_and_wait


def test_type_send_reply_streams_and_is_saved(qtbot, make_window):
    """Enter sends; deltas reach the live message; the reply lands in the database."""
    win = make_window()
    deltas: list[str] = []
    win.engine.jobDelta.connect(lambda _job, _key, text: deltas.append(text))
    reply_id = send_and_wait(qtbot, win, "Hello! Who are you?")
    reply = win.rt.store.get_message(reply_id)
    assert reply.status == "done" and reply.content.strip()
    assert deltas and "".join(deltas) == reply.content
    assert win.composer.text() == ""  # cleared only after the message was saved
    assert [w.record.role for w in win.chat.widgets] == ["user", "assistant"]
    assert reply.content[:10] in win.chat.widgets[-1].body.toPlainText()
    assert win.sidebar.ids() == [reply.conversation_id]
    assert "tok/s" in win.speed_label.text() or "tokens" in win.speed_label.text()


def test_new_window_on_same_database_shows_history(qtbot, make_window):
    """History survives: a second window on the same data folder shows the conversation."""
    win = make_window()
    send_and_wait(qtbot, win, "Remember the word: 蓝莓")
    win.close()
    win2 = make_window(load_model=False)
    assert len(win2.sidebar.ids()) == 1
    texts = [w.body.toPlainText() for w in win2.chat.widgets]
    assert any("蓝莓" in t for t in texts)


def test_export_action_writes_markdown(qtbot, make_window, tmp_path):
    """File → Export writes the current conversation to the chosen file."""
    win = make_window()
    send_and_wait(qtbot, win, "Export me: 导出")
    target = tmp_path / "chat.md"
    win.prompts.ask_save_path = lambda *a: str(target)
    win.export_action.trigger()
    text = target.read_text(encoding="utf-8")
    assert "### User" in text and "Export me: 导出" in text and "### Assistant" in text


def test_shift_enter_adds_newline_and_ime_enter_does_not_send(qtbot, make_window):
    """Shift+Enter breaks the line; Enter while an input method is composing never sends."""
    win = make_window(load_model=False)
    sent: list[str] = []
    win.composer.sendRequested.connect(sent.append)
    edit = win.composer.edit
    edit.setFocus()
    qtbot.keyClicks(edit, "line one")
    qtbot.keyClick(edit, Qt.Key_Return, Qt.ShiftModifier)
    assert edit.toPlainText() == "line one\n" and sent == []
    # Pinyin being composed: preedit text present.
    edit.inputMethodEvent(QInputMethodEvent("nihao", []))
    assert edit.composing
    qtbot.keyClick(edit, Qt.Key_Return)
    assert sent == []
    commit = QInputMethodEvent()
    commit.setCommitString("你好")
    edit.inputMethodEvent(commit)
    assert not edit.composing
    qtbot.keyClick(edit, Qt.Key_Return)
    assert sent == ["line one\n你好"]


def test_stop_keeps_partial_reply(qtbot, make_window):
    """Stop during streaming ends the reply as 'stopped' and keeps its text."""
    win = make_window()
    win.composer.edit.setPlainText("Write a very long story about the ocean and its creatures.")
    stopped = []

    def on_delta(_t):
        if not stopped:
            stopped.append(True)
            win.composer.button.click()  # the Send button is Stop while busy

    win.engine.jobDelta.connect(lambda _job, _key, text: on_delta(text))
    with qtbot.wait_signal(win.turnFinished, timeout=60_000) as blocker:
        qtbot.keyClick(win.composer.edit, Qt.Key_Return)
    reply = win.rt.store.get_message(blocker.args[0])
    assert reply.status == "stopped" and reply.content
    assert win.composer.button.text() == "Send"


def test_bad_model_keeps_previous_and_shows_message(qtbot, make_window, tmp_path):
    """Loading a non-GGUF file shows a clear banner; the loaded model still chats."""
    win = make_window()
    bad = tmp_path / "notes.gguf"
    bad.write_text("hello")
    win.model_choice.load(bad)
    qtbot.waitUntil(win.banner.isVisible, timeout=30_000)
    assert win.banner.isVisible() and "not a GGUF" in win.banner.text()
    assert "Still using" in win.banner.text()
    reply_id = send_and_wait(qtbot, win, "Still there?")
    assert win.rt.store.get_message(reply_id).status == "done"


def test_delete_conversation_asks_first(qtbot, make_window):
    """Delete asks for confirmation; No keeps it, Yes removes it."""
    win = make_window()
    send_and_wait(qtbot, win, "to be deleted")
    cid = win.sidebar.ids()[0]
    win.prompts.confirm = lambda *a: False
    win.conversations.delete(cid)
    assert win.sidebar.ids() == [cid]
    win.prompts.confirm = lambda *a: True
    win.conversations.delete(cid)
    assert win.sidebar.ids() == [] and win.chat.widgets == []


def test_untrusted_html_renders_inert(qtbot, make_window):
    """A message with a script, a remote image and a javascript: link shows as text."""
    win = make_window(load_model=False)
    store = win.rt.store
    conv = store.create("xss")
    store.add_message(conv.id, "user", "<script>alert(1)</script> ![x](http://127.0.0.1:9/x.png) [c](javascript:alert(1))")
    win.conversations.open(conv.id)
    body = win.chat.widgets[0].body
    html = body.toHtml()
    assert "<script" not in html.lower() and "<img" not in html.lower()
    assert "javascript:" not in html.lower().replace("[c](javascript:alert(1))", "")
    assert "<script>alert(1)</script>" in body.toPlainText()


def test_draft_is_evaluated_while_typing(qtbot, make_window):
    """A pause in typing lets the engine evaluate the history and the draft; the send then
    evaluates only the assistant header, and the reply is saved as usual."""
    win = make_window()
    send_and_wait(qtbot, win, "Hello! Name a colour.")
    llm = win.rt.engine._llm
    draft = "And another colour, please? 再来一个。"
    win.composer.edit.setPlainText(draft)  # textChanged starts the pause timer

    def evaluated_text() -> str:
        return llm.detokenize(list(llm.input_ids[: llm.n_tokens])).decode("utf-8", "replace")

    qtbot.waitUntil(lambda: evaluated_text().endswith(draft), timeout=30_000)
    evaluated: list[int] = []
    original = llm.eval
    llm.eval = lambda tokens: (evaluated.append(len(tokens)), original(tokens))[1]
    try:
        with qtbot.wait_signal(win.turnFinished, timeout=60_000) as blocker:
            qtbot.keyClick(win.composer.edit, Qt.Key_Return)
    finally:
        del llm.eval
    reply = win.rt.store.get_message(blocker.args[0])
    assert reply.status == "done"
    assert reply.stats["prompt_tokens"] > 40 and evaluated[0] <= 10


def test_chosen_model_is_remembered_only_once_it_loads(qtbot, make_window, tmp_path, starter_model):
    """'Use in chat' with a broken file: the chat keeps its model (no failed reload on
    every Send); with a good file the conversation remembers it."""
    win = make_window()
    conv = win.rt.store.create("c")
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(starter_model.read_bytes()[:2_000_000])
    with qtbot.wait_signal(win.modelFailed, timeout=60_000):
        win.model_choice.use(str(bad))
    assert win.rt.store.get(conv.id).model is None
    good = tmp_path / "copy.gguf"
    good.write_bytes(starter_model.read_bytes())
    with qtbot.wait_signal(win.modelReady, timeout=60_000):
        win.model_choice.use(str(good))
    assert win.rt.store.get(conv.id).model == str(good)


def test_missing_default_model_falls_back_to_the_starter(qtbot, make_window, tmp_path):
    win = make_window(load_model=False)
    win.rt.settings_store.update(default_model=str(tmp_path / "deleted.gguf"))
    with qtbot.wait_signal(win.modelReady, timeout=60_000):
        win.model_choice.load_default()
    assert "missing" in win.banner.text() and win.rt.engine.loaded


def test_esc_in_search_box_clears_the_search(qtbot, make_window):
    win = make_window(load_model=False)
    win.sidebar.search.setFocus()
    win.sidebar.search.setText("天气")
    assert win.sidebar.results.isVisible()
    win.stop_shortcut.activated.emit()
    assert win.sidebar.search.text() == "" and not win.sidebar.results.isVisible()


def test_closing_during_a_download_asks_first(qtbot, make_window):
    win = make_window(load_model=False)
    dlg = win.show_models()
    dlg.queue.has_active = lambda: True
    asked = []
    win.prompts.confirm = lambda title, text: asked.append(text) or False
    win.close()
    assert asked and "downloading" in asked[0] and win.isVisible()
    win.prompts.confirm = lambda title, text: True
    win.close()
    assert not win.isVisible()


def test_context_meter_warns_while_replies_leave_messages_out(qtbot, make_window):
    """The last reply's prompt was trimmed to fit, so its token count looks fine; the meter
    still warns because the next reply will leave old messages out too."""
    win = make_window()
    conv = win.rt.store.create("long")
    win.rt.store.add_message(conv.id, "user", "q")
    win.rt.store.add_message(conv.id, "assistant", "a", stats={"prompt_tokens": 100, "completion_tokens": 10,
                                                               "dropped_messages": 4})
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    assert "left out" in win.context_meter.toolTip()


def test_a_user_error_escaping_a_slot_becomes_the_banner(qtbot, make_window):
    """A problem the person can act on (a full disk while starting a chat) is shown in the
    window, not as 'Something went wrong'."""
    from aigc_desktop.errors import DatabaseError
    from aigc_desktop.ui.app import _excepthook

    win = make_window(load_model=False)
    shown = []
    import PySide6.QtWidgets as widgets

    original = widgets.QMessageBox.warning
    widgets.QMessageBox.warning = lambda *a, **k: shown.append(a)
    try:
        _excepthook(DatabaseError, DatabaseError("The disk is full."), None)
    finally:
        widgets.QMessageBox.warning = original
    assert win.banner.isVisible() and "disk is full" in win.banner.text() and not shown
