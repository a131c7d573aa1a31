"""Which engine answers a conversation: the local llama.cpp one, or a provider's model.

A conversation's ``model`` is a local path or installed name, or
``provider/model`` where ``provider`` is a configured provider's key (its name,
unless the name could not serve: see ``providers/config.py``; a server's model id
may itself hold slashes: only the first one splits). A
reference whose first part names no provider, or that is an existing file, is
local.

The offline switch (``settings.offline``, or the environment variables that
:func:`aigc_desktop.hub.endpoint.hub_config` reads) blocks providers too.
Loopback ones (127.0.0.0/8, ::1, localhost) stay allowed while offline when
``settings.allow_loopback_offline`` is on (the default): a server on this
machine is not "the network". With no provider configured, nothing here opens
a connection.
"""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from aigc_desktop.hub.endpoint import OfflineError, hub_config
from aigc_desktop.i18n import _
from aigc_desktop.llm.protocol import Engine
from aigc_desktop.providers.config import Provider, ProviderStore
from aigc_desktop.providers.secrets import SecretStore

log = logging.getLogger(__name__)


def _snapshot(settings):
    from aigc_desktop.paths import app_paths
    from aigc_desktop.settings import Settings

    if settings is None:
        return Settings.load(app_paths().settings_file)
    return settings if isinstance(settings, Settings) else settings.current()


def check_network_allowed(provider: Provider, settings=None) -> None:
    """Raise :class:`OfflineError` when the offline switch forbids connecting to ``provider``.

    ``settings``: a snapshot, a ``SettingsStore`` or None (the app's file), read at each call."""
    snap = _snapshot(settings)
    try:
        config = hub_config(snap)
        offline, because = config.offline, config.offline_because
    except Exception:  # a bad Hub address must not decide about providers
        offline = snap.offline or os.environ.get("AIGC_DESKTOP_OFFLINE", "").lower() in ("1", "true", "yes", "on")
        because = ""
    if not offline:
        return
    if provider.is_loopback and getattr(snap, "allow_loopback_offline", True):
        return
    if provider.is_loopback:
        raise OfflineError(_("AIGC Desktop is in offline mode and local servers are not allowed either, so it "
                             "does not connect to {name}. Set \"allow_loopback_offline\": true in the settings, "
                             "or {because}.").format(name=provider.name, because=because or _("turn offline mode off")))
    raise OfflineError(_("AIGC Desktop is in offline mode, so it does not connect to {name} ({host}). To use it, "
                         "{because}.").format(name=provider.name, host=provider.host,
                                              because=because or _("turn offline mode off")))


class EngineRouter:
    """``engine_for(model_ref)``: the local engine, or a cached, loaded ``RemoteEngine``.

    The local engine is returned as it is: loading the conversation's local
    model stays the caller's business (the window's model controller, the
    CLI), as before providers existed. Remote engines are made on first use,
    with their key from the :class:`SecretStore`, and kept per reference.
    """

    def __init__(self, local: Engine | None, *, providers: ProviderStore | None = None,
                 secrets: SecretStore | None = None, settings=None) -> None:
        self.local = local
        self.providers = providers or ProviderStore()
        self._secrets = secrets
        self.settings = settings  # a SettingsStore (read at each request) or None for the app's file
        self._remote: dict[str, object] = {}
        self._lock = threading.Lock()

    @property
    def secrets(self) -> SecretStore:
        if self._secrets is None:
            self._secrets = SecretStore()
        return self._secrets

    def split(self, ref: str | None) -> tuple[Provider, str] | None:
        """(provider, server model id) for a remote reference, None for a local one."""
        if not ref or "/" not in ref:
            return None
        key, model_id = ref.split("/", 1)
        if not model_id:
            return None
        provider = self.providers.find_key(key)
        if provider is None or Path(ref).expanduser().is_file():
            return None
        return provider, model_id

    def is_remote(self, ref: str | None) -> bool:
        return self.split(ref) is not None

    def guard(self, provider: Provider):
        return lambda: check_network_allowed(provider, self.settings)

    def engine_for(self, ref: str | None) -> Engine:
        target = self.split(ref)
        if target is None:
            if self.local is None:
                from aigc_desktop.errors import UserError

                raise UserError(_("This conversation uses a local model, and none is available here."))
            return self.local
        return self.remote(*target)

    def remote(self, provider: Provider, model_id: str):
        """The loaded engine for ``provider``'s ``model_id`` (made and loaded once; loading asks /v1/models)."""
        from aigc_desktop.providers.remote import RemoteEngine

        key = f"{provider.key}/{model_id}"
        with self._lock:
            engine = self._remote.get(key)
            if engine is not None and engine.provider == provider:
                return engine
        engine = RemoteEngine(provider, self.secrets.get(provider.key), guard=self.guard(provider))
        engine.load(model_id)
        with self._lock:
            old = self._remote.get(key)
            self._remote[key] = engine
        if old is not None and old is not engine:
            old.close()
        return engine

    def cached(self, ref: str | None):
        """The remote engine already made for ``ref``, if any: asks no server (for the window's meters)."""
        target = self.split(ref)
        if target is None:
            return None
        with self._lock:
            return self._remote.get(f"{target[0].key}/{target[1]}")

    def forget(self, provider_key: str) -> None:
        """Drop cached engines of a provider, by its key (after its address or API key changed, or it was removed)."""
        with self._lock:
            gone = [k for k in self._remote if k.split("/", 1)[0] == provider_key]
            engines = [self._remote.pop(k) for k in gone]
        for engine in engines:
            engine.close()

    def close(self) -> None:
        with self._lock:
            engines, self._remote = list(self._remote.values()), {}
        for engine in engines:
            engine.close()
