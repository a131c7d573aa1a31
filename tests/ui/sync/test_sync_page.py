"""Settings → Sync in the window: choose a real folder, Test, Sync now (off the GUI thread), the devices list,
the status bar's line (a missing folder in words), and the schedule (automatic sync after a reply)."""

from __future__ import annotations

import shutil

import pytest
from PySide6.QtCore import Qt


@pytest.fixture
def window(make_window, tmp_path):
    win = make_window(load_model=False)
    shared = tmp_path / "坚果云同步"
    shared.mkdir()
    win.prompts.ask_folder = lambda caption: str(shared)
    return win, shared


def choose_folder(qtbot, page):
    qtbot.mouseClick(page.kind.button(1), Qt.LeftButton)
    qtbot.mouseClick(page.choose, Qt.LeftButton)


def test_folder_test_sync_now_and_devices(window, qtbot):
    win, shared = window
    dialog = win.sync.show_page()
    page = dialog.page
    assert not page.url.isVisible() and not page.folder.isVisible()  # off: no target fields
    assert not page.sync_button.isEnabled()
    choose_folder(qtbot, page)
    assert page.folder.isVisible() and not page.url.isVisible()
    assert page.folder.text() == str(shared)
    page.device_name.setText("家里的台式机")
    qtbot.mouseClick(page.test_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not win.sync.controller.busy and page.result.text() not in ("", "Testing…"),
                    timeout=20_000)
    assert str(shared) in page.result.text() or "works" in page.result.text().lower(), page.result.text()
    assert win.rt.settings_store.current().sync_target == "folder"

    win.rt.store.create("同步测试")
    with qtbot.wait_signal(win.sync.controller.synced, timeout=20_000):
        qtbot.mouseClick(page.sync_button, Qt.LeftButton)
    assert page.result.text().startswith("Synced:")
    assert any(p.name.endswith(".jsonl.gz") for p in shared.rglob("*"))
    assert not any(p.suffix in (".db", ".db-wal") for p in shared.rglob("*"))
    names = [page.devices.topLevelItem(i).text(0) for i in range(page.devices.topLevelItemCount())]
    assert names == ["家里的台式机 (this device)"]
    assert page.devices.topLevelItem(0).text(1)  # when it was seen
    line = win.sync.label
    assert line.isVisible() and line.text().startswith("Synced ") and line.error is None


def test_a_missing_folder_is_an_error_in_words_on_the_status_bar(window, qtbot):
    win, shared = window
    page = win.sync.show_page().page
    choose_folder(qtbot, page)
    with qtbot.wait_signal(win.sync.controller.synced, timeout=20_000):
        qtbot.mouseClick(page.sync_button, Qt.LeftButton)
    win.sync.dialog.close()
    shutil.rmtree(shared)  # the drive was unplugged, or the folder moved
    with qtbot.wait_signal(win.sync.controller.failed, timeout=20_000):
        win.sync.controller.sync_now()
    line = win.sync.label
    qtbot.waitUntil(lambda: line.error is not None, timeout=5_000)
    assert line.isVisible() and line.text().startswith("Sync failed:")
    assert "missing" in line.toolTip() and str(shared) in line.toolTip()
    assert "Traceback" not in line.toolTip()


def test_password_and_passphrase_are_not_kept_in_the_fields(window, qtbot):
    win, _shared = window
    page = win.sync.show_page().page
    qtbot.mouseClick(page.kind.button(2), Qt.LeftButton)
    assert page.url.isVisible() and page.password.isVisible() and not page.folder.isVisible()
    page.url.setText("http://127.0.0.1:9/dav/")  # nothing listens there
    page.user.setText("ann")
    page.password.setText("app-pass-123")
    qtbot.mouseClick(page.test_button, Qt.LeftButton)
    qtbot.waitUntil(lambda: not win.sync.controller.busy and page.result.text() not in ("", "Testing…"),
                    timeout=20_000)
    assert page.password.text() == ""
    assert "Cannot connect" in page.result.text()
    settings_file = win.rt.settings_store.path.read_text(encoding="utf-8")
    assert "app-pass-123" not in settings_file and "127.0.0.1:9" in settings_file


def test_automatic_sync_follows_a_finished_reply(window, qtbot):
    win, shared = window
    page = win.sync.show_page().page
    choose_folder(qtbot, page)
    page.auto.setChecked(True)
    page.interval.setValue(7)
    win.sync.dialog.close()  # Close keeps what was typed
    qtbot.waitUntil(lambda: win.rt.settings_store.current().sync_auto, timeout=20_000)
    qtbot.waitUntil(lambda: not win.sync.controller.busy, timeout=20_000)
    controller = win.sync.controller
    assert controller.every.isActive() and controller.every.interval() == 7 * 60_000
    win.rt.store.create("自动同步")
    win.turnFinished.emit(1)
    assert controller.after_reply.isActive()  # debounced: waits for a quiet moment
    with qtbot.wait_signal(controller.synced, timeout=20_000):
        controller.after_reply.stop()
        controller.auto_sync()  # what the quiet moment does, without waiting for it
    assert any(p.name.endswith(".jsonl.gz") for p in shared.rglob("*"))


def test_the_page_reads_chinese(zh_window, qtbot, tmp_path):
    """In Chinese every visible word of the page is Chinese (product names aside), after a real sync too."""
    from tests.ui.conftest import english_words, visible_texts

    win = zh_window(load_model=False)
    shared = tmp_path / "同步"
    shared.mkdir()
    win.prompts.ask_folder = lambda caption: str(shared)
    dialog = win.sync.show_page()
    page = dialog.page
    choose_folder(qtbot, page)
    with qtbot.wait_signal(win.sync.controller.synced, timeout=20_000):
        qtbot.mouseClick(page.sync_button, Qt.LeftButton)
    assert page.result.text().startswith("已同步：")
    assert win.sync.label.text().startswith("已同步 ")
    qtbot.mouseClick(page.kind.button(2), Qt.LeftButton)  # the WebDAV fields too
    # Qt's own Close comes from qtbase_zh_CN.qm, which ui/app.py installs and this fixture does not.
    names = ["WebDAV", "Dropbox", "OneDrive", "iCloud", "Syncthing", "API", "Close", str(shared)]
    leftovers = {t: english_words(t, names) for t in visible_texts(dialog)}
    assert {t: w for t, w in leftovers.items() if w} == {}
    assert dialog.windowTitle() == "设置 — 同步"
    assert [a.text() for a in win.menuBar().actions()[0].menu().actions() if a is win.sync_action] == ["同步…"]


def test_webdav_test_and_encrypted_sync_from_the_page(window, qtbot, tmp_path):
    """WebDAV against a real wsgidav server on loopback: Test says it works, Sync now with encryption on
    leaves only sealed files there; the password and passphrase go to the keychain, not the settings."""
    from aigc_desktop.providers.secrets import SecretStore
    from aigc_desktop.sync.crypto import is_sealed
    from tests.sync.dav_server import PASSWORD, USER, DavServer

    win, _shared = window
    root = tmp_path / "dav"
    (root / "我的坚果云").mkdir(parents=True)
    server = DavServer(root)
    try:
        page = win.sync.show_page().page
        qtbot.mouseClick(page.kind.button(2), Qt.LeftButton)
        page.url.setText(server.url("我的坚果云/"))
        page.user.setText(USER)
        page.password.setText(PASSWORD)
        qtbot.mouseClick(page.test_button, Qt.LeftButton)
        qtbot.waitUntil(lambda: not win.sync.controller.busy and page.result.text() not in ("", "Testing…"),
                        timeout=20_000)
        assert "works" in page.result.text(), page.result.text()
        page.encrypt.setChecked(True)
        page.passphrase.setText("全家共用的口令")
        win.rt.store.create("加密的对话")
        with qtbot.wait_signal(win.sync.controller.synced, timeout=20_000):
            qtbot.mouseClick(page.sync_button, Qt.LeftButton)
        assert page.passphrase.text() == "" and page.password.text() == ""
        files = [p for p in root.rglob("*.jsonl.gz")]
        assert files and all(is_sealed(p.read_bytes()) for p in files)
        settings_file = win.rt.settings_store.path.read_text(encoding="utf-8")
        assert PASSWORD not in settings_file and "全家共用的口令" not in settings_file
        assert SecretStore().get("sync-passphrase") == "全家共用的口令"
        assert not any("全家共用的口令".encode() in p.read_bytes() for p in root.rglob("*") if p.is_file())
    finally:
        server.stop()


def test_a_long_error_does_not_widen_a_narrow_window(window, qtbot):
    win, _shared = window
    before = win.minimumSizeHint().width()
    win.sync.label.show_error("文件夹 /一个/很长很长的/路径/" * 10 + " 不存在。")
    win.resize(640, 420)
    assert win.minimumSizeHint().width() <= max(before, 640), before
    assert win.sync.label.text().endswith("…") and "不存在" in win.sync.label.toolTip()


def test_an_http_address_to_another_machine_is_warned_about(window, qtbot):
    win, _shared = window
    page = win.sync.show_page().page
    qtbot.mouseClick(page.kind.button(2), Qt.LeftButton)
    page.url.setText("http://192.168.1.20/dav/")
    assert page.warning.isVisible() and "not encrypted" in page.warning.text()
    page.url.setText("https://dav.jianguoyun.com/dav/")
    assert not page.warning.isVisible()
    page.url.setText("http://127.0.0.1:8080/dav/")  # this machine
    assert not page.warning.isVisible()
    page.url.setText("http://192.168.1.20/dav/")
    qtbot.mouseClick(page.kind.button(1), Qt.LeftButton)  # a folder: no WebDAV address in use
    assert not page.warning.isVisible()
