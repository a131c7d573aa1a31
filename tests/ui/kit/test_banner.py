"""The banner: notes that clear themselves, errors that stay, core errors in Chinese."""

from __future__ import annotations


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


def test_a_core_error_in_the_banner_is_chinese(qtbot, zh_window, tmp_path):
    """Loading a file that is not GGUF shows the core's refusal in Chinese, and says which model stays."""
    win = zh_window()
    bad = tmp_path / "notes.gguf"
    bad.write_text("hello")
    win.model_choice.load(bad)
    qtbot.waitUntil(win.banner.isVisible, timeout=30_000)
    text = win.banner.text()
    assert "不是 GGUF 模型文件" in text and "仍在使用" in text, text


def _places(win):
    from PySide6.QtCore import QPoint

    parts = (win.chat, win.composer, win.composer.button, win.system_chip, win.stack)
    return [(w.mapTo(win, QPoint(0, 0)), w.size()) for w in parts]


def test_a_note_floats_over_the_page_and_moves_nothing(qtbot, make_window):
    """A note coming and going must not push the chat and the message box down and up
    (a click aimed at Send landed on another control)."""
    from PySide6.QtWidgets import QApplication

    win = make_window(load_model=False)
    QApplication.processEvents()
    before = _places(win)
    win.banner.show_info("Exported to /tmp/x.md")
    QApplication.processEvents()
    assert win.banner.isVisible() and win.banner.height() > 10
    assert _places(win) == before
    top = win.banner.mapTo(win, win.banner.rect().topLeft())
    assert top.y() >= win.stack.mapTo(win, win.stack.rect().topLeft()).y()  # over the page, not the toolbar
    win.banner.show_error("A long error " * 30)  # a taller, wrapped note moves nothing either
    QApplication.processEvents()
    assert _places(win) == before
    win.banner.clear_note()
    QApplication.processEvents()
    assert not win.banner.isVisible() and _places(win) == before


def test_a_note_under_the_pointer_does_not_fade(qtbot, make_window):
    """While the pointer is over an information note it stays; it fades after the pointer left."""
    from PySide6.QtCore import QEvent, QPointF
    from PySide6.QtGui import QEnterEvent
    from PySide6.QtWidgets import QApplication

    win = make_window(load_model=False)
    banner = win.banner
    banner.show_info("Imported 3 chats")
    QApplication.sendEvent(banner, QEnterEvent(QPointF(5, 5), QPointF(5, 5), QPointF(5, 5)))
    banner._fade.timeout.emit()  # the fade's time is up while the pointer is on it
    assert banner.isVisible() and banner.text() == "Imported 3 chats"
    QApplication.sendEvent(banner, QEvent(QEvent.Leave))
    assert banner._fade.isActive()  # fades a little after the pointer left
    banner._fade.timeout.emit()
    assert not banner.isVisible()


def test_a_click_closes_the_note(qtbot, make_window):
    from PySide6.QtCore import Qt

    win = make_window(load_model=False)
    win.banner.show_error("Disk full")
    qtbot.mouseClick(win.banner, Qt.LeftButton)
    assert not win.banner.isVisible()
