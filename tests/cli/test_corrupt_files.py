"""Every local file the app keeps besides the database, replaced with garbage: the CLI starts,
says so once on stderr, keeps the file as ``<name>.bad`` and goes on with the defaults."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aigc_desktop.cli import main
from aigc_desktop.local_files import LOCAL_FILES
from aigc_desktop.paths import app_paths

#: One concrete file for each entry of LOCAL_FILES (the download records are globs).
FILE_NAMES = {
    "*.part.json": "model-q4.gguf.0123abcd.part.json",
    "*.set.json": "model-q4.gguf.0123abcd.set.json",
}

GARBAGE = {
    "random_bytes": bytes(range(256)) * 3,
    "truncated": b'{"theme": "dark", "providers": [{"name": "a", ',
    "invalid_utf8": b'{"name": "\xff\xfe\xc3("}',
    "empty": b"",
    "deep": b"[" * 100_000 + b"]" * 100_000,
}


def wrong_type(shape: type) -> bytes:
    return b"[1, 2, 3]" if shape is dict else b'{"name": "x"}'


def file_path(spec) -> Path:
    return Path(getattr(app_paths(), spec.folder)) / FILE_NAMES.get(spec.pattern, spec.pattern)


def defaults_in_use(spec) -> None:
    """The file's own reader gives what it gives when the file does not exist."""
    name = spec.pattern
    if name == "settings.json":
        from aigc_desktop.settings import Settings

        settings = Settings.load(app_paths().settings_file)
        assert settings == Settings() and not settings.problems
    elif name == "presets.json":
        from aigc_desktop.chat.presets import list_presets

        assert all(p.builtin for p in list_presets())
    elif name == "providers.json":
        from aigc_desktop.providers.config import ProviderStore

        assert ProviderStore().list() == []
    elif name == "provider-keys.json":
        from aigc_desktop.providers.secrets import SecretStore

        assert SecretStore(use_keychain=False).get("any") is None
    elif name == "provider-models.json":
        from aigc_desktop.providers.model_cache import ModelCache

        assert ModelCache().models("any") == []
    elif name == "model-checks.json":
        from aigc_desktop.llm import probe

        probe.forget_verdicts()
        assert probe.known_problem(app_paths().database) is None
    elif name == "*.part.json":
        from aigc_desktop.hub.download import unfinished_downloads

        assert unfinished_downloads() == []
    elif name == "*.set.json":
        from aigc_desktop.hub.splits import recorded_sets

        assert recorded_sets() == []


CASES = [(spec, kind) for spec in LOCAL_FILES for kind in [*GARBAGE, "wrong_type"]]


@pytest.mark.parametrize("spec,kind", CASES, ids=[f"{s.pattern}-{k}" for s, k in CASES])
def test_garbage_file_is_kept_aside_and_said_once(capsys, spec, kind):
    path = file_path(spec)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = wrong_type(spec.shape) if kind == "wrong_type" else GARBAGE[kind]
    path.write_bytes(payload)
    code = main(["list"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err.count("\n") == 1 and err.startswith("note: ") and path.name in err and ".bad" in err, err
    assert "Traceback" not in err and "unexpected" not in err
    assert not path.exists()
    assert path.with_name(path.name + ".bad").read_bytes() == payload
    defaults_in_use(spec)
    code = main(["list"])  # said once: the next start finds the default in its place
    assert code == 0 and capsys.readouterr().err == ""


def test_an_earlier_bad_file_is_never_overwritten(capsys, app_home):
    cfg = app_home / "config" / "settings.json"
    cfg.parent.mkdir(parents=True)
    for attempt in (b"first", b"second", b"third"):
        cfg.write_bytes(attempt)
        assert main(["list"]) == 0
    capsys.readouterr()
    assert [(cfg.parent / n).read_bytes() for n in ("settings.json.bad", "settings.json.2.bad", "settings.json.3.bad")] \
        == [b"first", b"second", b"third"]


def test_good_files_are_left_alone(capsys):
    """A well-formed file of each kind is neither moved nor mentioned."""
    for spec in LOCAL_FILES:
        path = file_path(spec)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({} if spec.shape is dict else []), encoding="utf-8")
    assert main(["list"]) == 0
    assert capsys.readouterr().err == ""
    assert all(file_path(spec).exists() for spec in LOCAL_FILES)
    assert not list(app_paths().config.glob("*.bad")) and not list(app_paths().data.glob("*.bad"))


def test_doctor_names_the_file_it_set_aside(capsys, app_home):
    cfg = app_home / "data" / "providers.json"
    cfg.parent.mkdir(parents=True)
    cfg.write_bytes(b"\x00\x01")
    code, out = main(["doctor"]), capsys.readouterr().out
    assert code == 1 and "providers.json was unreadable" in out and "providers.json.bad" in out


def test_settings_nested_past_json_limit_read_after_the_start(app_home):
    """A settings.json damaged while the app runs is read as defaults, even nested past json's limit."""
    from aigc_desktop.settings import Settings

    cfg = app_home / "config" / "settings.json"
    cfg.parent.mkdir(parents=True)
    cfg.write_bytes(b"[" * 100_000 + b"]" * 100_000)
    settings = Settings.load(cfg)
    assert settings.theme == "system" and settings.problems
