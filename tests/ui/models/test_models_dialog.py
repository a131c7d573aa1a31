"""The Models window: import a GGUF, download one from the fake Hub with progress, switch the chat to it;
downloads that belong to the main window, settings read and written through its store."""

from __future__ import annotations

import socket
import threading

import pytest
import shiboken6
from PySide6.QtCore import QEvent, QObject, QThread, Slot
from PySide6.QtWidgets import QApplication, QHeaderView

from aigc_desktop.hub.download import DownloadError, download, part_path, sidecar_path
from aigc_desktop.hub.library import import_model, set_default_model
from aigc_desktop.paths import app_paths
from aigc_desktop.settings import Settings, SettingsStore
from tests.hub.hub_fixtures import FILE, REPO
from tests.ui.conftest import send_and_wait


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
    bar = next(iter(dlg.downloads_tab.rows.values())).bar
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
    set_default_model(str(target), win.rt.settings_store)
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
    import aigc_desktop.ui.models.installed as installed

    win = make_window(load_model=False)
    dlg = win.show_models()
    target = _import_copy(tmp_path, starter_model, "Busy.Q4_1.gguf")

    def in_use(path, settings_store=None):
        raise PermissionError(13, "The file is in use")

    monkeypatch.setattr(installed, "delete_model", in_use)
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
    dlg.downloads.queue.backoff = 0
    remote = next(f for f in _files(REPO) if f.filename == FILE)
    hub.state.cut_after = 30_000_000
    hub.state.status_after_cut = 500
    with qtbot.wait_signal(dlg.downloadFinished, timeout=120_000) as blocker:
        job_id = dlg.start_download(remote)
    assert blocker.args[1] == "failed" and "is kept" in blocker.args[2]
    assert not dlg.downloads.has_active()
    row = dlg.downloads_tab.rows[job_id]
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
    [(job_id, row)] = dlg.downloads_tab.rows.items()
    assert dlg.downloads.job(job_id).state == "paused" and "paused" in row.label.text()
    assert row.resume.text() == "Resume" and not row.remove.isHidden() and 0 < row.bar.value() < 1000
    assert not dlg.downloads.has_active()
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
    [(job_id, row)] = dlg.downloads_tab.rows.items()
    dlg.confirm = lambda *a: False
    row.remove.click()
    assert part.exists() and job_id in dlg.downloads_tab.rows
    dlg.confirm = lambda *a: True
    row.remove.click()
    assert not part.exists() and not sidecar_path(part).exists()
    assert dlg.downloads_tab.rows == {} and not dlg.no_downloads.isHidden()


# -- downloads belong to the main window ----------------------------------------------


def test_download_finishes_with_the_models_window_never_opened(qtbot, make_window, hub):
    """The main window's controller downloads on its own; a Models window opened afterwards shows the result."""
    win = make_window(load_model=False)
    assert getattr(win, "models_dialog", None) is None
    remote = next(f for f in _files(REPO) if f.filename == "tiny-Q8_0.gguf")
    installed = []
    win.downloads.modelInstalled.connect(installed.append)
    with qtbot.wait_signal(win.downloads.finished, timeout=120_000) as blocker:
        job = win.downloads.start(remote)
    assert blocker.args == [job.id, "done", "Saved tiny-Q8_0.gguf"]
    target = str(app_paths().models / "tiny-Q8_0.gguf")
    assert installed == [target]
    dlg = win.show_models()
    row = dlg.downloads_tab.rows[job.id]
    assert row.bar.value() == 1000 and "Saved tiny-Q8_0.gguf" in row.label.text() and row.resume.isHidden()
    assert target in dlg.installed_paths()


def test_download_continues_after_the_models_window_is_closed(qtbot, make_window, hub):
    """Closing the Models window stops nothing: the download finishes, and reopening shows it done."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    remote = next(f for f in _files(REPO) if f.filename == FILE)
    with qtbot.wait_signal(win.downloads.finished, timeout=120_000) as blocker:
        job_id = dlg.start_download(remote)
        dlg.close()
        assert not dlg.isVisible() and win.downloads.has_active()
    assert blocker.args[1] == "done", blocker.args
    assert (app_paths().models / FILE).is_file()
    assert win.show_models() is dlg
    assert dlg.downloads_tab.rows[job_id].bar.value() == 1000
    assert str(app_paths().models / FILE) in dlg.installed_paths()


class _Recorder(QObject):
    """Receives the controller's signals in bound slots and notes the thread each ran on."""

    def __init__(self) -> None:
        super().__init__()
        self.progress: list[tuple[int, int, QThread]] = []
        self.finished: list[tuple[str, QThread]] = []

    @Slot(int, "qint64", "qint64", float, object)
    def on_progress(self, job_id, done, total, speed, eta) -> None:
        self.progress.append((done, total, QThread.currentThread()))

    @Slot(int, str, str)
    def on_finished(self, job_id, state, message) -> None:
        self.finished.append((state, QThread.currentThread()))


def test_download_signals_arrive_on_the_gui_thread(qtbot, make_window, hub):
    """The queue's callbacks run on its thread; every slot they reach runs on the GUI thread."""
    from aigc_desktop.ui.kit import threads

    threads.violations.clear()
    win = make_window(load_model=False)
    dlg = win.show_models()
    recorder = _Recorder()
    win.downloads.progress.connect(recorder.on_progress)
    win.downloads.finished.connect(recorder.on_finished)
    queue_threads = []
    forward = win.downloads.queue.on_progress
    win.downloads.queue.on_progress = lambda job, p: (queue_threads.append(threading.current_thread()),
                                                      forward(job, p))
    remote = next(f for f in _files(REPO) if f.filename == FILE)
    with qtbot.wait_signal(dlg.downloadFinished, timeout=120_000) as blocker:
        dlg.start_download(remote)
    assert blocker.args[1] == "done"
    gui = QApplication.instance().thread()
    assert queue_threads and all(t is not threading.main_thread() for t in queue_threads)
    assert recorder.progress and all(t is gui for _, _, t in recorder.progress)
    assert recorder.finished == [("done", gui)]
    assert threads.violations == []


def test_progress_carries_sizes_above_two_gigabytes(qtbot, make_window):
    """Byte counts are 64-bit on the way from the queue's thread: a 5 GB model's progress is not garbled."""
    from aigc_desktop.hub.catalog import RemoteFile
    from aigc_desktop.hub.download import Progress
    from aigc_desktop.ui.kit import threads

    threads.violations.clear()
    win = make_window(load_model=False)
    job = win.downloads.queue.add_paused(RemoteFile("a/b", "big.gguf", 5 * 2**30, None))
    recorder = _Recorder()
    win.downloads.progress.connect(recorder.on_progress)
    worker = threading.Thread(target=win.downloads.queue.on_progress,
                              args=(job, Progress(3 * 2**30, 5 * 2**30, 1e6, 2.0)))
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: bool(recorder.progress), timeout=5_000)
    assert recorder.progress[0][:2] == (3 * 2**30, 5 * 2**30)
    assert threads.violations == []


# -- fixes: starter Delete, stale status, catalog notes ---------------------------------


def test_starter_model_cannot_be_deleted(qtbot, make_window, tmp_path, starter_model):
    """The starter's Delete is disabled and says why; no "Delete from disk?" question is asked."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    other = _import_copy(tmp_path, starter_model, "Other.Q4_1.gguf")
    dlg.refresh_installed()
    assert dlg.select_installed(str(starter_model))
    assert not dlg.delete_btn.isEnabled() and "part of the app" in dlg.delete_btn.toolTip()
    assert dlg.use_btn.isEnabled()
    asked = []
    dlg.confirm = lambda title, text: asked.append(text) or True
    dlg.installed_tab.delete_selected()  # even when called around the disabled button
    assert asked == [] and starter_model.exists() and "cannot be removed" in dlg.status.text()
    dlg.select_installed(str(other))
    assert dlg.delete_btn.isEnabled() and dlg.delete_btn.toolTip() == ""


def test_switching_tabs_clears_a_stale_hub_error(qtbot, make_window, hub):
    """A failed search's error stays with Search: other tabs show their own line, Search shows it again."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    dlg.tabs.setCurrentWidget(dlg.search_tab)
    hub.state.status = 500
    dlg.search_box.setText("smol")
    dlg.search()
    qtbot.waitUntil(lambda: "HTTP 500" in dlg.status.text(), timeout=30_000)
    for tab in (dlg.installed_tab, dlg.catalog_tab, dlg.downloads_tab, dlg.hub_settings_tab):
        dlg.tabs.setCurrentWidget(tab)
        assert dlg.status.text() == "", tab
    dlg.tabs.setCurrentWidget(dlg.search_tab)
    assert "HTTP 500" in dlg.status.text()


def test_catalog_notes_stretch_wrap_and_have_tooltips(qtbot, make_window):
    """The Notes column takes the spare width and wraps; long cells carry their full text as a tooltip."""
    from aigc_desktop.hub.catalog import load_catalog

    win = make_window(load_model=False)
    dlg = win.show_models()
    entries = load_catalog()
    notes = 6
    header = dlg.catalog.horizontalHeader()
    assert header.sectionResizeMode(notes) == QHeaderView.Stretch and dlg.catalog.wordWrap()
    chat_rows = range(len(entries))  # the embedding models follow under their heading row
    assert [dlg.catalog.item(r, notes).toolTip() for r in chat_rows] == [e.notes for e in entries]
    long_files = [(r, e.label) for r, e in enumerate(entries) if len(e.label) > 24]
    assert long_files and all(dlg.catalog.item(r, 1).toolTip() == f for r, f in long_files)


# -- settings through the store ----------------------------------------------------------


def test_settings_changed_elsewhere_show_in_the_open_dialog(qtbot, make_window, tmp_path, starter_model, caplog):
    """A change made through the window's settings store (not by this dialog) shows at once, through the
    window's settings bridge: the dialog adds no listener of its own, and a change after it is gone is harmless."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    store = win.rt.settings_store
    target = _import_copy(tmp_path, starter_model, "Picked.Q4_1.gguf")
    dlg.refresh_installed()
    row = dlg.installed_paths().index(str(target))
    assert dlg.installed.item(row, 6).text() == ""
    store.update(offline=True)
    qtbot.waitUntil(lambda: dlg.offline_box.isChecked(), timeout=5_000)
    store.update(hub_endpoint="https://hf-mirror.com")
    qtbot.waitUntil(lambda: dlg.endpoint_edit.text() == "https://hf-mirror.com", timeout=5_000)
    set_default_model(str(target), store)
    qtbot.waitUntil(lambda: dlg.installed.item(row, 6).text() == "default", timeout=5_000)
    store.update(offline=False)
    qtbot.waitUntil(lambda: not dlg.offline_box.isChecked(), timeout=5_000)
    listeners = len(store._listeners)
    dlg.deleteLater()
    QApplication.sendPostedEvents(None, QEvent.DeferredDelete)
    assert not shiboken6.isValid(dlg) and len(store._listeners) == listeners
    win.models_dialog = None
    store.update(offline=True)
    QApplication.processEvents()
    assert "settings listener failed" not in caplog.text


def test_hub_settings_are_written_through_the_store(qtbot, make_window, hub):
    """Offline and the Hub address go through the window's store, so its other listeners hear them."""
    win = make_window(load_model=False)
    dlg = win.show_models()
    heard = []
    win.rt.settings_store.add_listener(lambda settings, changed: heard.append(set(changed)))
    dlg.offline_box.setChecked(True)
    dlg.endpoint_edit.setText(hub.url)
    dlg.endpoint_edit.editingFinished.emit()
    assert heard == [{"offline"}, {"hub_endpoint"}]
    assert Settings.load(app_paths().settings_file).offline
