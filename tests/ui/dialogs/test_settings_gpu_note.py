"""Conversation settings in Chinese: the CPU-build GPU note wraps and shows whole (its last line was cut
off at "…如何安装支持 GPU 的版")."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication


def test_the_gpu_note_is_whole_in_chinese(qtbot, zh_window):
    from aigc_desktop.chat import presets
    from aigc_desktop.ui.dialogs.settings import ConversationSettingsDialog
    from aigc_desktop.ui.engine.gpu_control import offload_supported

    if offload_supported():
        pytest.skip("a GPU build shows no note")
    win = zh_window(load_model=False)
    dialog = ConversationSettingsDialog(win, win.rt.store.create("s"), [], 4096, presets)
    dialog.show()
    qtbot.waitExposed(dialog)
    for _ in range(5):
        QApplication.processEvents()
    note = dialog.gpu_note
    assert note.wordWrap() and note.isVisible() and "GPU 的版本。" in note.text()
    assert note.height() >= note.heightForWidth(note.width())
    assert dialog.rect().contains(QRect(note.mapTo(dialog, QPoint(0, 0)), note.size()))
    dialog.close()
