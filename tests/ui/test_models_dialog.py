"""The Models window: import a GGUF, download one from the fake Hub with progress, switch the chat to it."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt

from aigc_desktop.hub.download import DownloadError, download, part_path, sidecar_path
from aigc_desktop.hub.library import import_model, set_default_model
from aigc_desktop.paths import app_paths
from aigc_desktop.settings import Settings, SettingsStore
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
    dlg.search()  # (its result may arrive before a wait_signal could connect: wait for the list)
    qtbot.waitUntil(lambda: dlg.repo_list.count() == 1, timeout=30_000)
    assert dlg.repo_list.item(0).text() == REPO
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
    bar = next(iter(dlg._rows.values())).bar
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


def _import_copy(tmp_path, starter_model, name):
    copy = tmp_path / name
    copy.write_bytes(starter_model.read_bytes())
    return import_model(copy)


def test_offline_tick_applies_at_once(qtbot, make_window, hub, monkeypatch):
    """Ticking Offline (no Save) is saved at once: a search then opens no socket and the Hub hears nothing."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    dlg.offline_box.setChecked(True)
    assert Settings.load(app_paths().settings_file).offline
    connects = []
    real_connect = socket.socket.connect
    monkeypatch.setattr(socket.socket, "connect", lambda s, a: (connects.append(a), real_connect(s, a))[1])
    before = len(hub.state.requests)
    dlg.search_box.setText("smol")
    dlg.search()
    qtbot.waitUntil(lambda: "offline mode" in dlg.status.text(), timeout=30_000)
    assert connects == [] and len(hub.state.requests) == before
    dlg.close()
    SettingsStore(app_paths().settings_file).update(offline=False)  # changed elsewhere (the CLI)
    assert win.show_models() is dlg and not dlg.offline_box.isChecked()  # the box shows what is saved


def test_endpoint_saved_when_edited(qtbot, make_window, hub):
    """The Hub address is saved when editing ends; an invalid one is refused and not saved."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    dlg.endpoint_edit.setText("ftp://nowhere")
    dlg.endpoint_edit.editingFinished.emit()
    assert "must start with http" in dlg.status.text()
    assert Settings.load(app_paths().settings_file).hub_endpoint == ""
    dlg.endpoint_edit.setText(hub.url + "/")
    dlg.endpoint_edit.editingFinished.emit()
    assert Settings.load(app_paths().settings_file).hub_endpoint == hub.url


def test_failed_search_clears_old_results(qtbot, make_window, hub):
    """After a failed search, no results of the previous search stay on screen."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    dlg.search_box.setText("smol")
    dlg.search()
    qtbot.waitUntil(lambda: dlg.repo_list.count() == 1, timeout=30_000)
    dlg.show_files(REPO)
    qtbot.waitUntil(lambda: dlg.files.rowCount() == 2, timeout=30_000)
    hub.state.status = 500
    dlg.search()
    qtbot.waitUntil(lambda: "HTTP 500" in dlg.status.text(), timeout=30_000)
    assert dlg.repo_list.count() == 0 and dlg.files.rowCount() == 0


def test_delete_default_and_loaded_model(qtbot, make_window, tmp_path, starter_model):
    """The confirmation says the model is the default and loaded; after Delete the default is the starter."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    target = _import_copy(tmp_path, starter_model, "Chosen.Q4_1.gguf")
    set_default_model(str(target))
    dlg.refresh_installed()
    dlg.select_installed(str(target))
    with qtbot.wait_signal(win.modelReady, timeout=60_000):
        dlg.use_btn.click()
    assert dlg.status.text() == "Chosen.Q4_1 is loaded in the chat."
    asked = []
    dlg.confirm = lambda title, text: asked.append(text) or True
    dlg.delete_btn.click()
    assert "default model" in asked[0] and "stays loaded until you switch" in asked[0]
    assert not target.exists() and Settings.load(app_paths().settings_file).default_model == ""
    assert "New chats use the starter model" in dlg.status.text()


def test_delete_refused_by_the_system_shows_a_message(qtbot, make_window, tmp_path, starter_model, monkeypatch):
    """An OSError from deleting (file in use, read-only folder) is a message, not a crash."""
    import aigc_desktop.ui.models_dialog as models_dialog

    win = make_window(load_model=False)
    dlg = win.show_models()
    target = _import_copy(tmp_path, starter_model, "Busy.Q4_1.gguf")

    def in_use(path):
        raise PermissionError(13, "The file is in use")

    monkeypatch.setattr(models_dialog, "delete_model", in_use)
    dlg.refresh_installed()
    dlg.select_installed(str(target))
    dlg.confirm = lambda *a: True
    dlg.delete_btn.click()
    assert "Could not delete Busy.Q4_1.gguf: The file is in use" in dlg.status.text()
    assert target.exists() and str(target) in dlg.installed_paths()


def test_broken_model_cannot_be_used_and_failed_load_is_reported(qtbot, make_window, starter_model):
    """A truncated file cannot be used or made default; a load that fails replaces "Loading…" with why."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    models = app_paths().ensure().models
    broken = models / "Broken.gguf"
    broken.write_bytes(starter_model.read_bytes()[:20_000_000])
    data = bytearray(starter_model.read_bytes())  # a complete file whose architecture llama.cpp does not know
    at = data.index(b"llama", data.index(b"general.architecture"))
    data[at:at + 5] = b"zzzzz"
    odd = models / "Odd-Arch.gguf"
    odd.write_bytes(bytes(data))
    dlg.refresh_installed()
    dlg.select_installed(str(broken))
    assert not dlg.use_btn.isEnabled() and not dlg.default_btn.isEnabled() and dlg.delete_btn.isEnabled()
    assert "truncated" in dlg.use_btn.toolTip()
    dlg.select_installed(str(odd))
    assert dlg.use_btn.isEnabled()
    with qtbot.wait_signal(win.modelFailed, timeout=60_000):
        dlg.use_btn.click()
    assert dlg.status.text().startswith("Could not load Odd-Arch.gguf:")
    assert "Loading" not in dlg.status.text()


def test_failed_download_resumes_with_the_row_button(qtbot, make_window, hub):
    """A download that fails part-way gets Resume; it continues from the .part and finishes verified."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    dlg.queue.backoff = 0
    remote = next(f for f in _files(REPO) if f.filename == FILE)
    hub.state.cut_after = 30_000_000
    hub.state.status_after_cut = 500
    with qtbot.wait_signal(dlg.downloadFinished, timeout=120_000) as blocker:
        job_id = dlg.start_download(remote)
    assert blocker.args[1] == "failed" and "is kept" in blocker.args[2]
    assert not dlg.queue.has_active()
    row = dlg._rows[job_id]
    assert not row.resume.isHidden() and row.resume.text() == "Resume" and row.cancel.isHidden()
    kept = part_path(remote, app_paths().models).stat().st_size
    hub.state.status = hub.state.status_after_cut = None
    with qtbot.wait_signal(dlg.downloadFinished, timeout=120_000) as blocker:
        row.resume.click()
    assert blocker.args[1] == "done", blocker.args
    assert hub.downloads()[-1][2] == f"bytes={kept}-"
    assert str(app_paths().models / FILE) in dlg.installed_paths()
    assert row.resume.isHidden()


def _files(repo):
    from aigc_desktop.hub.catalog import list_gguf_files

    return list_gguf_files(repo)


def _leave_unfinished(hub, name):
    """A download cut part-way by an earlier session: a .part and its sidecar on disk."""
    remote = next(f for f in _files(REPO) if f.filename == name)
    hub.state.cut_after = 2_000_000
    with pytest.raises(DownloadError):
        download(remote, retries=0)
    return remote, part_path(remote, app_paths().models)


def test_unfinished_download_listed_at_start_and_resumed(qtbot, make_window, hub):
    """A .part left by an earlier session shows as a paused row; Resume finishes it."""
    remote, part = _leave_unfinished(hub, FILE)
    kept = part.stat().st_size
    win = make_window(load_model=False)
    dlg = win.show_models()
    [(job_id, row)] = dlg._rows.items()
    assert dlg.queue.job(job_id).state == "paused" and "paused" in row.label.text()
    assert row.resume.text() == "Resume" and not row.remove.isHidden() and 0 < row.bar.value() < 1000
    assert not dlg.queue.has_active()
    with qtbot.wait_signal(dlg.downloadFinished, timeout=120_000) as blocker:
        row.resume.click()
    assert blocker.args[1] == "done"
    assert hub.downloads()[-1][2] == f"bytes={kept}-"
    assert not part.exists() and not sidecar_path(part).exists()


def test_unfinished_download_can_be_removed(qtbot, make_window, hub):
    """Remove on a paused row deletes the .part and its sidecar and drops the row."""
    remote, part = _leave_unfinished(hub, "tiny-Q8_0.gguf")
    win = make_window(load_model=False)
    dlg = win.show_models()
    [(job_id, row)] = dlg._rows.items()
    dlg.confirm = lambda *a: False
    row.remove.click()
    assert part.exists() and job_id in dlg._rows
    dlg.confirm = lambda *a: True
    row.remove.click()
    assert not part.exists() and not sidecar_path(part).exists()
    assert dlg._rows == {} and not dlg.no_downloads.isHidden()
