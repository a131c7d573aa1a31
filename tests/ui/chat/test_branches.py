"""Regenerate and edit make branches; the old branch stays reachable."""

from __future__ import annotations


from tests.ui.conftest import send_and_wait, short_chat


def test_regenerate_adds_sibling_and_switches(qtbot, make_window):
    """Regenerate writes a second reply; '< 2/2 >' switches between the two."""
    win = make_window()
    conv = short_chat(win)
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
    conv = short_chat(win)
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
