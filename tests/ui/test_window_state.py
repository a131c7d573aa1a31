"""The window's saved geometry."""

from __future__ import annotations


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
