"""``rt.sync``: the one place the CLI and the window configure, run and ask about sync.

It reads the target from the settings (``sync_target``, ``sync_folder``, ``sync_webdav_url``,
``sync_webdav_user``), the WebDAV password and the encryption passphrase from the keychain
(``providers/secrets.SecretStore``), and the device id from ``device.json`` in the data folder
(never a setting, so a copied settings file does not make two devices one). One pass at a time
per data folder (a file lock: the window's timer and a ``sync now`` in a terminal do not race).
The last sync's time and error are kept in the database (``sync_meta``), so the window shows
what a command-line sync did.
"""

from __future__ import annotations

import json
import logging
import socket
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.store.db import Database
from aigc_desktop.sync import capture
from aigc_desktop.sync.outbox import fold
from aigc_desktop.sync.replica import Replica
from aigc_desktop.sync.transport import FolderTransport, Transport

log = logging.getLogger(__name__)

LIBRARY = "default"  # AIGC-Sync/<library>/: one person's chats, articles and templates
ROOT = "AIGC-Sync"
WEBDAV_SECRET = "sync-webdav-password"
PASSPHRASE_SECRET = "sync-passphrase"


@dataclass(frozen=True)
class SyncReport:
    sent: int
    received: int
    skipped: list[str] = field(default_factory=list)  # files left for next time (incomplete)

    def to_dict(self) -> dict:
        return {"sent": self.sent, "received": self.received}


@dataclass(frozen=True)
class DeviceSeen:
    device_id: str
    name: str
    last_seen: datetime | None


@dataclass(frozen=True)
class SyncStatus:
    target: str | None  # "folder /path" or "webdav https://…" in words; None when sync is off
    last_sync: datetime | None
    last_error: str | None
    device_id: str
    device_name: str
    devices: list[DeviceSeen]

    def to_dict(self) -> dict:
        return {"target": self.target, "last_sync": self.last_sync.isoformat() if self.last_sync else None,
                "last_error": self.last_error, "device_id": self.device_id, "device_name": self.device_name,
                "devices": [{"device_id": d.device_id, "name": d.name,
                             "last_seen": d.last_seen.isoformat() if d.last_seen else None} for d in self.devices]}


def device_id(data_folder: Path) -> str:
    """This device's id, made once and kept in ``device.json`` in the data folder."""
    path = Path(data_folder) / "device.json"
    try:
        value = json.loads(path.read_text(encoding="utf-8")).get("id")
        if isinstance(value, str) and value.isalnum() and 8 <= len(value) <= 64:
            return value
    except (OSError, ValueError, AttributeError):
        pass
    value = uuid.uuid4().hex[:16]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"id": value}), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        raise UserError(_("Could not save this device's id to {path}: {reason}").format(
            path=path, reason=exc.strerror or exc)) from exc
    return value


def _aware(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


class SyncService:
    def __init__(self, db: Database, settings_store, data_folder: Path, *, secrets=None, transport=None) -> None:
        """``transport`` replaces the one the settings name (tests)."""
        self.db = db
        self.settings_store = settings_store
        self.data_folder = Path(data_folder)
        self._secrets = secrets
        self._transport = transport
        self.device_id = device_id(self.data_folder)
        with db.transaction() as s:  # the capture triggers follow columns other migrations added
            conn = s.connection()
            capture.install(conn)
            if not settings_store.current().sync_target:
                self._compact_unsent(conn)

    def _compact_unsent(self, conn) -> None:
        """A device that has never synced keeps no outbox: its first sync sends a snapshot of every
        row (with the field clocks folded here), which the other devices read."""
        if conn.exec_driver_sql("SELECT 1 FROM sync_files WHERE device_id = ? LIMIT 1", (self.device_id,)).first():
            return
        if conn.exec_driver_sql("SELECT 1 FROM sync_outbox LIMIT 1").first() is None:
            return
        fold(conn, self.device_id)
        conn.exec_driver_sql("DELETE FROM sync_outbox WHERE folded = 1")

    # -- configuration ------------------------------------------------------------------
    @property
    def secrets(self):
        if self._secrets is None:
            from aigc_desktop.providers.secrets import SecretStore

            self._secrets = SecretStore()
        return self._secrets

    def configure_folder(self, path) -> None:
        folder = Path(path).expanduser()
        if not folder.is_dir():
            raise UserError(_("The folder {path} does not exist. Pick a folder inside Dropbox, 坚果云, OneDrive, "
                              "iCloud Drive or Syncthing.").format(path=folder))
        self.settings_store.update(sync_target="folder", sync_folder=str(folder.resolve()))

    def configure_webdav(self, url: str, user: str, password: str) -> None:
        url = (url or "").strip()
        if not url.startswith(("https://", "http://")):
            raise UserError(_("A WebDAV address starts with https:// (or http://), not {url}.").format(url=url))
        if not password:
            raise UserError(_("The WebDAV password is empty."))
        self.secrets.set(WEBDAV_SECRET, password)
        self.settings_store.update(sync_target="webdav", sync_webdav_url=url.rstrip("/"),
                                   sync_webdav_user=(user or "").strip())

    def set_passphrase(self, passphrase: str | None) -> None:
        """Turn end-to-end encryption on with ``passphrase`` (kept in the keychain), or off with None."""
        if passphrase:
            self.secrets.set(PASSPHRASE_SECRET, passphrase)
            self.settings_store.update(sync_encrypt=True)
        else:
            self.secrets.delete(PASSPHRASE_SECRET)
            self.settings_store.update(sync_encrypt=False)

    def set_device_name(self, name: str) -> None:
        self.settings_store.update(sync_device_name=(name or "").strip()[:100])

    def device_name(self) -> str:
        return self.settings_store.current().sync_device_name or socket.gethostname()

    def transport(self) -> Transport:
        """The shared place the settings name; :class:`UserError` when sync is not set up."""
        if self._transport is not None:
            return self._transport
        s = self.settings_store.current()
        if s.sync_target == "folder" and s.sync_folder:
            return FolderTransport(Path(s.sync_folder) / ROOT / LIBRARY)
        if s.sync_target == "webdav" and s.sync_webdav_url:
            from aigc_desktop.providers.config import Provider
            from aigc_desktop.providers.router import check_network_allowed
            from aigc_desktop.sync.webdav import WebDavTransport

            # The offline switch holds for WebDAV as for providers (a loopback server stays allowed).
            check_network_allowed(Provider(name="WebDAV", base_url=s.sync_webdav_url), self.settings_store)
            password = self.secrets.get(WEBDAV_SECRET)
            if not password:
                raise UserError(_("The WebDAV password is not stored on this device. Set up WebDAV again."))
            return WebDavTransport(f"{s.sync_webdav_url}/{ROOT}/{LIBRARY}", s.sync_webdav_user, password, timeout=30)
        raise UserError(_("Sync is not set up. Choose a folder or a WebDAV address first."))

    def _codec(self):
        if not self.settings_store.current().sync_encrypt:
            return None, self._open_plain
        from aigc_desktop.sync.crypto import seal

        passphrase = self.secrets.get(PASSPHRASE_SECRET)
        if not passphrase:
            raise UserError(_("Sync encryption is on but this device has no passphrase. "
                              "Enter it in Settings → Sync."))
        return (lambda data: seal(data, passphrase)), (lambda data: self._open(data, passphrase))

    def _open(self, data: bytes, passphrase: str) -> bytes:
        from aigc_desktop.sync.crypto import is_sealed, open_sealed

        return open_sealed(data, passphrase) if is_sealed(data) else data

    def _open_plain(self, data: bytes) -> bytes:
        from aigc_desktop.sync.crypto import is_sealed

        if is_sealed(data):
            raise UserError(_("The other device encrypts its sync files. Turn on encryption here with the same "
                              "passphrase."))
        return data

    # -- running --------------------------------------------------------------------------
    def replica(self) -> Replica:
        seal, unseal = self._codec()
        from aigc_desktop.paths import app_paths

        return Replica(self.db, self.device_id, self.device_name(), seal=seal, unseal=unseal,
                       presets_file=app_paths().config / "presets.json")

    def sync_now(self, cancel=None) -> SyncReport:
        """One pass: receive the other devices' changes, send this one's. Off the GUI thread."""
        from filelock import FileLock, Timeout

        lock = FileLock(str(self.data_folder / "sync.lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise UserError(_("A sync is already running for this data folder.")) from None
        try:
            transport = self.transport()
            result = self.replica().sync(transport, cancel=cancel)
        except UserError as exc:
            self._remember(error=str(exc))
            raise
        except Exception as exc:
            self._remember(error=_("Sync failed ({error}). Details are in the log file.").format(error=exc))
            raise
        finally:
            lock.release()
        self._remember(error=None)
        return SyncReport(result.sent, result.received, result.skipped)

    def test(self) -> str:
        """Reach the target and say in plain words what is there (writes nothing but the folders)."""
        transport = self.transport()
        transport.ensure_dir(f"devices/{self.device_id}")
        others = [e for e in transport.list("devices") if e.is_dir and e.name != self.device_id]
        return _("{target} works. Other devices there: {n}.").format(target=transport.describe(), n=len(others))

    def _remember(self, *, error: str | None) -> None:
        now = datetime.now(timezone.utc).isoformat()
        try:
            with self.db.transaction() as s:
                conn = s.connection()
                if error is None:
                    conn.execute(text("INSERT OR REPLACE INTO sync_meta (key, value) VALUES ('last_sync', :v)"),
                                 {"v": now})
                conn.execute(text("INSERT OR REPLACE INTO sync_meta (key, value) VALUES ('last_error', :v)"),
                             {"v": error})
        except UserError:
            log.exception("could not record the sync's outcome")

    def status(self) -> SyncStatus:
        s = self.settings_store.current()
        target = None
        if s.sync_target == "folder" and s.sync_folder:
            target = _("folder {path}").format(path=s.sync_folder)
        elif s.sync_target == "webdav" and s.sync_webdav_url:
            target = _("WebDAV {url}").format(url=s.sync_webdav_url)
        with self.db.connect() as conn:
            meta = dict(conn.execute(
                text("SELECT key, value FROM sync_meta WHERE key IN ('last_sync', 'last_error')")).all())
            devices = [DeviceSeen(d, n or d, _aware(t)) for d, n, t in conn.execute(
                text("SELECT device_id, name, last_seen FROM sync_devices WHERE device_id <> :me "
                     "ORDER BY last_seen DESC"), {"me": self.device_id})]
        return SyncStatus(target, _aware(meta.get("last_sync")), meta.get("last_error") or None, self.device_id,
                          self.device_name(), devices)
