"""Named OpenAI-compatible endpoints ("providers"), kept in ``providers.json`` in the data folder.

A provider is a name, a preset kind and a base URL (plus the context length to
assume when the server does not report one). The name is what the person calls it,
in any script ("本机服务器", "Work PC"). Its *key* names it where the name itself could
not serve: in ``provider/model`` references (split at the first "/"), the keychain and
the model cache. The key is the name whenever the name can be one (every name the
app accepted before was), else a slug with a hash of the name (:func:`derive_key`), so
old configurations, stored keys and chats keep working unchanged. Its API key is never here: it is
in the OS keychain or a private file (:mod:`aigc_desktop.providers.secrets`), so
this file can be shown, copied or attached to a bug report as it is.

The preset says which sampling parameters the server understands under which
names (see ``PRESETS``); what a server does not understand is reported in the
reply's stats instead of being dropped silently.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import N_, _
from aigc_desktop.paths import app_paths

log = logging.getLogger(__name__)

DEFAULT_CONTEXT = 8192  # tokens assumed when /v1/models reports no context length
NAME_MAX = 64
UNSAFE_KEY = re.compile(r"[^A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Preset:
    kind: str
    label: str  # shown as _(label)
    base_url: str  # the usual address on the machine that runs it
    # Our sampling name -> the server's request field for it (None: not supported).
    # temperature, top_p, max_tokens and seed are OpenAI's own and sent to every server.
    extra: dict = field(default_factory=dict)


# "thinking": the server hands chat_template_kwargs to the chat template (enable_thinking, providers/remote.py).
_LLAMA = {"top_k": "top_k", "min_p": "min_p", "repeat_penalty": "repeat_penalty", "thinking": "chat_template_kwargs"}
_VLLM = {"top_k": "top_k", "min_p": "min_p", "repeat_penalty": "repetition_penalty",
         "thinking": "chat_template_kwargs"}

PRESETS: dict[str, Preset] = {p.kind: p for p in (
    Preset("llama.cpp", N_("llama.cpp server"), "http://127.0.0.1:8080/v1", _LLAMA),
    Preset("vllm", "vLLM", "http://127.0.0.1:8000/v1", _VLLM),
    # Ollama's OpenAI layer takes temperature, top_p, seed and max_tokens only.
    Preset("ollama", "Ollama", "http://127.0.0.1:11434/v1", {}),
    Preset("lmstudio", "LM Studio", "http://127.0.0.1:1234/v1", {k: v for k, v in _LLAMA.items() if k != "thinking"}),
    Preset("sglang", "SGLang", "http://127.0.0.1:30000/v1", _VLLM),
    # Unknown servers get OpenAI's fields only: OpenAI itself refuses unknown ones.
    Preset("custom", N_("Custom"), "", {}),
)}


@dataclass(frozen=True)
class Provider:
    name: str
    base_url: str
    kind: str = "custom"
    context_length: int = DEFAULT_CONTEXT
    key: str = ""  # see the module docstring; "" (an entry written before keys existed) means the name

    def __post_init__(self) -> None:
        if not self.key:
            object.__setattr__(self, "key", self.name)

    @property
    def preset(self) -> Preset:
        return PRESETS.get(self.kind, PRESETS["custom"])

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def is_loopback(self) -> bool:
        return is_loopback_host(self.host)

    @property
    def unencrypted_remote(self) -> bool:
        """Plain http:// to another machine: the prompts and the key cross the network readable."""
        return urlsplit(self.base_url).scheme == "http" and not self.is_loopback

    def to_dict(self) -> dict:
        return asdict(self)


def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ::1 or "localhost"; names are not resolved (that would be a connection)."""
    host = (host or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def unencrypted_warning(provider: Provider) -> str | None:
    if provider.unencrypted_remote:
        return _("{name} uses http:// to another machine ({host}): the traffic, your messages "
                 "included, is not encrypted. Use https:// unless the network is private.").format(
            name=provider.name, host=provider.host)
    return None


def normalise_base_url(url: str) -> str:
    url = (url or "").strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UserError(_("The base URL must start with http:// or https:// and name a host, not “{url}”.").format(
            url=url))
    if parts.username or parts.password:
        raise UserError(_("Put the API key in the key field, not in the base URL."))
    if parts.query or parts.fragment:
        raise UserError(_("The base URL cannot have a query (?…) or a fragment (#…)."))
    return url


def check_name(name: str) -> str:
    """Any name of 1–64 characters, in any script; runs of spaces (tabs, line breaks) become one space."""
    name = " ".join((name or "").split())
    if not name:
        raise UserError(_("Give the provider a name."))
    if len(name) > NAME_MAX or not name.isprintable():
        raise UserError(_("A provider name is at most {n} characters; “{name}” is longer.").format(
            n=NAME_MAX, name=name[:NAME_MAX] + "…"))
    return name


def is_safe_key(key: str) -> bool:
    """Whether ``key`` can stand before the "/" of a reference and in the keychain and cache files as it is:
    no "/" or "\\", no surrounding or control characters, not starting with "." or "~" (a reference
    that looks like a path is taken for a local file)."""
    return (0 < len(key) <= NAME_MAX and key.isprintable() and key == key.strip()
            and not any(c in key for c in "/\\") and not key.startswith((".", "~")))


def derive_key(name: str, taken=()) -> str:
    """The name itself when it is a safe key and free; else its ASCII letters and digits (or "provider")
    with 8 hex digits of its SHA-256, numbered on in the unlikely case that is taken too."""
    taken = set(taken)
    if is_safe_key(name) and name not in taken:
        return name
    base = UNSAFE_KEY.sub("-", name).strip("-.")[:40] or "provider"
    key = f"{base}-{hashlib.sha256(name.encode('utf-8')).hexdigest()[:8]}"
    n, candidate = 2, key
    while candidate in taken:
        candidate, n = f"{key}-{n}", n + 1
    return candidate


class ProviderStore:
    """Reads and writes ``providers.json``; every call re-reads the file (the CLI and the window share it)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = Path(path) if path else app_paths().data / "providers.json"

    def list(self) -> list[Provider]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8")) if self.path.exists() else []
        except (OSError, ValueError) as exc:
            raise UserError(_("The provider list {path} cannot be read: {reason}").format(
                path=self.path, reason=exc)) from exc
        out = []
        for item in raw if isinstance(raw, list) else []:
            try:
                out.append(Provider(
                    name=str(item["name"]), base_url=str(item["base_url"]), kind=str(item.get("kind", "custom")),
                    context_length=int(item.get("context_length", DEFAULT_CONTEXT)), key=str(item.get("key") or "")))
            except (KeyError, TypeError, ValueError):
                log.warning("providers.json: skipping a malformed entry")
        return out

    def get(self, name: str) -> Provider:
        """The provider called ``name`` (or, failing that, whose key it is)."""
        provider = self.find(name) or self.find_key(name)
        if provider is None:
            raise UserError(_("No provider is named “{name}”; `providers list` shows them.").format(name=name))
        return provider

    def find(self, name: str) -> Provider | None:
        return next((p for p in self.list() if p.name == name), None)

    def find_key(self, key: str) -> Provider | None:
        """The provider a reference's ``key/…`` names."""
        return next((p for p in self.list() if p.key == key), None)

    def add(self, name: str, base_url: str = "", *, kind: str = "custom",
            context_length: int = DEFAULT_CONTEXT, replace: bool = False) -> Provider:
        name = check_name(name)
        if kind not in PRESETS:
            raise UserError(_("Unknown kind “{kind}”; choose one of {choices}.").format(
                kind=kind, choices=", ".join(PRESETS)))
        base_url = normalise_base_url(base_url or PRESETS[kind].base_url)
        if not 256 <= int(context_length) <= 10_000_000:
            raise UserError(_("The context length must be between 256 and 10000000."))
        providers = self.list()
        old = next((p for p in providers if p.name == name), None)
        if old is not None and not replace:
            raise UserError(_("A provider named “{name}” exists already; remove it first.").format(name=name))
        # A replaced provider keeps its key: its chats, stored key and remembered models stay its own.
        key = old.key if old is not None else derive_key(name, {p.key for p in providers})
        provider = Provider(name=name, base_url=base_url, kind=kind, context_length=int(context_length), key=key)
        self._write([p for p in providers if p.name != name] + [provider])
        return provider

    def remove(self, name: str) -> Provider:
        """Remove the provider called ``name`` (or whose key it is); returns it."""
        provider = self.get(name)
        self._write([p for p in self.list() if p.name != provider.name])
        return provider

    def _write(self, providers: list[Provider]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(".tmp")
            tmp.write_text(json.dumps([p.to_dict() for p in providers], indent=2, ensure_ascii=False),
                           encoding="utf-8")
            tmp.replace(self.path)
        except OSError as exc:
            raise UserError(_("Could not save the provider list to {path}: {reason}").format(
                path=self.path, reason=exc.strerror or exc)) from exc


def guess_kind(base_url: str) -> str:
    """The preset whose usual port the URL uses (``providers add`` without ``--kind``)."""
    port = urlsplit(base_url).port
    for preset in PRESETS.values():
        if preset.base_url and urlsplit(preset.base_url).port == port:
            return preset.kind
    return "custom"
