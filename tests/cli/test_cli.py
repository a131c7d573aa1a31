"""The CLI contract: every command, JSON shapes, exit codes, bad model files."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from aigc_desktop.cli import main

pytestmark = pytest.mark.real


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_chat_list_show_export_doctor(capsys, tmp_path, starter_model):
    """A chat is streamed and saved; list/show/export/doctor see it."""
    code, out, err = run(capsys, "chat", "--max-tokens", "12", "--seed", "1", "--temperature", "0", "你好")
    assert code == 0 and out.strip()
    code, out, _ = run(capsys, "chat", "--conversation", "1", "--max-tokens", "8", "again")
    assert code == 0
    code, out, _ = run(capsys, "list", "--json")
    convs = json.loads(out)
    assert convs[0]["id"] == 1 and convs[0]["message_count"] == 4 and convs[0]["title"] == "你好"
    code, out, _ = run(capsys, "show", "1", "--json")
    shown = json.loads(out)
    assert [m["role"] for m in shown["messages"]] == ["user", "assistant", "user", "assistant"]
    assert set(shown["messages"][0]) == {"id", "role", "content", "status", "created", "model", "rating", "reasoning",
                                         "citations", "tool_calls"}
    md = tmp_path / "out.md"
    assert run(capsys, "export", "1", "-o", str(md))[0] == 0
    assert "# 你好" in md.read_text(encoding="utf-8")
    assert run(capsys, "export", "1", "--format", "json", "-o", str(tmp_path / "o.json"))[0] == 0
    assert json.loads((tmp_path / "o.json").read_text(encoding="utf-8"))["conversation"]["id"] == 1
    folder = tmp_path / "all"
    assert run(capsys, "export", "--all", "-o", str(folder))[0] == 0
    assert len(list(folder.glob("*.md"))) == 1
    code, out, _ = run(capsys, "doctor")
    assert code == 0 and "integrity: ok" in out


@pytest.mark.parametrize("kind", ["text", "random", "truncated", "missing"])
def test_bad_model_files_exit_1_then_app_still_works(capsys, tmp_path, starter_model, kind):
    """A bad --model gives one clear line and exit 1; the next chat works."""
    path = tmp_path / f"{kind}.gguf"
    if kind == "text":
        path.write_text("just text\n")
    elif kind == "random":
        path.write_bytes(os.urandom(10_000))
    elif kind == "truncated":
        path.write_bytes(starter_model.read_bytes()[:3_000_000])
    code, out, err = run(capsys, "chat", "--model", str(path), "hi")
    assert code == 1
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    expected = {"text": "not a GGUF", "random": "not a GGUF", "truncated": "truncated", "missing": "not found"}[kind]
    assert expected in err
    code, out, _ = run(capsys, "chat", "--max-tokens", "4", "hi")
    assert code == 0


def test_usage_errors_exit_2(capsys):
    """Bad usage is exit 2."""
    with pytest.raises(SystemExit) as e:
        main(["show", "not-a-number"])
    assert e.value.code == 2
    with pytest.raises(SystemExit) as e:
        main([])
    assert e.value.code == 2


def test_unknown_conversation_is_clear(capsys):
    """Asking for a conversation that does not exist is one line, exit 1."""
    code, _, err = run(capsys, "show", "42")
    assert code == 1 and "No conversation with id 42" in err


def test_newer_database_refused_by_cli(capsys, app_home):
    """A database from a newer app version: clear message, exit 1, file untouched."""
    import sqlite3

    assert run(capsys, "list")[0] == 0
    db = app_home / "data" / "conversations.sqlite3"
    con = sqlite3.connect(db)
    con.execute("update alembic_version set version_num='ffff'")
    con.commit()
    con.close()
    code, _, err = run(capsys, "list")
    assert code == 1 and "newer version" in err


def test_module_entry_point_runs(app_home):
    """`python -m aigc_desktop` is the CLI (a real subprocess, no traceback)."""
    env = dict(os.environ, AIGC_DESKTOP_HOME=str(app_home))
    proc = subprocess.run([sys.executable, "-m", "aigc_desktop", "list", "--json"], capture_output=True,
                          text=True, env=env, timeout=120)
    assert proc.returncode == 0 and json.loads(proc.stdout) == []


@pytest.mark.parametrize("args", [
    ["--model", "/no/such/model.gguf"],
    ["--model", "no-such-model-name"],
    ["--conversation", "99999"],
])
def test_refused_chat_stores_nothing(capsys, args):
    """A chat refused before generation (bad model, bad value, unknown conversation)
    is one clear line, exit 1, and leaves no empty conversation behind."""
    code, out, err = run(capsys, "chat", *args, "hi")
    assert code == 1 and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert "unexpected" not in err and out == ""
    assert json.loads(run(capsys, "list", "--json")[1]) == []


def test_out_of_range_numbers_are_usage_errors(capsys):
    for argv in (["show", "99999999999999999999999"], ["chat", "--max-tokens", "0", "hi"],
                 ["search", "x", "--limit", "-1"], ["chat", "--seed", "abc", "hi"],
                 ["chat", "--temperature", "9", "hi"], ["chat", "--temperature", "-1", "hi"]):
        with pytest.raises(SystemExit) as e:
            main(argv)
        assert e.value.code == 2, argv


def test_damaged_database_is_one_clear_line(capsys, app_home, starter_model):
    """Garbage in the data pages (header intact): read commands say the database is
    damaged instead of printing SQL; doctor exits 1."""
    import random
    import sqlite3

    for i in range(3):
        assert run(capsys, "chat", "--max-tokens", "3", f"hello {i}")[0] == 0
    db = app_home / "data" / "conversations.sqlite3"
    con = sqlite3.connect(db)
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    data = bytearray(db.read_bytes())
    rnd = random.Random(1)
    data[4096:] = bytes(rnd.randrange(256) for _ in range(len(data) - 4096))
    db.write_bytes(bytes(data))
    for argv in (["list"], ["show", "2"], ["search", "hello"], ["chat", "--max-tokens", "3", "hi"]):
        code, _, err = run(capsys, *argv)
        assert code == 1 and "damaged" in err and "SELECT" not in err, (argv, err)
        assert len(err.strip().splitlines()) == 1
    assert run(capsys, "doctor")[0] == 1


def test_malformed_settings_fall_back_value_by_value(capsys, app_home):
    """settings.json that is not an object, or has a value of the wrong type, never
    breaks a command; good values are kept."""
    cfg = app_home / "config" / "settings.json"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("[1]")
    assert run(capsys, "list")[0] == 0
    cfg.write_text('{"default_model": 5, "offline": true, "n_ctx": 99}')
    assert run(capsys, "list")[0] == 0
    from aigc_desktop.settings import Settings

    s = Settings.load(cfg)
    assert s.offline is True and s.default_model == "" and s.n_ctx == 4096


def test_unreadable_settings_are_kept_aside_when_saving(app_home):
    """Saving over a settings file that could not be read (damaged after the start) keeps it as .bad."""
    from aigc_desktop.settings import Settings, SettingsStore

    cfg = app_home / "settings.json"
    app_home.mkdir(parents=True)
    cfg.write_text('{"offline": true,')
    SettingsStore(cfg).update(theme="dark")
    assert (app_home / "settings.json.bad").read_text() == '{"offline": true,'
    assert Settings.load(cfg).theme == "dark"


def test_doctor_reports_unreadable_settings(capsys, app_home):
    cfg = app_home / "config" / "settings.json"
    cfg.parent.mkdir(parents=True)
    cfg.write_text("{bad")
    code, out, _ = run(capsys, "doctor")
    assert code == 1 and "settings:" in out and "unreadable" in out
    cfg.write_text('{"theme": "dark"}')
    code, out, _ = run(capsys, "doctor")
    assert "settings: ok" in out
