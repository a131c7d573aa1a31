"""Which Hub to talk to, and whether to talk at all.

huggingface_hub reads ``HF_ENDPOINT`` and ``HF_HUB_OFFLINE`` once, at import;
a setting changed in the window must still apply, so every call here passes
the endpoint explicitly and checks the offline switch before any request.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.paths import app_paths
from aigc_desktop.settings import Settings

DEFAULT_ENDPOINT = "https://huggingface.co"


class OfflineError(UserError):
    """The person switched the app offline; nothing may touch the network."""


@dataclass(frozen=True)
class HubConfig:
    endpoint: str
    offline: bool
    offline_because: str = ""  # how to switch it off, for the message

    def require_online(self) -> None:
        if self.offline:
            raise OfflineError(
                _("AIGC Desktop is in offline mode, so it does not connect to the Hub. "
                  "To search or download, {how}.").format(how=self.offline_because or _("turn offline mode off"))
            )


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def hub_config(settings=None) -> HubConfig:
    """``settings``: a snapshot, a :class:`SettingsStore`, or None (the app's file).

    Settings first, then the environment (``HF_ENDPOINT``, ``HF_HUB_OFFLINE``), then huggingface.co."""
    if settings is None:
        settings = Settings.load(app_paths().settings_file)
    elif not isinstance(settings, Settings):  # a SettingsStore
        settings = settings.current()
    endpoint = (settings.hub_endpoint or os.environ.get("HF_ENDPOINT") or DEFAULT_ENDPOINT).rstrip("/")
    if not endpoint.startswith(("http://", "https://")):
        raise UserError(_("The Hub address must start with http:// or https://, not “{endpoint}”.").format(endpoint=endpoint))
    # The CLI and the window share these switches, so the message names the one that is on.
    because = [_("unset the environment variable {var}").format(var=var)
               for var in ("AIGC_DESKTOP_OFFLINE", "HF_HUB_OFFLINE") if _truthy(os.environ.get(var))]
    if settings.offline:
        because.append(_("untick Offline in the window (Models → Settings) or set \"offline\": false in "
                         "{path}").format(path=app_paths().settings_file))
    # Xet transfers ignore HF_ENDPOINT (a mirror would be bypassed); we never use them.
    os.environ.setdefault("HF_HUB_DISABLE_XET", "1")
    return HubConfig(endpoint=endpoint, offline=bool(because), offline_because=_join(because))


def _join(clauses: list[str]) -> str:
    """Clauses joined as "a and b": each clause is translated whole, the joint is a pattern too."""
    text = clauses[0] if clauses else ""
    for clause in clauses[1:]:
        text = _("{first} and {second}").format(first=text, second=clause)
    return text
