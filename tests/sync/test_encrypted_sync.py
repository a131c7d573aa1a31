"""Sync with end-to-end encryption and over WebDAV, through the real SyncService of two devices:
nothing readable in the shared place, a wrong or missing passphrase said in words, a cut-short
encrypted file skipped and read once whole, and a chat carried over a real WebDAV server even
after an upload was cut mid-way."""

from __future__ import annotations

import gzip
import secrets

import pytest

from aigc_desktop.errors import UserError
from aigc_desktop.providers.secrets import SecretStore
from aigc_desktop.settings import SettingsStore
from aigc_desktop.store.conversations import ConversationStore
from aigc_desktop.store.db import Database
from aigc_desktop.sync.crypto import is_sealed
from aigc_desktop.sync.service import SyncService
from tests.sync.dav_server import PASSWORD, USER, CuttingProxy, DavServer

TITLE = "周末去杭州的行程"
LONG = "带上雨伞 " + secrets.token_hex(60_000)


class Device:
    def __init__(self, home) -> None:
        home.mkdir(parents=True)
        self.db = Database(home / "conversations.db")
        self.store = ConversationStore(self.db)
        self.settings = SettingsStore(home / "settings.json")
        self.secrets = SecretStore(home / "keys.json", use_keychain=False)
        self.sync = SyncService(self.db, self.settings, home, secrets=self.secrets)

    def titles(self) -> list[str]:
        return sorted(c.title for c in self.store.list())

    def close(self) -> None:
        self.db.close()


@pytest.fixture
def devices(tmp_path):
    made = [Device(tmp_path / "a"), Device(tmp_path / "b")]
    shared = tmp_path / "Dropbox"
    shared.mkdir()
    yield (*made, shared)
    for d in made:
        d.close()


def sync_files(shared) -> list:
    return [p for p in shared.rglob("*.jsonl.gz")]


def test_encrypted_files_hold_nothing_readable_and_need_the_passphrase(devices):
    a, b, shared = devices
    a.sync.configure_folder(shared)
    a.sync.set_passphrase("我们的口令 42")
    conv = a.store.create(TITLE)
    a.store.add_message(conv.id, "user", "带上雨伞")
    assert a.sync.sync_now().sent > 0
    files = sync_files(shared)
    assert files and all(is_sealed(p.read_bytes()) for p in files)
    for p in files:
        raw = p.read_bytes()
        assert TITLE.encode() not in raw and "带上雨伞".encode() not in raw
        with pytest.raises(OSError):
            gzip.decompress(raw)
    assert "我们的口令" not in "".join(p.read_bytes().decode("latin-1") for p in shared.rglob("*") if p.is_file())

    b.sync.configure_folder(shared)
    with pytest.raises(UserError, match="encrypts its sync files"):
        b.sync.sync_now()  # no encryption here: told to turn it on
    b.sync.set_passphrase("另一个口令")
    with pytest.raises(UserError, match="passphrase is wrong"):
        b.sync.sync_now()
    assert "passphrase is wrong" in b.sync.status().last_error
    assert b.titles() == []
    b.sync.set_passphrase("我们的口令 42")
    assert b.sync.sync_now().received > 0
    assert b.titles() == [TITLE]
    assert b.sync.status().last_error is None


def test_a_cut_short_encrypted_file_is_skipped_then_read_when_whole(devices):
    a, b, shared = devices
    for d in (a, b):
        d.sync.configure_folder(shared)
        d.sync.set_passphrase("pass phrase")
    a.store.create(TITLE)
    a.sync.sync_now()
    whole = {p: p.read_bytes() for p in sync_files(shared)}
    for p, data in whole.items():
        p.write_bytes(data[: len(data) // 2])  # still arriving through the sync program
    report = b.sync.sync_now()
    assert report.received == 0 and report.skipped
    assert b.titles() == []
    for p, data in whole.items():
        p.write_bytes(data)  # the rest arrived
    assert b.sync.sync_now().received > 0
    assert b.titles() == [TITLE]


def test_a_chat_travels_over_webdav_after_a_cut_upload(devices, tmp_path):
    a, b, _shared = devices
    root = tmp_path / "dav"
    (root / "我的坚果云").mkdir(parents=True)
    server = DavServer(root)
    proxy = CuttingProxy(server.port)
    try:
        a.sync.configure_webdav(server.url("我的坚果云", port=proxy.port), USER, PASSWORD)
        b.sync.configure_webdav(server.url("我的坚果云"), USER, PASSWORD)
        assert "works" in a.sync.test()
        conv = a.store.create(TITLE)
        a.store.add_message(conv.id, "user", LONG)  # big enough to be cut mid-upload, even gzip'd
        proxy.cut_next_put(after=20_000)
        with pytest.raises(UserError, match="cut"):
            a.sync.sync_now()
        assert proxy.cuts == 1
        assert "cut" in a.sync.status().last_error
        finals = [p for p in root.rglob("*.jsonl.gz")]
        assert finals == []  # nothing under a final name; at most a .tmp leftover
        assert b.sync.sync_now().received == 0
        assert a.sync.sync_now().sent > 0  # the next sync completes
        assert b.sync.sync_now().received > 0
        assert b.titles() == [TITLE]
        [moved] = [c for c in b.store.list()]
        assert [m.content for m in b.store.messages(moved.id)] == [LONG]
        assert PASSWORD not in "".join(p.read_bytes().decode("latin-1") for p in root.rglob("*") if p.is_file())
    finally:
        proxy.stop()
        server.stop()


def test_a_wrong_webdav_password_is_said_plainly_and_kept_as_the_last_error(devices, tmp_path):
    a, _b, _shared = devices
    root = tmp_path / "dav"
    root.mkdir()
    server = DavServer(root)
    try:
        a.sync.configure_webdav(server.url(), USER, "login-password")
        with pytest.raises(UserError, match="app password"):
            a.sync.test()
        with pytest.raises(UserError, match="HTTP 401"):
            a.sync.sync_now()
        assert "HTTP 401" in a.sync.status().last_error
    finally:
        server.stop()


def test_offline_mode_keeps_webdav_closed_but_a_folder_still_syncs(devices):
    """The offline switch holds for a WebDAV server as for providers; a folder needs no network."""
    a, _b, shared = devices
    a.settings.update(offline=True)
    a.sync.configure_webdav("https://dav.jianguoyun.com/dav/我的坚果云", USER, PASSWORD)
    with pytest.raises(UserError, match="offline mode"):
        a.sync.sync_now()
    assert "offline mode" in a.sync.status().last_error
    a.sync.configure_folder(shared)
    a.store.create(TITLE)
    assert a.sync.sync_now().sent > 0
