"""The toolbar's model list and the status bar name the model that answers the open chat: a
provider's model in a chat that uses one, the loaded local model elsewhere, following every
switch of chat both ways (they used to keep the provider's model after Ctrl+N or another chat).

A real window on the starter model, and a provider served by the fake OpenAI server
(tests/openai_fake.py).
"""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.openai_fake import MODELS
from tests.ui.conversations.test_controller_unit import click_chat

REMOTE = "fk/fk-field"


def _provider(server) -> None:
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.model_cache import remember_models

    ProviderStore().add("fk", server.base_url, kind="custom", context_length=8192)
    remember_models("fk", list(MODELS))


def _shows_remote(win) -> bool:
    return (win.model_combo.currentData() == REMOTE and win.model_combo.currentText() == REMOTE
            and REMOTE in win.model_label.text() and "on a server" in win.model_label.text())


def _shows_local(win) -> bool:
    local = win.engine.model
    return (win.model_combo.currentData() == str(local.path) and win.model_combo.currentText() != REMOTE
            and win.model_label.text().startswith(f"Model: {local.name} · context")
            and REMOTE not in win.model_label.text())


def test_toolbar_and_status_bar_follow_the_open_chat(make_window, qtbot, reasoning_server):
    _provider(reasoning_server)
    win = make_window()
    local = win.rt.service.new_conversation(model=str(win.engine.model.path), title="本机")
    win.conversations.refresh_sidebar()
    click_chat(qtbot, win.sidebar, local.id)
    assert win.conversations.current_id == local.id and _shows_local(win)

    # Chat X: a new chat pointed at the provider's model through the toolbar's list.
    win.new_action.trigger()
    index = win.model_combo.findData(REMOTE)
    assert index >= 0
    win.model_combo.setCurrentIndex(index)
    win.model_combo.activated.emit(index)
    remote_id = win.conversations.current_id
    assert remote_id is not None and win.rt.store.get(remote_id).model == REMOTE
    assert _shows_remote(win)

    win.new_action.trigger()  # Ctrl+N: a new chat is answered by the local model
    assert win.conversations.current_id is None and _shows_local(win)

    click_chat(qtbot, win.sidebar, remote_id)  # back to X: its provider's model again
    assert win.conversations.current_id == remote_id and _shows_remote(win)

    click_chat(qtbot, win.sidebar, local.id)  # a chat on the local model
    assert win.conversations.current_id == local.id and _shows_local(win)

    click_chat(qtbot, win.sidebar, remote_id)
    assert _shows_remote(win)
    qtbot.keyClick(win, Qt.Key_N, Qt.ControlModifier)  # the shortcut itself
    qtbot.waitUntil(lambda: win.conversations.current_id is None, timeout=3000)
    assert _shows_local(win)


def test_a_local_load_does_not_rename_a_chat_answered_on_a_server(make_window, qtbot, reasoning_server):
    """The local model finishing its load while chat X (a provider's) is open: the status bar
    and the list still name X's model; a new chat then names the local one."""
    _provider(reasoning_server)
    win = make_window(load_model=False)
    conv = win.rt.service.new_conversation(model=REMOTE, title="远程")
    win.conversations.refresh_sidebar()
    click_chat(qtbot, win.sidebar, conv.id)
    assert _shows_remote(win)
    with qtbot.wait_signal(win.modelReady, timeout=60_000):
        win.model_choice.load_default()
    assert _shows_remote(win)
    win.new_action.trigger()
    assert _shows_local(win)


def test_the_context_meter_uses_the_answering_models_context(make_window, qtbot, reasoning_server):
    """A chat answered by a server counts against that server's context (the fake reports 8,192), not the
    local model's; the local chat goes back to the local one."""
    from aigc_desktop.llm.sampling import SamplingParams

    _provider(reasoning_server)
    win = make_window()
    local_ctx = win.engine.model.n_ctx
    remote = win.rt.service.new_conversation(model=REMOTE, title="远端")
    win.rt.service.send(remote.id, "AIGC 是什么？", sampling=SamplingParams(max_tokens=32))
    local = win.rt.service.new_conversation(model=str(win.engine.model.path), title="本机")
    win.conversations.refresh_sidebar()
    click_chat(qtbot, win.sidebar, remote.id)
    qtbot.waitUntil(lambda: "8,192" in win.context_meter.text(), timeout=5000)
    click_chat(qtbot, win.sidebar, local.id)
    qtbot.waitUntil(lambda: f"{local_ctx:,}" in win.context_meter.text(), timeout=5000)
