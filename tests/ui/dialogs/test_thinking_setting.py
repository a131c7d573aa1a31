"""Conversation settings: the thinking switch, and a larger default max tokens for a model that thinks."""

from __future__ import annotations


def _dialog(qtbot, **conv_fields):
    from aigc_desktop.chat import presets
    from aigc_desktop.paths import app_paths
    from aigc_desktop.store.conversations import ConversationStore
    from aigc_desktop.store.db import Database
    from aigc_desktop.ui.dialogs.settings import ConversationSettingsDialog

    store = ConversationStore(Database(app_paths().ensure().database))
    conv = store.create("s", **conv_fields)
    dialog = ConversationSettingsDialog(None, conv, [], 4096, presets)
    qtbot.addWidget(dialog)
    return dialog


def test_a_model_that_thinks_shows_the_larger_default_and_keeps_it_unset(qtbot):
    dialog = _dialog(qtbot, model="Qwen3-4B-Q4_K_M.gguf")
    assert dialog.max_tokens.value() == 4096 and "4,096" in dialog.max_tokens.toolTip()
    assert dialog.thinking.currentData() is None
    assert "max_tokens" not in dialog.values()["sampling"]  # the model's default stays the model's
    dialog.thinking.setCurrentIndex(dialog.thinking.findData(False))
    dialog.max_tokens.setValue(300)
    sampling = dialog.values()["sampling"]
    assert sampling["thinking"] is False and sampling["max_tokens"] == 300


def test_a_plain_model_and_a_stored_value(qtbot):
    assert _dialog(qtbot, model="SmolLM2-135M.gguf").max_tokens.value() == 1024
    stored = _dialog(qtbot, model="Qwen3-4B.gguf", sampling={"max_tokens": 200, "thinking": True})
    assert stored.max_tokens.value() == 200 and stored.thinking.currentData() is True
    assert stored.values()["sampling"]["thinking"] is True
