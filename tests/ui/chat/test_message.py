"""One message in the view: bubbles, avatars, hover actions, edit in place, thumbs."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QEnterEvent
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import chat_with_two, settle


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


def test_reading_column_bubbles_and_avatars(qtbot, make_window):
    """A wide window keeps messages in a column of at most 800 px, centred; the person's short
    message is a small right-aligned bubble; the assistant's reply is full column width."""
    win = make_window(load_model=False)
    win.resize(1600, 800)
    chat_with_two(win)
    settle(qtbot, win)
    user, reply = win.chat.widgets
    vp = win.chat.viewport().width()
    for w in (user, reply):
        left = w.mapTo(win.chat.viewport(), QPoint(0, 0)).x()
        assert w.width() <= 800 and abs(left - (vp - w.width() - left)) <= 2
    bubble_right = user.bubble.mapTo(user, QPoint(user.bubble.width(), 0)).x()
    assert user.bubble.objectName() == "bubble" and user.bubble.width() < 200
    assert bubble_right > user.width() - 60  # right-aligned, beside its avatar
    assert reply.bubble.objectName() != "bubble" and reply.body.width() > 600
    assert user.avatar.pixmap() is not None and not reply.avatar.pixmap().isNull()


def test_actions_appear_on_hover_and_keyboard_focus_with_tooltips(qtbot, make_window):
    """Copy / Edit / Delete are hidden until the mouse is over the message or one of them has focus."""
    win = make_window(load_model=False)
    chat_with_two(win)
    user = win.chat.widgets[0]
    assert not user.actions_shown()
    QApplication.sendEvent(user, QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)))
    assert user.actions_shown()
    QApplication.sendEvent(user, QEvent(QEvent.Leave))
    assert not user.actions_shown()
    user.copy_btn.setFocus(Qt.TabFocusReason)
    QApplication.sendEvent(user.copy_btn, QEvent(QEvent.FocusIn))
    assert user.actions_shown()
    for b in (user.copy_btn, user.edit_btn, user.delete_btn, win.chat.widgets[1].regen_btn):
        assert b.toolTip() and not b.icon().isNull()
    assert win.chat.widgets[1].actions_shown()  # the newest reply keeps its actions on show


def test_edit_in_place_cancel_with_esc_and_save_with_ctrl_enter(qtbot, make_window):
    """Edit turns the bubble into an editor: Esc restores the message; Ctrl+Enter emits the new text."""
    win = make_window(load_model=False)
    chat_with_two(win)
    user = win.chat.widgets[0]
    user.edit_btn.click()
    assert user.editor is not None and user.body.isHidden() and user.editor.text() == "hi"
    qtbot.keyClick(user.editor.edit, Qt.Key_Escape)
    assert user.editor is None and not user.body.isHidden()
    assert win.rt.store.branch(user.record.conversation_id)[0].content == "hi"
    user.edit_btn.click()
    user.editor.edit.setPlainText("hi again\nsecond line")
    with qtbot.wait_signal(win.chat.editSubmitted) as blocker:
        qtbot.keyClick(user.editor.edit, Qt.Key_Return, Qt.ControlModifier)
    assert blocker.args == [user.record.id, "hi again\nsecond line"]
