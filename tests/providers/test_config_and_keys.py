"""Provider list, keys and one-line errors, without a server."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from aigc_desktop.errors import UserError


def test_presets_fill_the_usual_base_urls():
    """Adding by kind alone fills the preset's address (Ollama's is /v1 on 11434)."""
    from aigc_desktop.providers.config import PRESETS, ProviderStore

    assert PRESETS["ollama"].base_url == "http://127.0.0.1:11434/v1"
    assert {"llama.cpp", "vllm", "ollama", "lmstudio", "sglang", "custom"} <= set(PRESETS)
    p = ProviderStore().add("o", kind="ollama")
    assert p.base_url == "http://127.0.0.1:11434/v1" and p.is_loopback


def test_bad_names_and_urls_are_refused():
    """An empty or over-long name and a URL without a scheme are refused."""
    from aigc_desktop.providers.config import ProviderStore

    with pytest.raises(UserError, match="name"):
        ProviderStore().add("   ", "http://127.0.0.1:1/v1")
    with pytest.raises(UserError, match="64"):
        ProviderStore().add("服" * 65, "http://127.0.0.1:1/v1")
    with pytest.raises(UserError):
        ProviderStore().add("a", "127.0.0.1:1/v1")
    with pytest.raises(UserError):
        ProviderStore().add("a", "http://user:secret@host/v1")


def test_unencrypted_warning_only_for_plain_http_to_another_machine():
    """http:// to a LAN host warns; https:// and loopback http:// do not."""
    from aigc_desktop.providers.config import Provider, unencrypted_warning

    assert unencrypted_warning(Provider("lan", "http://192.168.1.20:8000/v1"))
    assert unencrypted_warning(Provider("tls", "https://gpu.example.com/v1")) is None
    assert unencrypted_warning(Provider("me", "http://localhost:8080/v1")) is None
    assert unencrypted_warning(Provider("me6", "http://[::1]:8080/v1")) is None


def test_without_a_keychain_the_key_goes_to_a_private_file(app_home):
    """keyring's fail backend: the key is in a 0600 file in the data folder and nowhere else."""
    from aigc_desktop.providers.secrets import SecretStore

    store = SecretStore(use_keychain=False)
    store.set("lab", "sk-file-key-123456")
    mode = stat.S_IMODE(os.stat(store.file).st_mode)
    assert mode == 0o600, oct(mode)
    assert store.file.parent == app_home / "data"
    assert SecretStore(use_keychain=False).get("lab") == "sk-file-key-123456"
    assert "no system keychain" in store.where()
    store.delete("lab")
    assert store.get("lab") is None


def test_keychain_detection_rejects_the_fail_backend(monkeypatch):
    """With keyring's fail backend (as on this machine) the keychain counts as unusable."""
    import keyring
    from keyring.backends import fail

    from aigc_desktop.providers.secrets import keychain_usable

    monkeypatch.setattr(keyring, "get_keyring", lambda: fail.Keyring())
    assert keychain_usable() is False


def test_keys_are_masked_in_log_records(app_home):
    """A registered key in a log message, its arguments or a traceback reaches the log file as ***."""
    from aigc_desktop.logs import setup_logging
    from aigc_desktop.paths import app_paths
    from aigc_desktop.providers.secrets import mask

    paths = app_paths().ensure()
    setup_logging(paths.log_file)
    mask("sk-log-secret-98765")
    log = logging.getLogger("aigc_desktop.test")
    log.warning("sending %s", "Bearer sk-log-secret-98765")
    try:
        raise RuntimeError("bad key sk-log-secret-98765")
    except RuntimeError:
        log.exception("failed")
    for h in logging.getLogger("aigc_desktop").handlers:
        h.flush()
    text = paths.log_file.read_text()
    assert "sk-log-secret-98765" not in text
    assert text.count("***") >= 2


def test_each_failure_reads_as_one_clear_line():
    """Refused, DNS, TLS, 401, 404, 429 (with Retry-After) and 5xx each get their own sentence."""
    import httpx2
    import openai

    from aigc_desktop.providers.errors import describe

    url = "http://h/v1"
    req = httpx2.Request("GET", url)

    def status(code, headers=None):
        response = httpx2.Response(code, request=req, headers=headers or {}, json={"error": {"message": "boom"}})
        cls = {401: openai.AuthenticationError, 403: openai.PermissionDeniedError, 404: openai.NotFoundError,
               429: openai.RateLimitError}.get(code, openai.InternalServerError)
        return cls("x", response=response, body={"error": {"message": "boom"}})

    def connect(cause):
        err = openai.APIConnectionError(request=req)
        err.__cause__ = cause
        return err

    import socket
    import ssl

    cases = {
        "refused": connect(httpx2.ConnectError("[Errno 111] Connection refused")),
        "dns": connect(httpx2.ConnectError(str(socket.gaierror(-2, "Name or service not known")))),
        "tls": connect(ssl.SSLError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")),
        "auth": status(401),
        "not_found": status(404),
        "rate_limit": status(429, {"retry-after": "17"}),
        "server": status(503),
    }
    lines = {}
    for kind, exc in cases.items():
        err = describe(exc, "lab", url)
        assert err.kind == kind, (kind, str(err))
        assert "\n" not in str(err) and "lab" in str(err)
        lines[kind] = str(err)
    assert "17 seconds" in lines["rate_limit"]
    assert "HTTP 401" in lines["auth"] and "HTTP 503" in lines["server"]
    assert len(set(lines.values())) == len(lines)


def test_offline_blocks_remote_providers_and_allows_loopback_when_set(app_home):
    """Offline: a LAN provider is refused; a loopback one passes unless allow_loopback_offline is off."""
    from aigc_desktop.hub.endpoint import OfflineError
    from aigc_desktop.paths import app_paths
    from aigc_desktop.providers.config import Provider
    from aigc_desktop.providers.router import check_network_allowed
    from aigc_desktop.settings import SettingsStore

    store = SettingsStore(app_paths().ensure().settings_file)
    lan, me = Provider("lan", "https://10.0.0.5/v1"), Provider("me", "http://127.0.0.1:8080/v1")
    check_network_allowed(lan, store)  # online: anything goes
    store.update(offline=True)
    with pytest.raises(OfflineError, match="offline"):
        check_network_allowed(lan, store)
    check_network_allowed(me, store)
    store.update(allow_loopback_offline=False)
    with pytest.raises(OfflineError, match="allow_loopback_offline"):
        check_network_allowed(me, store)


def test_a_local_path_with_a_slash_stays_local(tmp_path):
    """`provider/model` is remote only when `provider` is configured and the reference is not a file."""
    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.router import EngineRouter

    ProviderStore().add("lab", "http://127.0.0.1:9/v1")
    router = EngineRouter(local=object())
    assert router.split("lab/qwen/Qwen2.5-7B")[1] == "qwen/Qwen2.5-7B"
    assert not router.is_remote("other/model")
    assert not router.is_remote("/models/x.gguf")
    assert not router.is_remote("SmolLM2")


def test_any_name_is_accepted_and_references_use_a_safe_key(app_home):
    """A Chinese name is its own key ("本机服务器/model"); a name that could not stand before the "/" of
    a reference (a slash, a leading dot) gets a derived ASCII key; the keychain, the model cache and the
    router all go by the key, and the name is what is shown."""
    from aigc_desktop.providers.config import ProviderStore, is_safe_key
    from aigc_desktop.providers.model_cache import ModelCache
    from aigc_desktop.providers.router import EngineRouter
    from aigc_desktop.providers.secrets import SecretStore

    store = ProviderStore()
    zh = store.add("本机服务器", "http://127.0.0.1:9/v1")
    assert zh.name == zh.key == "本机服务器"
    spaced = store.add("  Work \t PC ", "http://127.0.0.1:9/v1")
    assert spaced.name == spaced.key == "Work PC"
    slashed = store.add("实验室/GPU", "http://127.0.0.1:9/v1")
    dotted = store.add(".hidden", "http://127.0.0.1:9/v1")
    for p in (slashed, dotted):
        assert p.key != p.name and is_safe_key(p.key) and p.key.isascii()
    assert slashed.key.startswith("GPU-") and len({p.key for p in store.list()}) == 4
    assert store.add("实验室/GPU", "http://127.0.0.1:8/v1", replace=True).key == slashed.key  # kept

    cache = ModelCache()
    cache.remember(zh.key, ["qwen/Qwen3-8B"])
    cache.remember(slashed.key, ["llama"])
    refs = cache.refs()
    assert "本机服务器/qwen/Qwen3-8B" in refs and f"{slashed.key}/llama" in refs
    router = EngineRouter(local=object())
    assert router.split("本机服务器/qwen/Qwen3-8B") == (zh, "qwen/Qwen3-8B")
    assert router.split(f"{slashed.key}/llama")[0].name == "实验室/GPU"
    keys = SecretStore(use_keychain=False)
    keys.set(slashed.key, "sk-lab-key-123456")
    assert keys.get(slashed.key) == "sk-lab-key-123456"
    assert store.get(slashed.key) == store.get("实验室/GPU")  # the CLI takes either
    assert store.remove("实验室/GPU").key == slashed.key and store.find("实验室/GPU") is None


def test_a_provider_list_written_before_keys_existed_keeps_working(app_home):
    """An old providers.json (no "key") reads with key = name, so its chats' references, stored API keys
    and remembered models are found as before; saving again keeps that key."""
    import json

    from aigc_desktop.providers.config import ProviderStore
    from aigc_desktop.providers.model_cache import ModelCache
    from aigc_desktop.providers.router import EngineRouter

    store = ProviderStore()
    store.path.parent.mkdir(parents=True, exist_ok=True)
    store.path.write_text(json.dumps([{"name": "box", "base_url": "http://127.0.0.1:9/v1", "kind": "llama.cpp",
                                       "context_length": 8192}]), encoding="utf-8")
    ModelCache().remember("box", ["smollm2"])
    (box,) = store.list()
    assert box.key == "box"
    assert ModelCache().refs() == ["box/smollm2"]
    assert EngineRouter(local=object()).split("box/smollm2") == (box, "smollm2")
    store.add("新的", "http://127.0.0.1:8/v1")
    assert [p.key for p in ProviderStore().list()] == ["box", "新的"]
