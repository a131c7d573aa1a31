"""The providers, chat --model PROVIDER/MODEL, compare and show --json commands against a real llama_cpp.server."""

from __future__ import annotations

import io
import json
import os
import stat

import pytest

from aigc_desktop.cli import main
from tests.llama_server import MODEL_ALIAS

pytestmark = pytest.mark.real


@pytest.fixture
def memory_keychain():
    """A working keychain (in memory), so that no key file is needed."""
    import keyring
    import keyring.backend

    class MemoryKeyring(keyring.backend.KeyringBackend):
        priority = 1

        def __init__(self):
            super().__init__()
            self.items = {}

        def get_password(self, service, username):
            return self.items.get((service, username))

        def set_password(self, service, username, password):
            self.items[(service, username)] = password

        def delete_password(self, service, username):
            import keyring.errors

            if (service, username) not in self.items:
                raise keyring.errors.PasswordDeleteError(username)
            del self.items[(service, username)]

    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


def _run(capsys, monkeypatch, argv, stdin: str | None = None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _files_containing(root, secret: str) -> list[str]:
    hits = []
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = os.path.join(dirpath, name)
            with open(path, "rb") as fh:
                if secret.encode() in fh.read():
                    hits.append(path)
    return hits


def test_add_list_models_and_remove_a_provider(llama_server, capsys, monkeypatch):
    """providers add/list/models/remove: the model is listed as the server names it; JSON is stable."""
    code, out, _err = _run(capsys, monkeypatch, ["providers", "add", "lab", "--base-url", llama_server.base_url,
                                                 "--kind", "llama.cpp"])
    assert code == 0 and "lab" in out
    code, out, _err = _run(capsys, monkeypatch, ["providers", "list", "--json"])
    rows = json.loads(out)
    assert rows == [{"name": "lab", "kind": "llama.cpp", "base_url": llama_server.base_url,
                     "context_length": 8192, "has_key": False, "loopback": True, "key": "lab"}]
    code, out, _err = _run(capsys, monkeypatch, ["providers", "models", "lab", "--json"])
    assert code == 0 and [m["id"] for m in json.loads(out)] == [MODEL_ALIAS]
    code, out, _err = _run(capsys, monkeypatch, ["providers", "models", "lab"])
    assert f"lab/{MODEL_ALIAS}" in out
    assert _run(capsys, monkeypatch, ["providers", "remove", "lab"])[0] == 0
    code, _out, err = _run(capsys, monkeypatch, ["providers", "models", "lab"])
    assert code == 1 and err.count("\n") == 1 and "lab" in err
    # Any name, Chinese included: its references go by its key (the name, or derived when it holds a "/").
    assert _run(capsys, monkeypatch, ["providers", "add", "实验室/GPU", "--base-url", llama_server.base_url])[0] == 0
    key = json.loads(_run(capsys, monkeypatch, ["providers", "list", "--json"])[1])[0]["key"]
    assert "/" not in key
    code, out, _err = _run(capsys, monkeypatch, ["providers", "models", "实验室/GPU"])
    assert code == 0 and f"{key}/{MODEL_ALIAS}" in out
    code, out, _err = _run(capsys, monkeypatch, ["providers", "remove", "实验室/GPU"])
    assert code == 0 and "实验室/GPU" in out


def test_a_chat_through_a_provider_records_it_and_keeps_the_key_secret(
        llama_server_keyed, memory_keychain, app_home, capsys, monkeypatch):
    """chat --model keyed/smollm2 streams, show --json names the provider; the key is in no file or log."""
    key = llama_server_keyed.api_key
    code, _out, err = _run(capsys, monkeypatch, ["providers", "add", "keyed", "--base-url",
                                                 llama_server_keyed.base_url, "--kind", "llama.cpp",
                                                 "--api-key-stdin"], stdin=key + "\n")
    assert code == 0 and "system keychain" in err
    code, out, err = _run(capsys, monkeypatch, ["chat", "--model", f"keyed/{MODEL_ALIAS}", "--max-tokens", "8",
                                                "--seed", "3", "Say hello."])
    assert code == 0, err
    assert out.strip()
    conv_id = int(err.split("conversation ")[1].split()[0])
    code, out, _err = _run(capsys, monkeypatch, ["show", str(conv_id), "--json"])
    shown = json.loads(out)
    assert shown["messages"][-1]["model"] == f"keyed/{MODEL_ALIAS}"
    assert [len(a["replies"]) for a in shown["alternatives"]] == [1]
    code, out, _err = _run(capsys, monkeypatch, ["export", str(conv_id), "--format", "json", "-o",
                                                 str(app_home / "data" / "export.json")])
    assert code == 0
    assert memory_keychain.items[("aigc-desktop", "keyed")] == key
    assert _files_containing(app_home, key) == []  # data folder, settings, providers.json, export, log


def test_without_a_keychain_the_cli_says_where_the_key_went(llama_server, app_home, capsys, monkeypatch):
    """With keyring's fail backend the CLI names the 0600 file, the only file that holds the key."""
    key = "sk-fallback-key-4242"
    code, _out, err = _run(capsys, monkeypatch, ["providers", "add", "lab", "--base-url", llama_server.base_url,
                                                 "--api-key-stdin"], stdin=key + "\n")
    assert code == 0 and "no system keychain" in err and "provider-keys.json" in err
    keyfile = app_home / "data" / "provider-keys.json"
    assert stat.S_IMODE(os.stat(keyfile).st_mode) == 0o600
    assert _run(capsys, monkeypatch, ["providers", "models", "lab"])[0] == 0  # the server takes any key
    assert _files_containing(app_home, key) == [str(keyfile)]


def test_a_wrong_key_is_one_clear_401_line(llama_server_keyed, memory_keychain, capsys, monkeypatch):
    """A wrong key against a server started with --api_key: exit 1, one line naming HTTP 401."""
    _run(capsys, monkeypatch, ["providers", "add", "keyed", "--base-url", llama_server_keyed.base_url,
                               "--api-key-stdin"], stdin="not-the-key\n")
    code, _out, err = _run(capsys, monkeypatch, ["providers", "models", "keyed"])
    assert code == 1 and err.count("\n") == 1
    assert "HTTP 401" in err and "keyed" in err


def test_compare_local_and_remote_saves_siblings(llama_server, starter_model, capsys, monkeypatch):
    """compare --model <local> --model lab/smollm2: both answers stream under their names and are siblings."""
    _run(capsys, monkeypatch, ["providers", "add", "lab", "--base-url", llama_server.base_url, "--kind",
                               "llama.cpp", "--context-length", "4096"])
    code, out, err = _run(capsys, monkeypatch, ["compare", "--model", str(starter_model), "--model",
                                                f"lab/{MODEL_ALIAS}", "--max-tokens", "8", "--seed", "1",
                                                "Name a colour."])
    assert code == 0, err
    assert out.index(f"== {starter_model} ==") < out.index(f"== lab/{MODEL_ALIAS} ==")
    conv_id = int(err.split("[conversation ")[1].split("]")[0])
    code, out, _err = _run(capsys, monkeypatch, ["show", str(conv_id), "--json"])
    shown = json.loads(out)
    assert shown["alternatives"][0]["user_id"] == shown["messages"][0]["id"]
    alternatives = shown["alternatives"][0]["replies"]
    # Siblings are listed oldest first; the remote thread may create its reply before the local one starts.
    assert sorted(a["model"] for a in alternatives) == sorted([starter_model.stem, f"lab/{MODEL_ALIAS}"])
    assert all(a["status"] == "done" and a["content"] for a in alternatives)
    current = [a for a in alternatives if a["current"]]
    assert len(current) == 1 and current[0]["model"] == starter_model.stem  # the first model's answer is shown


def test_compare_needs_two_to_four_models(capsys, monkeypatch):
    """One model is refused with one line and exit 1, before anything is stored."""
    code, _out, err = _run(capsys, monkeypatch, ["compare", "--model", "a", "hello"])
    assert code == 1 and "2 to 4" in err
