"""Regression tests for the bugs found in a real window (the "first hour" issue)."""

from __future__ import annotations

from PySide6.QtCore import Qt


def _two_versions(store):
    """A chat whose first prompt was edited: version 1 says 'pelican', version 2 (current) does not."""
    conv = store.create("versions")
    first = store.add_message(conv.id, "user", "Tell me about the pelican")
    store.add_message(conv.id, "assistant", "Pelicans are birds.", parent_id=first.id)
    second = store.add_message(conv.id, "user", "Tell me about the heron", parent_id=None)
    reply = store.add_message(conv.id, "assistant", "Herons wade.", parent_id=second.id)
    later = store.add_message(conv.id, "user", "And egrets?", parent_id=reply.id)
    return conv, first, later


def test_b1_search_hit_in_another_version_asks_and_no_keeps_the_current_version(qtbot, make_window):
    """B1: a hit in another version never switches silently: the window asks, and No keeps the chat as it was."""
    win = make_window(load_model=False)
    conv, first, later = _two_versions(win.rt.store)
    before = [m.id for m in win.rt.store.branch(conv.id)]
    assert later.id in before and first.id not in before
    asked = []
    win.prompts.confirm = lambda title, text: asked.append(title) or False
    win.search.open_result(conv.id, first.id)
    assert asked == ["Open another version"]
    assert [m.id for m in win.rt.store.branch(conv.id)] == before
    assert win.conversations.current_id == conv.id and win.chat.widget_for(later.id) is not None


def test_b1_yes_switches_to_the_version_with_the_hit(qtbot, make_window):
    """B1: answering Yes shows the version that holds the hit."""
    win = make_window(load_model=False)
    conv, first, _later = _two_versions(win.rt.store)
    win.prompts.confirm = lambda *a: True
    win.search.open_result(conv.id, first.id)
    assert first.id in [m.id for m in win.rt.store.branch(conv.id)]
    assert win.chat.widget_for(first.id) is not None


def test_b3_cancelled_settings_for_a_new_chat_leave_no_empty_chat(qtbot, make_window):
    """B3: Ctrl+N, Ctrl+, then Esc (cancel) leaves no chat with 0 messages behind."""
    win = make_window(load_model=False)
    win.conversations.new()
    win.prompts.run_dialog = lambda dialog: False
    assert win.conversations.edit_settings() is False
    assert win.rt.store.list() == [] and win.conversations.current_id is None


def test_b8_an_information_note_clears_itself(qtbot, make_window):
    """B8: an "Exported to…" style note fades on its own; an error stays."""
    from aigc_desktop.ui.kit import banner as banner_mod

    win = make_window(load_model=False)
    win.banner.show_info("Exported to /tmp/x.md")
    assert win.banner.isVisible() and win.banner._fade.isActive()
    win.banner._fade.timeout.emit()
    assert not win.banner.isVisible()
    win.banner.show_error("Disk full")
    assert not win.banner._fade.isActive() and banner_mod.INFO_SECONDS > 0


def test_b10_the_window_keeps_ctrl_e_when_a_text_box_claims_it(qtbot, make_window):
    """B10: a line edit that claims Ctrl+E (as QLineEdit does on X11) no longer hides Export from it."""
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QApplication, QLineEdit

    class X11LineEdit(QLineEdit):  # offscreen Qt has no Unix key bindings; this behaves like xcb's
        def event(self, ev):
            if ev.type() == QEvent.ShortcutOverride and ev.key() == Qt.Key_E:
                ev.accept()
                return True
            return super().event(ev)

    win = make_window(load_model=False)
    assert win.sidebar.search in win.shortcut_guard.watched
    box = X11LineEdit(win)
    override = QKeyEvent(QEvent.ShortcutOverride, Qt.Key_E, Qt.ControlModifier)
    QApplication.sendEvent(box, override)
    assert override.isAccepted()  # unguarded, the box takes Ctrl+E from the window
    win.shortcut_guard.watch(box)
    override = QKeyEvent(QEvent.ShortcutOverride, Qt.Key_E, Qt.ControlModifier)
    QApplication.sendEvent(box, override)
    assert not override.isAccepted()
    plain = QKeyEvent(QEvent.ShortcutOverride, Qt.Key_A, Qt.ControlModifier)
    QApplication.sendEvent(box, plain)  # other keys stay the box's own
    assert win.shortcut_guard.eventFilter(box, plain) is False


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


def test_thumbs_rate_a_reply_and_clicking_again_takes_it_back(qtbot, make_window, tmp_path):
    """👍/👎 on a reply are stored and shown after reopening; the lit thumb clicked again clears it;
    a message can be saved as an image from its own button."""
    win = make_window(load_model=False)
    store = win.rt.store
    conv = store.create("rated")
    q = store.add_message(conv.id, "user", "什么是AIGC？")
    a = store.add_message(conv.id, "assistant", "人工智能生成内容。", parent_id=q.id)
    win.conversations.open(conv.id)
    w = win.chat.widget_for(a.id)
    w.up_btn.click()
    assert store.get_message(a.id).rating == 1 and w.up_btn.isChecked() and not w.down_btn.isChecked()
    w.down_btn.click()
    assert store.get_message(a.id).rating == -1
    win.conversations.open(conv.id)
    w = win.chat.widget_for(a.id)
    assert w.down_btn.isChecked()
    w.down_btn.click()
    assert store.get_message(a.id).rating is None and not w.down_btn.isChecked()
    target = tmp_path / "one.png"
    win.prompts.ask_save_path = lambda *a: str(target)
    w.image_btn.click()
    assert target.exists() and target.stat().st_size > 0


def test_hub_source_offers_hugging_face_the_mirror_and_a_custom_address(qtbot, make_window):
    """Models → Settings: choosing the mirror saves it at once; Custom opens the address box; HF clears it."""
    win = make_window(load_model=False)
    dialog = win.show_models()
    from aigc_desktop.ui.models.hub_settings import MIRROR, HubSettingsTab

    tab = dialog.findChild(HubSettingsTab)
    tab.source_combo.setCurrentIndex(tab.source_combo.findData(MIRROR))
    tab._source_chosen(tab.source_combo.currentIndex())
    assert win.rt.settings.hub_endpoint == MIRROR and not tab.endpoint_edit.isEnabled()
    tab.source_combo.setCurrentIndex(tab.source_combo.findData("custom"))
    tab._source_chosen(tab.source_combo.currentIndex())
    assert tab.endpoint_edit.isEnabled()
    tab.source_combo.setCurrentIndex(0)
    tab._source_chosen(0)
    assert win.rt.settings.hub_endpoint == ""


def test_catalog_marks_the_model_recommended_for_this_machine(qtbot, make_window):
    """The Catalog tab marks one entry as recommended from the measured free memory, the same one the welcome offers."""
    from aigc_desktop.ui.models.catalog import CatalogTab

    win = make_window(load_model=False)
    tab = win.show_models().findChild(CatalogTab)
    names = [tab.table.item(r, 0).text() for r in range(tab.table.rowCount())]
    marked = [n for n in names if "★" in n]
    assert len(marked) == (1 if tab.recommended else 0)
    if tab.recommended:
        assert marked[0].startswith(tab.recommended.name)
