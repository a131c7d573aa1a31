"""The Models window: import a GGUF, download one from the fake Hub with progress, switch the chat to it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from aigc_desktop.paths import app_paths
from tests.hub.conftest import FILE, REPO, hub  # noqa: F401 - the fake Hub fixture
from tests.ui.conftest import send_and_wait

pytestmark = pytest.mark.real


def test_import_gguf_and_use_it(qtbot, make_window, tmp_path, starter_model):
    """Import copies the file into the models folder, lists it with metadata; Use loads it for the chat."""
    win = make_window()
    dlg = win.show_models()
    src = tmp_path / "Imported-Smol.Q4_1.gguf"
    src.write_bytes(starter_model.read_bytes())
    dlg.ask_open_path = lambda: str(src)
    target = str(app_paths().models / src.name)
    dlg.import_file()
    qtbot.waitUntil(lambda: target in dlg.installed_paths(), timeout=30_000)
    row = dlg.installed_paths().index(target)
    assert [dlg.installed.item(row, c).text() for c in (2, 3, 4)] == ["Q4_1", "135M", "llama"]
    assert dlg.select_installed(target)
    with qtbot.wait_signal(win.modelReady, timeout=60_000) as blocker:
        dlg.use_btn.click()
    assert blocker.args == ["Imported-Smol.Q4_1"]
    assert str(win.rt.engine.model.path) == target
    assert win.model_combo.currentData() == target
    reply = send_and_wait(qtbot, win, "hello")
    assert win.rt.store.get_message(reply).model == "Imported-Smol.Q4_1"


def test_import_bad_file_shows_reason(qtbot, make_window, tmp_path):
    """A non-GGUF import shows a clear message and lists nothing new."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    bad = tmp_path / "notes.gguf"
    bad.write_text("not a model")
    before = dlg.installed_paths()
    dlg.ask_open_path = lambda: str(bad)
    dlg.import_file()
    qtbot.waitUntil(lambda: "not a GGUF" in dlg.status.text(), timeout=30_000)
    assert dlg.installed_paths() == before


def test_download_from_fake_hub_with_progress_then_chat(qtbot, make_window, hub):
    """Search → files → Download: the bar moves, the file is verified and listed, the chat switches to it."""
    win = make_window()
    dlg = win.show_models()
    dlg.search_box.setText("smol")
    with qtbot.wait_signal(dlg.search().done, timeout=30_000):
        pass
    assert dlg.repo_list.count() == 1 and dlg.repo_list.item(0).text() == REPO
    call = dlg.show_files(REPO)
    qtbot.waitUntil(lambda: dlg.files.rowCount() == 2, timeout=30_000)
    dlg.files.selectRow(1)
    assert dlg.files.item(1, 0).text() == FILE and dlg.files.item(1, 2).text() == "Q4_1"
    values = []
    dlg.downloadProgress.connect(lambda job, done, total: values.append(done))
    with qtbot.wait_signal(dlg.downloadFinished, timeout=120_000) as blocker:
        dlg._download_selected_file()
    assert blocker.args[1] == "done", blocker.args
    assert len(values) > 3 and values == sorted(values) and values[-1] == hub.state.repos[REPO][FILE].size
    bar = next(iter(dlg._rows.values()))[0]
    assert bar.value() == 1000
    target = str(app_paths().models / FILE)
    assert target in dlg.installed_paths()
    dlg.select_installed(target)
    with qtbot.wait_signal(win.modelReady, timeout=60_000):
        dlg.use_btn.click()
    assert str(win.rt.engine.model.path) == target
    assert call is not None


def test_offline_setting_blocks_search(qtbot, make_window, hub):
    """With offline switched on in Settings, search reports offline mode and the fake Hub hears nothing."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    dlg.offline_box.setChecked(True)
    assert dlg.save_hub_settings()
    before = len(hub.state.requests)
    dlg.search_box.setText("smol")
    dlg.search()
    qtbot.waitUntil(lambda: "offline mode" in dlg.status.text(), timeout=30_000)
    assert len(hub.state.requests) == before


def test_delete_needs_confirmation(qtbot, make_window, tmp_path, starter_model):
    """Delete asks first; Yes removes the file from disk and the list."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    from aigc_desktop.hub.library import import_model

    copy = tmp_path / "Gone.Q4_1.gguf"
    copy.write_bytes(starter_model.read_bytes())
    target = import_model(copy)
    dlg.refresh_installed()
    dlg.select_installed(str(target))
    dlg.confirm = lambda *a: False
    dlg.delete_btn.click()
    assert target.exists()
    dlg.confirm = lambda *a: True
    dlg.delete_btn.click()
    assert not target.exists() and str(target) not in dlg.installed_paths()
