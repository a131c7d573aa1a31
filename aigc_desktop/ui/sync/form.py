"""What the Sync page holds, and putting it into effect (on a worker thread: the keychain may be slow).

:class:`SyncForm` is a plain value read from the page's widgets; :func:`apply_form` hands it to the
runtime's sync service (the target, the WebDAV password into the keychain, this device's name, the
passphrase) and to the settings (automatic sync, its interval, encryption). An empty password or
passphrase field keeps the one already saved.
"""

from __future__ import annotations

from dataclasses import dataclass

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _


@dataclass(frozen=True)
class SyncForm:
    target: str  # "folder", "webdav" or "" (off)
    folder: str = ""
    url: str = ""
    user: str = ""
    password: str = ""  # "" keeps the saved one
    auto: bool = False
    interval_minutes: int = 5
    encrypt: bool = False
    passphrase: str = ""  # "" keeps the saved one
    device_name: str = ""


def form_from_settings(settings) -> SyncForm:
    """The form as saved (passwords are never read back into a field)."""
    return SyncForm(target=settings.sync_target, folder=settings.sync_folder, url=settings.sync_webdav_url,
                    user=settings.sync_webdav_user, auto=settings.sync_auto,
                    interval_minutes=settings.sync_interval_minutes, encrypt=settings.sync_encrypt,
                    device_name=settings.sync_device_name)


def apply_form(sync, settings_store, form: SyncForm) -> None:
    """Save ``form``: the service checks and keeps the target and the secrets; the schedule is settings."""
    from aigc_desktop.sync.service import WEBDAV_SECRET

    saved = settings_store.current()
    if form.target == "folder":
        if not form.folder.strip():
            raise UserError(_("Choose the folder to sync through."))
        if form.folder.strip() != saved.sync_folder or saved.sync_target != "folder":
            sync.configure_folder(form.folder.strip())
    elif form.target == "webdav":
        if not form.url.strip() or not form.user.strip():
            raise UserError(_("Enter the WebDAV address and user name."))
        changed = (form.url.strip().rstrip("/"), form.user.strip()) != (saved.sync_webdav_url, saved.sync_webdav_user)
        if form.password or changed or saved.sync_target != "webdav":
            password = form.password or sync.secrets.get(WEBDAV_SECRET)  # a new address, the same password
            if not password:
                raise UserError(_("Enter the WebDAV app password."))
            sync.configure_webdav(form.url.strip(), form.user.strip(), password)
    elif saved.sync_target:
        settings_store.update(sync_target="")
    if form.encrypt and form.passphrase:
        sync.set_passphrase(form.passphrase)
    elif form.encrypt and not saved.sync_encrypt:
        raise UserError(_("Enter the encryption passphrase (the same on all your devices)."))
    elif not form.encrypt and saved.sync_encrypt:
        sync.set_passphrase(None)
    settings_store.update(sync_auto=bool(form.auto), sync_interval_minutes=int(form.interval_minutes))
    name = form.device_name.strip()
    if name != saved.sync_device_name:
        sync.set_device_name(name)
