"""The conversation settings dialog: context length, sampling, threads, presets, cancel."""

from __future__ import annotations


from tests.ui.conftest import send_and_wait, short_chat


def test_b3_cancelled_settings_for_a_new_chat_leave_no_empty_chat(qtbot, make_window):
    """B3: Ctrl+N, Ctrl+, then Esc (cancel) leaves no chat with 0 messages behind."""
    win = make_window(load_model=False)
    win.conversations.new()
    win.prompts.run_dialog = lambda dialog: False
    assert win.conversations.edit_settings() is False
    assert win.rt.store.list() == [] and win.conversations.current_id is None


def _dialog_for(win, **kwargs):
    from aigc_desktop.chat import presets
    from aigc_desktop.ui.conversations.controller import trained_context
    from aigc_desktop.ui.dialogs.settings import ConversationSettingsDialog

    conv = win.rt.store.create("s")
    return ConversationSettingsDialog(win, conv, [], 4096, presets, trained_ctx=trained_context, **kwargs)


def test_b9_context_beyond_the_trained_length_is_marked_and_warned(qtbot, make_window, starter_model):
    """B9: the starter was trained on 8,192 tokens; 131,072 is marked and warns, 4,096 does not."""
    from aigc_desktop.hub.library import model_info

    win = make_window(load_model=False)
    dialog = _dialog_for(win)
    trained = model_info(starter_model).context_length
    assert dialog.trained_context() == trained
    dialog.n_ctx.setCurrentIndex(dialog.n_ctx.findData(131072))
    assert dialog.ctx_warning.isVisibleTo(dialog) and f"{trained:,}" in dialog.ctx_warning.text()
    assert "beyond" in dialog.n_ctx.currentText()
    dialog.n_ctx.setCurrentIndex(dialog.n_ctx.findData(2048))
    assert not dialog.ctx_warning.isVisibleTo(dialog) and "beyond" not in dialog.n_ctx.currentText()


def test_every_sampling_setting_explains_itself(qtbot, make_window):
    """Each sampling control has a plain-words tooltip."""
    win = make_window(load_model=False)
    dialog = _dialog_for(win)
    for widget in (dialog.temperature, dialog.top_p, dialog.top_k, dialog.min_p, dialog.repeat_penalty,
                   dialog.max_tokens, dialog.seed, dialog.n_ctx, dialog.n_threads, dialog.system):
        assert len(widget.toolTip()) > 30


def test_threads_and_default_preset_are_saved_and_new_chats_use_the_preset(qtbot, make_window):
    """The threads setting beside the context length and "Use for new chats" are saved app-wide;
    the next new chat starts with that preset's system prompt, and the chat shows a chip for it."""
    from aigc_desktop.chat import presets

    win = make_window(load_model=False)
    writer = next(p for p in presets.list_presets() if p.system_prompt)

    def answer(dialog):
        dialog.preset.setCurrentIndex(dialog.preset.findData(writer.name))
        dialog.default_preset_btn.click()
        dialog.n_threads.setValue(3)
        dialog.accept()
        return True

    win.prompts.run_dialog = answer
    assert win.conversations.edit_settings()
    settings = win.rt.settings
    assert settings.default_preset == writer.name and settings.n_threads == 3
    win.conversations.new()
    win.prompts.run_dialog = lambda dialog: (dialog.accept(), True)[1]
    assert win.conversations.edit_settings()
    conv = win.rt.store.get(win.conversations.current_id)
    assert conv.system_prompt == writer.system_prompt
    assert win.system_chip.isVisibleTo(win) and "System prompt" in win.system_chip.text()
    assert writer.system_prompt.split()[0] in win.system_chip.toolTip()


def test_conversation_settings_and_presets(qtbot, make_window):
    """Settings save system prompt and sampling; an invalid seed is refused with a message;
    a preset fills the fields and a saved preset is listed."""
    from aigc_desktop.ui.dialogs.settings import ConversationSettingsDialog

    win = make_window()
    conv = short_chat(win)
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
