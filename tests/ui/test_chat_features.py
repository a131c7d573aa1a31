"""Chat features in the window on the real model: branches, rename, pin, presets,
shortcuts, search, import, inert untrusted content."""

from __future__ import annotations

import http.server
import json
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from aigc_desktop.llm.sampling import SamplingParams
from tests.ui.conftest import send_and_wait

pytestmark = pytest.mark.real
SHORT = SamplingParams(max_tokens=12, temperature=0.0, seed=5).to_dict()


def _conversation(win, title=""):
    conv = win.rt.store.create(title, sampling=SHORT)
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    return conv


def test_regenerate_adds_sibling_and_switches(qtbot, make_window):
    """Regenerate writes a second reply; '< 2/2 >' switches between the two."""
    win = make_window()
    conv = _conversation(win)
    first = send_and_wait(qtbot, win, "Give me a fruit.")
    with qtbot.wait_signal(win.turnFinished, timeout=60_000) as b:
        win.chat.widget_for(first).regen_btn.click()
    second = b.args[0]
    assert second != first
    reply_widget = win.chat.widgets[-1]
    assert reply_widget.record.id == second and reply_widget.sibling_label.text() == "2/2"
    reply_widget.prev_btn.click()
    assert win.chat.widgets[-1].record.id == first
    assert win.chat.widgets[-1].sibling_label.text() == "1/2"
    assert win.rt.store.get(conv.id).current_leaf_id == first


def test_edit_creates_branch_and_keeps_old(qtbot, make_window):
    """Editing a user message resends it as a new branch; the old branch stays reachable."""
    win = make_window()
    conv = _conversation(win)
    send_and_wait(qtbot, win, "Tell me about cats.")
    old_user = win.chat.widgets[0].record.id
    win.chat.widgets[0].edit_btn.click()  # the bubble becomes an editor in place
    editor = win.chat.widgets[0].editor
    editor.edit.setPlainText("Tell me about dogs.")
    with qtbot.wait_signal(win.turnFinished, timeout=60_000):
        editor.save_btn.click()
    branch = win.rt.store.branch(conv.id)
    assert branch[0].content == "Tell me about dogs." and len(branch) == 2
    assert win.chat.widgets[0].sibling_label.text() == "2/2"
    win.chat.widgets[0].prev_btn.click()
    assert win.chat.widgets[0].record.id == old_user
    assert [w.record.role for w in win.chat.widgets] == ["user", "assistant"]


def test_up_edits_last_message(qtbot, make_window):
    """Up in an empty composer edits the last user message."""
    win = make_window()
    _conversation(win)
    send_and_wait(qtbot, win, "first try")
    win.composer.edit.setFocus()
    qtbot.keyClick(win.composer.edit, Qt.Key_Up)
    editing = win.chat.editing()
    assert editing is win.chat.widgets[0] and editing.editor.text() == "first try"
    assert editing.editor.edit.hasFocus()


def test_rename_and_pin(qtbot, make_window):
    """Rename changes the title in the list; a pinned chat goes to the top under 'Pinned'."""
    win = make_window(load_model=False)
    a = win.rt.store.create("alpha")
    b = win.rt.store.create("beta")
    win.conversations.refresh_sidebar()
    assert win.sidebar.ids() == [b.id, a.id]
    win.prompts.ask_text = lambda *args: "阿尔法"
    win.conversations.rename(a.id)
    win.conversations.pin(a.id, True)
    assert win.sidebar.ids() == [a.id, b.id]
    texts = [win.sidebar.list.item(i).text() for i in range(win.sidebar.list.count())]
    assert texts[:2] == ["Pinned", "阿尔法"] and "Today" in texts


def test_shortcuts(qtbot, make_window):
    """Ctrl+N starts a new chat, Ctrl+F focuses search, Ctrl+Shift+C copies the last reply."""
    win = make_window()
    _conversation(win)
    reply = send_and_wait(qtbot, win, "Say hi")
    win.activateWindow()
    win.copy_last_shortcut.activated.emit()
    assert QGuiApplication.clipboard().text() == win.rt.store.get_message(reply).content
    win.search_action.trigger()
    assert win.sidebar.search.hasFocus() or win.focusWidget() is win.sidebar.search
    win.new_action.trigger()
    assert win.conversations.current_id is None and win.chat.widgets == []
    assert win.new_action.shortcut().toString() == "Ctrl+N"
    assert win.search_action.shortcut().toString() == "Ctrl+F"
    assert win.stop_shortcut.key().toString() == "Esc"


def test_esc_stops(qtbot, make_window):
    """Esc while a reply streams stops it and keeps the partial text."""
    win = make_window()
    conv = _conversation(win)
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


def test_conversation_settings_and_presets(qtbot, make_window):
    """Settings save system prompt and sampling; an invalid seed is refused with a message;
    a preset fills the fields and a saved preset is listed."""
    from aigc_desktop.ui.dialogs.settings import ConversationSettingsDialog

    win = make_window()
    conv = _conversation(win)
    seen = {}

    def run_dialog(dialog: ConversationSettingsDialog):
        dialog.seed.setText("abc")
        dialog.accept()
        seen["error"] = dialog.error.text()
        assert dialog.isVisible() or dialog.result() == 0
        names = [dialog.preset.itemText(i) for i in range(dialog.preset.count())]
        seen["presets"] = names
        coder = next(n for n in names if "Coder" in n)
        dialog.apply_preset(coder)
        seen["system"] = dialog.system.toPlainText()
        dialog.temperature.setValue(0.3)
        dialog.seed.setText("42")
        assert dialog.save_as_preset("我的预设")
        seen["after"] = [dialog.preset.itemText(i) for i in range(dialog.preset.count())]
        assert dialog.delete_preset_btn.isEnabled()  # the saved preset is selected
        assert dialog.save_as_preset("临时")
        assert dialog.delete_preset("临时")
        seen["after_delete"] = [dialog.preset.itemText(i) for i in range(dialog.preset.count())]
        dialog.preset.setCurrentIndex(dialog.preset.findData(coder))
        assert not dialog.delete_preset_btn.isEnabled()  # built-ins stay
        dialog.accept()
        return dialog.result_values is not None

    win.prompts.run_dialog = run_dialog
    assert win.conversations.edit_settings()
    assert "Seed" in seen["error"]
    assert "我的预设" in seen["after"]
    assert "临时" not in seen["after_delete"] and "我的预设" in seen["after_delete"]
    stored = win.rt.store.get(conv.id)
    assert stored.system_prompt == seen["system"] and stored.system_prompt
    assert stored.sampling["seed"] == 42 and abs(stored.sampling["temperature"] - 0.3) < 1e-6
    reply = send_and_wait(qtbot, win, "hello")
    assert win.rt.store.get_message(reply).status == "done"


def test_search_opens_result_and_scrolls(qtbot, make_window):
    """Typing a two-character Chinese word finds the message; activating it opens and marks it."""
    win = make_window(load_model=False)
    store = win.rt.store
    target_conv = store.create("旅行")
    for i in range(80):
        store.add_message(target_conv.id, "user", f"filler message {i}")
    hit_msg = store.add_message(target_conv.id, "assistant", "明天的天气很好，适合出门。")
    for i in range(10):
        store.add_message(target_conv.id, "user", f"later {i}")
    store.create("other")
    win.conversations.refresh_sidebar()
    with qtbot.wait_signal(win.search.searched, timeout=10_000):
        win.sidebar.search.setText("天气")
    assert win.sidebar.results.isVisible() and win.sidebar.results.count() == 1
    item = win.sidebar.results.item(0)
    assert "天气" in item.text()
    win.sidebar._result_clicked(item)
    assert win.conversations.current_id == target_conv.id
    assert win.chat.widget_for(hit_msg.id) is not None
    win.sidebar.search.setText("")
    assert win.sidebar.list.isVisible()


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


class _Recorder(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_untrusted_content_fetches_nothing(qtbot, make_window):
    """Script, remote image and javascript: link render inert; a local server sees no request."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.timeout = 5
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        port = server.server_address[1]
        win = make_window(load_model=False)
        conv = win.rt.store.create("untrusted")
        text = (f'<script>alert(1)</script>\n\n<img src="http://127.0.0.1:{port}/raw.png">\n\n'
                f'![pic](http://127.0.0.1:{port}/md.png)\n\n[click](javascript:alert(1))')
        win.rt.store.add_message(conv.id, "assistant", text)
        win.conversations.refresh_sidebar()
        win.conversations.open(conv.id)
        qtbot.wait_until(lambda: bool(win.chat.widgets))
        body = win.chat.widgets[0].body
        doc_html = body.toHtml().lower()
        assert "<img" not in doc_html and "<script" not in doc_html
        assert 'href="javascript' not in doc_html
        assert "<script>alert(1)</script>" in body.toPlainText()
        assert "[image: pic]" in body.toPlainText()
        QGuiApplication.processEvents()
    finally:
        server.shutdown()
        server.server_close()
    assert _Recorder.hits == []


def test_clicking_another_chat_while_streaming_keeps_the_live_reply(qtbot, make_window):
    """A click on another chat mid-reply is refused with a note; the reply keeps
    streaming into the view and ends showing the saved text."""
    win = make_window()
    other = win.rt.store.create("other chat")
    conv = _conversation(win)
    win.rt.store.update(conv.id, sampling={"max_tokens": 40, "temperature": 0.0, "seed": 1})
    win.conversations.refresh_sidebar()
    clicked = []

    def on_delta(_t):
        if not clicked:
            clicked.append(1)
            row = next(i for i in range(win.sidebar.list.count())
                       if win.sidebar.list.item(i).data(Qt.UserRole + 1) == other.id)
            win.sidebar.list.setCurrentRow(row)  # what a click does

    win.engine.jobDelta.connect(lambda _job, _key, text: on_delta(text))
    reply = send_and_wait(qtbot, win, "Write a poem about the sea.")
    assert clicked and win.conversations.current_id == conv.id
    rec = win.rt.store.get_message(reply)
    live = win.chat.widgets[-1]
    assert live.record.id == reply and live.record.status == rec.status != "streaming"
    assert live.text == rec.content and rec.content
    assert not win.banner.isVisible()  # the "stop it first" note goes with the reply
    assert win.sidebar.current_id() == conv.id


def test_deleting_the_streaming_chat_stops_then_deletes_it(qtbot, make_window):
    win = make_window()
    conv = _conversation(win)
    win.rt.store.update(conv.id, sampling={"max_tokens": 400, "temperature": 0.0, "seed": 1})
    win.prompts.confirm = lambda *a: True
    fired = []

    def on_delta(_t):
        if not fired:
            fired.append(1)
            win.conversations.delete(conv.id)

    win.engine.jobDelta.connect(lambda _job, _key, text: on_delta(text))
    send_and_wait(qtbot, win, "Write a very long essay about rivers.")
    assert fired
    assert conv.id not in [c.id for c in win.rt.store.list()]
    assert win.conversations.current_id is None and win.chat.widgets == []
    assert not win.composer.busy and win.composer.button.text() == "Send"


def test_new_chat_clears_the_previous_chats_figures(qtbot, make_window):
    win = make_window()
    _conversation(win)
    send_and_wait(qtbot, win, "hello")
    assert "Last reply" in win.speed_label.text()
    win.new_action.trigger()
    assert win.speed_label.text() == "" and win.context_meter.text().startswith("Context: 0 /")


def test_send_into_a_chat_deleted_in_another_window_never_lands_elsewhere(qtbot, make_window):
    """Another window deletes the open chat and creates a new one, which may get the same
    id: Send must not write into that other chat."""
    win = make_window()
    old = _conversation(win, "Old chat")
    other = win.rt.store  # a second window on the same data folder, same database
    other.delete(old.id)
    newcomer = other.create("Someone else's chat")
    other.add_message(newcomer.id, "user", "private note")
    win.composer.edit.setPlainText("continuing my old chat")
    win.turns.send("continuing my old chat")
    assert "deleted in another window" in win.banner.text()
    assert [m.content for m in other.messages(newcomer.id)] == ["private note"]
    assert win.conversations.current_id is None and not win.turns.busy


def test_search_hits_follow_deletes(qtbot, make_window):
    """Deleting a message refreshes the hits; a stale hit says it is gone instead of failing."""
    win = make_window(load_model=False)
    conv = win.rt.store.create("notes")
    msg = win.rt.store.add_message(conv.id, "user", "uniqueword here")
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    with qtbot.wait_signal(win.search.searched, timeout=10_000):
        win.sidebar.search.setText("uniqueword")
    assert win.sidebar.results.count() >= 1 and win.sidebar.results.item(0).text() != "No matches"
    win.prompts.confirm = lambda *a: True
    with qtbot.wait_signal(win.search.searched, timeout=10_000):
        win.conversations.delete_message(msg.id)
    assert win.sidebar.results.item(0).text() == "No matches"
    win.search.open_result(conv.id, msg.id)  # a hit clicked before the list refreshed
    assert "no longer exists" in win.banner.text()
