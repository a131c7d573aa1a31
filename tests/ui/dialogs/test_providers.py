"""The window's remote parts against a real llama_cpp.server on loopback: Providers…, a chat
through provider/model, Compare models… and the Local API toggle."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from tests.llama_server import MODEL_ALIAS
from tests.ui.conftest import add_provider, send_and_wait, short_replies

SHOTS = Path("/tmp/remote")


def test_providers_dialog_adds_and_tests_a_provider(make_window, qtbot, llama_server):
    """A provider added in the dialog (preset, URL, key) is saved without its key in view, and Test
    connection names the server's model in one line; a non-loopback http URL shows the warning."""
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.secrets import SecretStore

    win = make_window(load_model=False)
    dlg = win.show_providers()
    dlg.preset.setCurrentIndex(dlg.preset.findData("vllm"))
    assert dlg.base_url.text() == "http://127.0.0.1:8000/v1"  # the preset filled it in
    dlg.base_url.setText("http://192.168.1.20:8000/v1")
    assert dlg.warning.isVisible() and "not encrypted" in dlg.warning.text()
    dlg.preset.setCurrentIndex(dlg.preset.findData("llama.cpp"))
    dlg.name.setText("box")
    dlg.base_url.setText(llama_server.base_url)
    assert not dlg.warning.isVisible()
    dlg.api_key.setText("sk-window-7f3e1")
    qtbot.mouseClick(dlg.add_button, Qt.LeftButton)
    assert dlg.api_key.text() == ""  # never shown again
    assert [p.name for p in ProviderStore().list()] == ["box"]
    assert SecretStore().get("box") == "sk-window-7f3e1"
    assert "sk-window-7f3e1" not in ProviderStore().path.read_text()
    assert dlg.list.count() == 1
    qtbot.mouseClick(dlg.test_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: dlg.status.text().startswith("Connected"), timeout=30_000)
    assert dlg.status.text() == f"Connected to box: 1 model ({MODEL_ALIAS})."
    assert "\n" not in dlg.status.text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    dlg.grab().save(str(SHOTS / "providers_dialog.png"))
    # The toolbar's list now names the remote model (from the remembered list).
    combo = win.model_combo
    assert combo.findData(f"box/{MODEL_ALIAS}") >= 0


def test_the_dialog_takes_a_chinese_name_and_a_slash(zh_window, qtbot):
    """"本机服务器" is accepted (it was refused as not ASCII) and named as it is in the list and the toolbar;
    "实验室/GPU" gets a derived key for its references, its API key is stored under that key, and its
    models still read with the name in Compare; removing it removes its key too."""
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.model_cache import remember_models
    from aigc_desktop.providers.secrets import SecretStore
    from aigc_desktop.ui.chat.compare import describe

    win = zh_window(load_model=False)
    dlg = win.show_providers()
    for name in ("本机服务器", "实验室/GPU"):
        dlg.name.setText(name)
        dlg.base_url.setText("http://127.0.0.1:9/v1")
        dlg.api_key.setText("sk-中文-key-1234" if "/" in name else "")
        qtbot.mouseClick(dlg.add_button, Qt.LeftButton)
        assert dlg.status.text().startswith(f"已添加 {name}"), dlg.status.text()
    zh, lab = ProviderStore().get("本机服务器"), ProviderStore().get("实验室/GPU")
    assert zh.key == "本机服务器" and "/" not in lab.key
    assert SecretStore().get(lab.key) == "sk-中文-key-1234"
    assert [dlg.list.item(i).text().split(" — ")[0] for i in range(dlg.list.count())] == ["本机服务器", "实验室/GPU"]
    remember_models(zh.key, ["smollm2"])
    remember_models(lab.key, ["smollm2"])
    dlg.providersChanged.emit()
    assert win.model_combo.findData("本机服务器/smollm2") >= 0
    assert describe(win.rt.router, f"{lab.key}/smollm2") == "smollm2（实验室/GPU）"
    SHOTS.mkdir(parents=True, exist_ok=True)
    dlg.grab().save(str(SHOTS / "providers_dialog_zh.png"))
    dlg.list.setCurrentRow(1)
    win.prompts.confirm = lambda *args: True
    qtbot.mouseClick(dlg.remove_button, Qt.LeftButton)
    assert ProviderStore().find("实验室/GPU") is None and SecretStore().get(lab.key) is None


def test_providers_dialog_says_refused_in_one_line(make_window, qtbot):
    """Test connection against a port nobody listens on gives one clear 'refused' line."""
    from tests.llama_server import free_port

    win = make_window(load_model=False)
    dlg = win.show_providers()
    dlg.name.setText("nobody")
    dlg.base_url.setText(f"http://127.0.0.1:{free_port()}/v1")
    qtbot.mouseClick(dlg.add_button, Qt.LeftButton)
    qtbot.mouseClick(dlg.test_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: "Asking" not in dlg.status.text(), timeout=30_000)
    text = dlg.status.text()
    assert "nobody" in text and "\n" not in text and "refused" in text.lower(), text


def test_chat_through_provider_model_is_saved_with_it(make_window, qtbot, llama_server, monkeypatch):
    """Choosing provider/model in the toolbar makes the chat stream from the server, saved with that model;
    the local model is not reloaded for it."""
    ref = add_provider(llama_server)
    win = make_window()
    monkeypatch.setattr("aigc_desktop.chat.presets.new_chat_fields", short_replies(win))
    loads = []
    win.engine.loadStarted.connect(loads.append)
    win.model_choice.refresh_combo()
    index = win.model_combo.findData(ref)
    assert index >= 0
    win.model_choice.chosen_in_combo(index)
    conv_id = win.conversations.current_id
    assert win.rt.store.get(conv_id).model == ref
    deltas = []
    win.engine.jobDelta.connect(lambda _job, _key, text: deltas.append(text))
    reply_id = send_and_wait(qtbot, win, "Say hello in one short sentence.")
    reply = win.rt.store.get_message(reply_id)
    assert reply.status == "done" and reply.content.strip()
    assert reply.model == ref and reply.stats.get("provider") == "box"
    assert deltas, "the reply streamed into the window"
    assert loads == []  # no local load for a remote model
    assert win.model_combo.currentData() == ref


def test_compare_local_and_remote_side_by_side(make_window, qtbot, llama_server, starter_model, monkeypatch):
    """Compare of the local model and the remote one shows two panes with TTFT and tokens/s, and saves
    two sibling replies that the main chat then shows."""
    ref = add_provider(llama_server)
    win = make_window()
    monkeypatch.setattr("aigc_desktop.chat.presets.new_chat_fields", short_replies(win))
    view = win.show_compare()
    assert view.pickers[0].findData(ref) >= 0
    view.set_models([str(starter_model), ref])
    view.prompt.setPlainText("Name one colour.")
    with qtbot.wait_signal(view.compareFinished, timeout=180_000) as blocker:
        qtbot.mouseClick(view.compare_button, Qt.LeftButton)
    conv_id = blocker.args[0]
    assert conv_id >= 0
    assert len(view.panes) == 2
    assert view.panes[0].heading == f"{starter_model.stem} (this computer)"
    assert view.panes[1].heading == f"{MODEL_ALIAS} (box)" and view.panes[1].title.shown_text().endswith("(box)")
    for pane in view.panes:
        assert pane.text.toPlainText().strip()
        assert "tokens/s" in pane.stats.text() and "First token" in pane.stats.text(), pane.stats.text()
    store = win.rt.store
    replies = [m for m in store.messages(conv_id) if m.role == "assistant"]
    assert len(replies) == 2 and len({m.parent_id for m in replies}) == 1
    assert {m.model for m in replies} == {starter_model.stem, ref}  # a local reply records its model name
    assert win.conversations.current_id == conv_id
    first = next(m for m in replies if m.model == starter_model.stem)  # the first model's answer is current
    shown = win.chat.widget_for(first.id)  # (replies are saved in the order they start: remote may be first)
    assert shown is not None and win.chat.records()[-1].id == first.id
    SHOTS.mkdir(parents=True, exist_ok=True)
    view.grab().save(str(SHOTS / "compare_view.png"))
    win.grab().save(str(SHOTS / "compare_in_chat.png"))


def test_serve_toggle_serves_the_loaded_model_to_openai(make_window, qtbot):
    """The status-bar toggle starts a local API that the openai client streams a chat from, then stops it."""
    import openai

    win = make_window()
    toggle = win.serve_toggle
    toggle.port = 0  # any free port: the usual one may be taken on a test machine
    assert toggle.button.text() == "Local API: off"
    with qtbot.wait_signal(toggle.stateChanged, timeout=30_000) as blocker:
        qtbot.mouseClick(toggle.button, Qt.LeftButton)
    url = blocker.args[0]
    assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
    assert toggle.button.text() == f"Local API: {url}"
    toggle.copy_address()
    from PySide6.QtWidgets import QApplication

    assert QApplication.clipboard().text() == url
    client = openai.OpenAI(base_url=url, api_key="none", max_retries=0, timeout=60)
    stream = client.chat.completions.create(model="local", messages=[{"role": "user", "content": "Hi!"}],
                                            max_tokens=12, stream=True)
    text = "".join((c.choices[0].delta.content or "") for c in stream if c.choices)
    assert text.strip()
    with qtbot.wait_signal(toggle.stateChanged, timeout=30_000) as blocker:
        qtbot.mouseClick(toggle.button, Qt.LeftButton)
    assert blocker.args[0] == "" and toggle.button.text() == "Local API: off"
    with pytest.raises(openai.APIConnectionError):
        client.models.list()


def test_a_remote_chat_needs_no_local_model(make_window, qtbot, llama_server, monkeypatch):
    """With no local model loaded at all, a chat whose model is provider/model still sends and streams."""
    ref = add_provider(llama_server)
    win = make_window(load_model=False)
    monkeypatch.setattr("aigc_desktop.chat.presets.new_chat_fields", short_replies(win))
    assert not win.engine.is_loaded
    win.model_choice.refresh_combo()
    win.model_choice.chosen_in_combo(win.model_combo.findData(ref))
    reply_id = send_and_wait(qtbot, win, "Say hello in one short sentence.")
    reply = win.rt.store.get_message(reply_id)
    assert reply.status == "done" and reply.content.strip() and reply.model == ref
