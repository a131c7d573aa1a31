"""GUI fixtures: a real main window on the real model, offscreen."""

from __future__ import annotations

import pytest


@pytest.fixture
def make_window(qtbot):
    from aigc_desktop.runtime import open_runtime
    from aigc_desktop.ui.main_window import MainWindow

    made = []

    def factory(load_model: bool = True):
        rt = open_runtime()
        win = MainWindow(rt)
        qtbot.addWidget(win)
        win.show()
        if load_model:
            with qtbot.wait_signal(win.modelReady, timeout=60_000):
                win.model_choice.load_default()
        made.append((win, rt))
        return win

    yield factory
    for win, rt in made:
        win.close()
        rt.close()


def send_and_wait(qtbot, win, text: str, timeout: int = 60_000) -> int:
    """Type into the composer, press Enter, wait for the reply to finish; returns its id."""
    from PySide6.QtCore import Qt

    win.composer.edit.setFocus()
    win.composer.edit.setPlainText(text)
    with qtbot.wait_signal(win.turnFinished, timeout=timeout) as blocker:
        qtbot.keyClick(win.composer.edit, Qt.Key_Return)
    return blocker.args[0]
