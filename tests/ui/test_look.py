"""The window's look and its behaviour through the real widgets: the reading column,
bubbles, hover actions, following the newest message (B2), the sidebar's highlight
while a reply streams (B5), renaming in place, editing in place, the composer, themes."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, QTimer
from PySide6.QtGui import QEnterEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.ui.conversations.sidebar import ID_ROLE
from tests.ui.conftest import send_and_wait

# Tall on screen, cheap in tokens (the starter model's context is 4,096 tokens).
LONG = "很长的回答：\n\n" + "\n".join(f"- point {k}: " + "稳定排序 keeps equal keys in order. " * 3 for k in range(8))


def _long_chat(win, pairs=8, sampling=None):
    store = win.rt.store
    conv = store.create("long chat", sampling=sampling)
    parent = None
    for i in range(pairs):
        u = store.add_message(conv.id, "user", f"question {i}", parent_id=parent)
        parent = store.add_message(conv.id, "assistant", f"answer {i}\n\n{LONG}", parent_id=u.id,
                                   status="done", model="m").id
    win.conversations.refresh_sidebar()
    return conv


def _settle(qtbot, win):
    for _ in range(10):
        QGuiApplication.processEvents()


def _newest_visible(chat) -> bool:
    last = chat.widgets[-1]
    bottom = last.mapTo(chat.viewport(), QPoint(0, last.height())).y()
    bar = chat.verticalScrollBar()
    return bar.value() >= bar.maximum() - 24 and bottom <= chat.viewport().height() + 2


# -- B2: following the newest message ------------------------------------------------------
def test_b2_the_window_opens_at_the_newest_message_of_the_last_chat(qtbot, make_window):
    """B2: starting the app shows the last chat at its newest message (the view was built
    before the window had its size, and stayed where the first layout left it)."""
    from aigc_desktop.runtime import open_runtime

    rt = open_runtime()
    try:
        conv = rt.store.create("long chat")
        parent = None
        for i in range(8):
            u = rt.store.add_message(conv.id, "user", f"question {i}", parent_id=parent)
            parent = rt.store.add_message(conv.id, "assistant", f"answer {i}\n\n{LONG}", parent_id=u.id).id
    finally:
        rt.close()
    win = make_window(load_model=False)
    assert win.conversations.current_id == conv.id
    qtbot.waitUntil(lambda: win.chat.verticalScrollBar().maximum() > 1000 and _newest_visible(win.chat),
                    timeout=5000)


def test_b2_opening_a_chat_lands_at_its_newest_message(qtbot, make_window):
    """B2: opening a long chat shows its newest message, also when the messages grow taller afterwards."""
    win = make_window(load_model=False)
    win.resize(900, 600)
    conv = _long_chat(win)
    win.conversations.open(conv.id)
    qtbot.waitUntil(lambda: win.chat.verticalScrollBar().maximum() > 1000 and _newest_visible(win.chat),
                    timeout=5000)
    win.centralWidget().setSizes([500, 400])  # the chat narrows: its text rewraps and grows taller
    qtbot.waitUntil(lambda: _newest_visible(win.chat), timeout=5000)


@pytest.mark.real
def test_b2_scrolling_up_while_streaming_stays_put_and_offers_newest(qtbot, make_window):
    """B2: the person scrolls up mid-reply: the view stays there (also when the reply ends)
    and a "Newest" button appears; the button brings the view back and hides."""
    win = make_window()
    win.resize(900, 600)
    conv = _long_chat(win, pairs=2, sampling=SamplingParams(max_tokens=40, temperature=0.0, seed=3).to_dict())
    win.conversations.open(conv.id)
    bar = win.chat.verticalScrollBar()
    moved = []

    def on_delta(_t):
        if not moved and win.chat.live is not None:
            at_newest = win.chat.following and win.chat.at_newest()  # Send brought the view to the new message
            bar.setValue(bar.maximum() // 2)  # the person drags the scroll bar up
            moved.append((at_newest, bar.value()))

    win.engine.jobDelta.connect(lambda _job, _key, text: on_delta(text))
    send_and_wait(qtbot, win, "Write a long story about the sea.")
    _settle(qtbot, win)
    assert moved and moved[0][0] and bar.value() == moved[0][1]
    assert not win.chat.following and win.chat.newest_button.isVisible()
    win.chat.newest_button.click()
    qtbot.waitUntil(lambda: _newest_visible(win.chat), timeout=5000)
    assert not win.chat.newest_button.isVisible()


@pytest.mark.real
def test_b2_send_and_edit_bring_the_view_to_the_new_message(qtbot, make_window):
    """B2: read back at the top, then Send (and later Edit → Save & resend): the view goes to the new reply."""
    win = make_window()
    win.resize(900, 600)
    conv = _long_chat(win, pairs=2, sampling=SamplingParams(max_tokens=24, temperature=0.0, seed=3).to_dict())
    win.conversations.open(conv.id)
    qtbot.waitUntil(lambda: _newest_visible(win.chat), timeout=5000)
    win.chat.verticalScrollBar().setValue(0)
    send_and_wait(qtbot, win, "One more question.")
    qtbot.waitUntil(lambda: _newest_visible(win.chat), timeout=5000)
    win.chat.verticalScrollBar().setValue(0)
    last_user = [w for w in win.chat.widgets if w.record.role == "user"][-1]
    last_user.edit_btn.click()
    last_user.editor.edit.setPlainText("One more question, please.")
    with qtbot.wait_signal(win.turnFinished, timeout=60_000):
        last_user.editor.save_btn.click()
    qtbot.waitUntil(lambda: _newest_visible(win.chat), timeout=5000)
    assert win.chat.widgets[-2].record.content == "One more question, please."


# -- B5: the highlight stays on the chat being written ----------------------------------------
@pytest.mark.real
def test_b5_refused_click_keeps_the_highlight_on_the_chat_being_written(qtbot, make_window):
    """B5: a real click on another chat while a reply streams is refused, and the list's
    highlight (current and selected row) stays on the chat being written."""
    win = make_window()
    other = win.rt.store.create("other chat")
    conv = win.rt.store.create("writing", sampling={"max_tokens": 300, "temperature": 0.0, "seed": 1})
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    lst = win.sidebar.list
    seen = []

    def check():
        seen.append(([i.data(ID_ROLE) for i in lst.selectedItems()], win.sidebar.current_id()))
        win.turns.stop()

    def on_delta(_t):
        if seen or getattr(on_delta, "clicked", False):
            return
        on_delta.clicked = True
        item = next(lst.item(i) for i in range(lst.count()) if lst.item(i).data(ID_ROLE) == other.id)
        qtbot.mouseClick(lst.viewport(), Qt.LeftButton, pos=lst.visualItemRect(item).center())
        QTimer.singleShot(0, check)  # after the click has been handled in full

    win.engine.jobDelta.connect(lambda _job, _key, text: on_delta(text))
    send_and_wait(qtbot, win, "Write a long poem about the sea.")
    assert seen == [([conv.id], conv.id)]
    assert win.conversations.current_id == conv.id


# -- the sidebar -------------------------------------------------------------------------------
def test_rename_in_place_with_f2_and_double_click(qtbot, make_window):
    """F2 edits the open chat's title in the list, Enter saves it; a double-click edits too, Esc keeps the title."""
    win = make_window(load_model=False)
    conv = win.rt.store.create("old title")
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    win.rename_action.trigger()
    editor = win.sidebar.list.findChild(QLineEdit)
    assert editor is not None and editor.text() == "old title"
    editor.setText("新的标题")
    qtbot.keyClick(editor, Qt.Key_Return)
    qtbot.waitUntil(lambda: win.rt.store.get(conv.id).title == "新的标题", timeout=3000)
    qtbot.waitUntil(lambda: "新的标题" in [win.sidebar.list.item(i).text() for i in range(win.sidebar.list.count())])
    lst = win.sidebar.list
    item = next(lst.item(i) for i in range(lst.count()) if lst.item(i).data(ID_ROLE) == conv.id)
    centre = lst.visualItemRect(item).center()
    qtbot.mouseClick(lst.viewport(), Qt.LeftButton, pos=centre)  # QTest's double-click sends no press first
    qtbot.mouseDClick(lst.viewport(), Qt.LeftButton, pos=centre)
    editor = lst.findChild(QLineEdit)
    assert editor is not None and editor.isVisible()
    editor.setText("discarded")
    qtbot.keyClick(editor, Qt.Key_Escape)
    _settle(qtbot, win)
    assert win.rt.store.get(conv.id).title == "新的标题"


def test_ctrl_b_collapses_and_restores_the_sidebar(qtbot, make_window):
    """View → Show sidebar (Ctrl+B) hides the sidebar and brings it back."""
    win = make_window(load_model=False)
    assert win.sidebar_action.shortcut().toString() == "Ctrl+B"
    win.sidebar_action.trigger()
    assert not win.sidebar.isVisible() and not win.sidebar_action.isChecked()
    win.sidebar_action.trigger()
    assert win.sidebar.isVisible()


# -- messages ----------------------------------------------------------------------------------
def _chat_with_two(win):
    conv = win.rt.store.create("two")
    u = win.rt.store.add_message(conv.id, "user", "hi")
    win.rt.store.add_message(conv.id, "assistant", "Hello! " * 40, parent_id=u.id, status="done", model="m")
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    return conv


def test_reading_column_bubbles_and_avatars(qtbot, make_window):
    """A wide window keeps messages in a column of at most 800 px, centred; the person's short
    message is a small right-aligned bubble; the assistant's reply is full column width."""
    win = make_window(load_model=False)
    win.resize(1600, 800)
    _chat_with_two(win)
    _settle(qtbot, win)
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
    _chat_with_two(win)
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
    _chat_with_two(win)
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


def test_empty_state_is_a_replaceable_widget(qtbot, make_window):
    """set_empty_widget puts a widget in the empty chat; it hides while messages are shown."""
    win = make_window(load_model=False)
    panel = QLabel("welcome")
    win.chat.set_empty_widget(panel)
    win.conversations.new()
    assert panel.isVisible()
    _chat_with_two(win)
    assert not panel.isVisible()


# -- composer and theme --------------------------------------------------------------------------
@pytest.mark.real
def test_composer_send_button_and_model_pill(qtbot, make_window):
    """Send is disabled while the box is empty; the pill names the loaded model."""
    win = make_window()
    assert win.composer.model_pill.text() == win.engine.model.name
    assert not win.composer.button.isEnabled()
    win.composer.edit.setPlainText("hello")
    assert win.composer.button.isEnabled() and win.composer.button.text() == "Send"
    win.composer.set_busy(True)
    assert win.composer.button.isEnabled() and win.composer.button.text() == "Stop"
    win.composer.set_busy(False)
    win.composer.edit.setPlainText("   ")
    assert not win.composer.button.isEnabled()


def _icon_colour(button):
    image = button.icon().pixmap(16, 16).toImage()
    for y in range(image.height()):
        for x in range(image.width()):
            c = image.pixelColor(x, y)
            if c.alpha() > 200:
                return c.name()
    return None


def test_icons_and_focus_ring_follow_the_theme(qtbot, make_window):
    """Switching to dark redraws the icons in the dark palette; both stylesheets draw a focus ring."""
    from aigc_desktop.ui.kit import style

    win = make_window(load_model=False)
    _chat_with_two(win)
    win.set_theme("light")
    light = _icon_colour(win.chat.widgets[0].copy_btn)
    win.set_theme("dark")
    dark = _icon_colour(win.chat.widgets[0].copy_btn)
    assert light and dark and light != dark
    for p in (style.LIGHT, style.DARK):
        sheet = style.stylesheet(p)
        assert f"QPushButton:focus, QToolButton:focus {{ border: 2px solid {p.focus}; }}" in sheet
        assert "::item:focus" in sheet and "QLineEdit:focus" in sheet
    assert "Noto Sans CJK SC" in QApplication.font().families()


def test_the_window_comes_back_at_its_last_size(qtbot, make_window):
    """Closing the window saves its geometry; a new window restored from the settings has the same size."""
    from aigc_desktop.ui.main_window import MainWindow
    from aigc_desktop.ui.window_state import restore_geometry

    win = make_window(load_model=False)
    win.resize(731, 507)
    store = win.settings_store
    win.close()
    assert store.current().window_geometry
    again = MainWindow(None, store)
    qtbot.addWidget(again)
    assert restore_geometry(again, store) and (again.width(), again.height()) == (731, 507)
    store.update(window_geometry="not base64!")
    assert not restore_geometry(again, store)  # unreadable: ignored, nothing raised
