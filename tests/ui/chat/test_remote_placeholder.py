"""The composer names the model that will answer: a remote chat's provider model, not the
loaded local one (against a real llama_cpp.server on loopback)."""

from __future__ import annotations

from tests.llama_server import MODEL_ALIAS
from tests.ui.conftest import add_provider, send_and_wait, short_replies

DEFAULT_PLACEHOLDER = "Message… (Enter to send, Shift+Enter for a new line)"
REMOTE_PILL = f"{MODEL_ALIAS} (box)"
REMOTE_PLACEHOLDER = f"Message {MODEL_ALIAS} (box)… (Enter to send, Shift+Enter for a new line)"


def _remote_chat(ref: str) -> int:
    """A saved chat whose model is provider/model (as choosing it in the toolbar leaves it)."""
    from aigc_desktop.runtime import open_runtime

    rt = open_runtime()
    try:
        return rt.service.new_conversation(model=ref, title="remote").id
    finally:
        rt.close()


def _shown(win) -> tuple[str, str]:
    return win.composer.model_pill.text(), win.composer.edit.placeholderText()


def test_switching_between_remote_and_local_chats_names_who_answers(make_window, qtbot, llama_server,
                                                                    starter_model):
    """Opening a remote chat names its model and provider in the pill and the placeholder; a
    new (local) chat names the loaded model again; a model load while the remote chat is open
    does not put the local name back."""
    ref = add_provider(llama_server)
    remote_id = _remote_chat(ref)
    win = make_window()  # opens the newest chat (the remote one), then loads the local model
    local_name = win.engine.model.name
    assert win.conversations.current_id == remote_id
    assert _shown(win) == (REMOTE_PILL, REMOTE_PLACEHOLDER)

    win.conversations.new()
    assert _shown(win) == (local_name, DEFAULT_PLACEHOLDER)

    assert win.conversations.open(remote_id)
    assert _shown(win) == (REMOTE_PILL, REMOTE_PLACEHOLDER)
    with qtbot.wait_signal(win.modelReady, timeout=60_000):
        win.model_choice.load(starter_model, n_ctx=1024)  # the local model reloads (another context)
    assert win.engine.model.n_ctx == 1024
    assert _shown(win) == (REMOTE_PILL, REMOTE_PLACEHOLDER)


def test_remote_reply_streams_under_the_remote_name(make_window, qtbot, llama_server, monkeypatch):
    """While a remote chat's reply streams, its live message is labelled provider/model (as it
    is saved), and afterwards the composer still names the remote model."""
    ref = add_provider(llama_server)
    win = make_window()
    monkeypatch.setattr("aigc_desktop.chat.presets.new_chat_fields", short_replies(win))
    win.model_choice.refresh_combo()
    win.model_choice.chosen_in_combo(win.model_combo.findData(ref))
    live_models = []
    win.engine.jobEvent.connect(
        lambda _j, name, _v: name == "reply_started" and live_models.append(win.chat.live.record.model))
    reply_id = send_and_wait(qtbot, win, "Say hello in one short sentence.")
    assert live_models == [ref] and win.rt.store.get_message(reply_id).model == ref
    assert _shown(win)[1] == REMOTE_PLACEHOLDER
