"""Models on disk (metadata, import, delete, default) and the `models` CLI against the fake Hub."""

from __future__ import annotations

import json
import os

import pytest

from aigc_desktop.cli import main
from aigc_desktop.errors import UserError
from aigc_desktop.hub.library import (
    delete_model,
    import_model,
    installed_models,
    list_models,
    resolve_model,
    set_default_model,
)
from aigc_desktop.llm.gguf_info import read_gguf_info
from aigc_desktop.paths import app_paths
from aigc_desktop.settings import Settings
from tests.hub.hub_fixtures import FILE, REPO


def test_starter_metadata_read_quickly_without_weights(starter_model):
    """Architecture, context length, quantization and parameter count come from the header alone."""
    info = read_gguf_info(starter_model)
    assert info.architecture == "llama" and info.context_length == 8192 and info.file_type == "Q4_1"
    assert 130e6 < info.parameter_count < 140e6 and info.parameters_label == "135M"
    assert info.data_end == starter_model.stat().st_size
    assert "im_start" in info.chat_template


@pytest.mark.parametrize("kind, message", [
    ("text", "not a GGUF"), ("random", "not a GGUF"), ("truncated", "truncated"), ("empty", "empty"),
])
def test_import_rejects_bad_files(tmp_path, starter_model, kind, message):
    """Import checks the file first; nothing lands in the models folder."""
    bad = tmp_path / f"{kind}.gguf"
    bad.write_bytes({"text": b"hello\n", "random": os.urandom(5000), "empty": b"",
                     "truncated": starter_model.read_bytes()[:20_000_000]}[kind])
    with pytest.raises(UserError, match=message):
        import_model(bad)
    assert not any(p.name == bad.name for p in installed_models())


def test_import_list_default_delete(tmp_path, starter_model):
    """An imported model is listed with metadata, can be the default, and can be deleted."""
    copy = tmp_path / "My-Model.Q4_1.gguf"
    copy.write_bytes(starter_model.read_bytes())
    target = import_model(copy)
    entries = {e.name: e for e in list_models()}
    assert entries["My-Model.Q4_1"].info.architecture == "llama" and entries["My-Model.Q4_1"].problem is None
    assert entries[starter_model.stem].is_starter
    set_default_model("My-Model.Q4_1")
    assert Settings.load(app_paths().settings_file).default_model == str(target)
    assert resolve_model("my-model.q4_1") == target
    with pytest.raises(UserError, match="starter model"):
        delete_model(starter_model.stem)
    delete_model("My-Model.Q4_1")
    assert not target.exists()


def test_cli_models_against_fake_hub(hub, capsys, tmp_path):
    """search, files, download, list --json, default, remove through the CLI."""
    assert main(["models", "search", "smol", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["repo"] == REPO
    assert main(["models", "files", REPO, "--json"]) == 0
    files = json.loads(capsys.readouterr().out)
    assert [f["quant"] for f in files] == ["Q8_0", "Q4_1"] and all(f["fit"] for f in files)
    assert main(["models", "download", REPO, FILE]) == 0
    out, err = capsys.readouterr()
    assert "saved" in out and "100%" in err
    assert main(["models", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    downloaded = [m for m in listed if m["path"].startswith(str(app_paths().models))]
    assert downloaded[0]["quant"] == "Q4_1" and downloaded[0]["context_length"] == 8192
    assert main(["models", "default", FILE]) == 0
    assert main(["chat", "--model", "SmolLM2-135M-Instruct.Q4_1", "--max-tokens", "3", "hi"]) == 0
    capsys.readouterr()
    assert main(["models", "remove", str(app_paths().models / FILE)]) == 0
    assert main(["models", "download", REPO, "missing.gguf"]) == 1
    assert "not a GGUF file of" in capsys.readouterr().err


def test_cli_offline(capsys, monkeypatch):
    """Offline mode: one clear line, exit 1."""
    monkeypatch.setenv("AIGC_DESKTOP_OFFLINE", "1")
    assert main(["models", "search", "qwen"]) == 1
    assert "offline mode" in capsys.readouterr().err


def test_import_other_extension_becomes_gguf(tmp_path, starter_model):
    """A GGUF called model.bin is imported as model.gguf, listed, and removable."""
    source = tmp_path / "model.bin"
    source.write_bytes(starter_model.read_bytes())
    target = import_model(source)
    assert target == app_paths().models / "model.gguf"
    assert "model" in {e.name for e in list_models()}
    assert delete_model("model") == target and not target.exists()


def test_imported_copy_of_starter_is_removable(starter_model, capsys):
    """A copy of the starter in the models folder is the one a name removes; the starter stays."""
    copy = import_model(starter_model)
    assert copy.parent == app_paths().models
    assert main(["models", "remove", starter_model.stem]) == 0
    assert not copy.exists() and starter_model.exists()
    capsys.readouterr()
    assert main(["models", "remove", starter_model.stem]) == 1
    assert "starter model" in capsys.readouterr().err
    assert main(["models", "remove", ""]) == 1
    assert "No installed model is named “”" in capsys.readouterr().err


@pytest.mark.parametrize("kind, message", [
    ("text", "not a GGUF"), ("folder", "folder"), ("missing", "No model is named"), ("empty", "No model is named"),
])
def test_default_must_be_a_model(tmp_path, capsys, kind, message):
    """`models default` refuses what is not a GGUF or an installed model, and keeps the setting."""
    text = tmp_path / "x.txt"
    text.write_text("hello\n")
    arg = {"text": str(text), "folder": str(tmp_path), "missing": "no-such-model", "empty": ""}[kind]
    assert main(["models", "default", arg]) == 1
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert Settings.load(app_paths().settings_file).default_model in (None, "")


def test_deleting_the_default_resets_it(tmp_path, starter_model, capsys):
    """Deleting the default model puts the default back to the starter ("") and saves it."""
    copy = tmp_path / "Default-Me.Q4_1.gguf"
    copy.write_bytes(starter_model.read_bytes())
    target = import_model(copy)
    set_default_model("Default-Me.Q4_1")
    other = tmp_path / "Other.Q4_1.gguf"
    other.write_bytes(starter_model.read_bytes())
    import_model(other)
    delete_model("Other.Q4_1")  # not the default: it stays
    assert Settings.load(app_paths().settings_file).default_model == str(target)
    assert main(["models", "remove", "Default-Me.Q4_1"]) == 0
    assert "new chats now use the starter model" in capsys.readouterr().out
    assert not target.exists() and Settings.load(app_paths().settings_file).default_model == ""
    assert resolve_model(Settings.load(app_paths().settings_file).default_model) == starter_model


def test_delete_that_the_system_refuses_is_a_clear_error(tmp_path, starter_model, monkeypatch):
    """A read-only folder or a file in use: a UserError naming the file, and the default is kept."""
    from pathlib import Path

    copy = tmp_path / "Stuck.Q4_1.gguf"
    copy.write_bytes(starter_model.read_bytes())
    target = import_model(copy)
    set_default_model(str(target))

    def refuse(self, missing_ok=False):
        raise PermissionError(13, "Permission denied", str(self))

    with monkeypatch.context() as m:  # (not monkeypatch.undo: that would also undo the app home)
        m.setattr(Path, "unlink", refuse)
        with pytest.raises(UserError, match="Could not delete Stuck.Q4_1.gguf: Permission denied"):
            delete_model("Stuck.Q4_1")
    assert target.exists() and Settings.load(app_paths().settings_file).default_model == str(target)
