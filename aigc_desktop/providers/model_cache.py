"""The model ids each provider offered when it was last asked, so lists of models need no connection.

The toolbar's model list and Compare name ``provider/model`` for every remembered id;
asking each server at every rebuild would open connections (and fail offline). The
ids are refreshed whenever a provider's models are listed (Test connection in the
window, ``providers models`` on the command line) and forgotten when it is removed.
They live in ``provider-models.json`` in the data folder: a cache, so an unreadable
file is treated as empty and a failed save only logs.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.paths import app_paths
from aigc_desktop.providers.config import Provider, ProviderStore

log = logging.getLogger(__name__)

FILE_NAME = "provider-models.json"


class ModelCache:
    """``models(name)``, ``remember(name, ids)``, ``refs()``: see the module docstring."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path is not None else app_paths().data / FILE_NAME

    def _read(self) -> dict:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return raw if isinstance(raw, dict) else {}
        except (OSError, ValueError):
            return {}

    def models(self, name: str) -> list[str]:
        """The model ids the provider keyed ``name`` offered when it was last asked (no connection is opened)."""
        ids = self._read().get(name, [])
        return [str(i) for i in ids] if isinstance(ids, list) else []

    def remember(self, name: str, ids: list[str] | None) -> None:
        """Keep (or, with None, forget) a provider's model ids."""
        cache = self._read()
        if ids is None:
            cache.pop(name, None)
        else:
            cache[name] = list(ids)
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(cache, indent=2, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.path)  # a reader never sees half a file
        except OSError as exc:
            log.warning("could not save the provider model list: %s", exc)

    def refs(self, providers: ProviderStore | None = None) -> list[str]:
        """``provider/model`` for every configured provider's remembered models: config files only, no network."""
        try:
            configured = (providers or ProviderStore()).list()
        except UserError:
            return []
        return [f"{p.key}/{model}" for p in configured for model in self.models(p.key)]

    def refresh(self, provider: Provider, settings=None) -> list[dict]:
        """Ask the provider's ``GET /v1/models`` (after the offline check) and remember the ids.

        Returns the entries (``id``, ``context_length``); blocks, so the window runs it on a worker."""
        from aigc_desktop.providers.remote import RemoteEngine
        from aigc_desktop.providers.router import check_network_allowed
        from aigc_desktop.providers.secrets import SecretStore

        check_network_allowed(provider, settings)
        engine = RemoteEngine(provider, SecretStore().get(provider.key),
                              guard=lambda: check_network_allowed(provider, settings))
        try:
            models = engine.list_models()
        finally:
            engine.close()
        self.remember(provider.key, [m["id"] for m in models])
        return models


# The names the window's providers dialog has used; each works on the data folder's cache, by provider key.
def cached_models(name: str) -> list[str]:
    return ModelCache().models(name)


def remember_models(name: str, ids: list[str] | None) -> None:
    ModelCache().remember(name, ids)


def remote_model_refs() -> list[str]:
    return ModelCache().refs()


def list_provider_models(provider: Provider, settings=None) -> list[str]:
    """The ids of ``provider``'s models, asked now and remembered (on a worker thread)."""
    return [m["id"] for m in ModelCache().refresh(provider, settings)]
