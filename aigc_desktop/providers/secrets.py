"""Providers' API keys: the OS keychain through ``keyring``, else a private file; masked in logs.

``keyring`` picks the platform's keychain (macOS Keychain, Windows Credential
Locker, the Secret Service on Linux desktops). A machine without one (a server,
a container, a desktop with no Secret Service running) gets keyring's ``fail``
backend, or a chainer with nothing in it: then the key goes into
``provider-keys.json`` in the data folder, created readable and writable by
its owner only (0600), and :meth:`SecretStore.where` says so, so that the CLI and
the window can tell the person.

Keys are kept out of everything else: not in ``settings.json`` or
``providers.json``, not in exports (they hold conversations only). Every key
that is read or stored is registered with :func:`mask`, and a log-record
factory replaces it with ``***`` in any record (message, arguments and
traceback text) before a handler sees it, so a key that turns up in an
exception text does not reach the log file or a crash report built from it.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.paths import app_paths

log = logging.getLogger(__name__)

SERVICE = "aigc-desktop"
MASK = "***"

_secrets: set[str] = set()
_secrets_lock = threading.Lock()
_factory_installed = False


def mask(secret: str | None) -> None:
    """Remember ``secret`` so that log records never show it."""
    if not secret or len(secret) < 4:  # masking "ab" would garble ordinary text
        return
    with _secrets_lock:
        _secrets.add(secret)
    _install_factory()


def scrub(text: str) -> str:
    """``text`` with every registered secret replaced by ``***``."""
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _install_factory() -> None:
    global _factory_installed
    if _factory_installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args, **kwargs):
        record = previous(*args, **kwargs)
        if _secrets:
            try:
                message = record.getMessage()
            except Exception:  # a bad format string: leave it to the handler to report
                return record
            record.msg, record.args = scrub(message), None
            if record.exc_info and record.exc_info[1] is not None:
                record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
        return record

    logging.setLogRecordFactory(factory)
    _factory_installed = True


def keychain_usable() -> bool:
    """False for keyring's ``fail`` backend or a chainer with no backend in it."""
    import keyring
    from keyring.backends import chainer, fail

    backend = keyring.get_keyring()
    if isinstance(backend, fail.Keyring):
        return False
    if isinstance(backend, chainer.ChainerBackend):
        return bool(backend.backends)
    return True


class SecretStore:
    """``set(name, key)``, ``get(name)``, ``delete(name)``; the keychain if there is one, else the private file."""

    def __init__(self, file: Path | None = None, *, use_keychain: bool | None = None) -> None:
        self.file = Path(file) if file else app_paths().data / "provider-keys.json"
        self.use_keychain = keychain_usable() if use_keychain is None else use_keychain

    def where(self) -> str:
        """Where keys are kept, in words for the person."""
        if self.use_keychain:
            return _("the system keychain")
        return _("{path} (no system keychain is available; the file is readable only by you)").format(path=self.file)

    def set(self, name: str, key: str) -> None:
        key = (key or "").strip()
        if not key:
            raise UserError(_("The API key is empty."))
        mask(key)
        if self.use_keychain:
            import keyring
            from keyring.errors import KeyringError

            try:
                keyring.set_password(SERVICE, name, key)
                return
            except KeyringError as exc:
                raise UserError(_("The system keychain refused to store the key: {reason}").format(
                    reason=exc)) from exc
        keys = self._read_file()
        keys[name] = key
        self._write_file(keys)

    def get(self, name: str) -> str | None:
        if self.use_keychain:
            import keyring
            from keyring.errors import KeyringError

            try:
                key = keyring.get_password(SERVICE, name)
            except KeyringError as exc:
                raise UserError(_("The system keychain could not be read: {reason}").format(reason=exc)) from exc
        else:
            key = self._read_file().get(name)
        mask(key)
        return key

    def delete(self, name: str) -> None:
        if self.use_keychain:
            import keyring
            from keyring.errors import KeyringError, PasswordDeleteError

            try:
                keyring.delete_password(SERVICE, name)
            except PasswordDeleteError:
                pass  # there was no key
            except KeyringError as exc:
                raise UserError(_("The system keychain could not remove the key: {reason}").format(
                    reason=exc)) from exc
            return
        keys = self._read_file()
        if keys.pop(name, None) is not None:
            self._write_file(keys)

    # -- the private file -----------------------------------------------------
    def _read_file(self) -> dict[str, str]:
        try:
            raw = json.loads(self.file.read_text(encoding="utf-8")) if self.file.exists() else {}
        except (OSError, ValueError) as exc:
            raise UserError(_("The key file {path} cannot be read: {reason}").format(
                path=self.file, reason=exc)) from exc
        return {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}

    def _write_file(self, keys: dict[str, str]) -> None:
        """Written to a 0600 temp file (never briefly world-readable) and renamed over the old one."""
        tmp = self.file.with_name(self.file.name + ".tmp")
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            tmp.unlink(missing_ok=True)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(keys, fh)
            os.chmod(tmp, 0o600)  # in case the umask or a filesystem changed it
            tmp.replace(self.file)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise UserError(_("Could not save the key file {path}: {reason}").format(
                path=self.file, reason=exc.strerror or exc)) from exc
