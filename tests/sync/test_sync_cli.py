"""Sync through the CLI: two AIGC_DESKTOP_HOMEs and one folder; a kill -9 in the middle of a sync."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from aigc_desktop.cli import main
from tests.importers.test_import import CHATGPT

API_KEY = "sk-test-sync-never-shared-0123456789"


@pytest.fixture
def homes(tmp_path, monkeypatch):
    a, b, shared = tmp_path / "home-a", tmp_path / "home-b", tmp_path / "坚果云"
    shared.mkdir()

    def use(home):
        monkeypatch.setenv("AIGC_DESKTOP_HOME", str(home))

    return a, b, shared, use


def _run(capsys, *argv) -> str:
    code = main(list(argv))
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def test_a_chat_on_a_appears_on_b_with_the_same_messages(capsys, homes, tmp_path, monkeypatch):
    a, b, shared, use = homes
    use(a)
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(CHATGPT, ensure_ascii=False), encoding="utf-8")
    ids = json.loads(_run(capsys, "import", str(path), "--json"))["ids"]
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(API_KEY + "\n"))
    _run(capsys, "providers", "add", "cloud", "--base-url", "https://api.example.com/v1", "--api-key-stdin")
    _run(capsys, "sync", "folder", str(shared))
    assert json.loads(_run(capsys, "sync", "now", "--json"))["sent"] > 0
    shown_a = json.loads(_run(capsys, "show", str(ids[0]), "--json"))

    use(b)
    _run(capsys, "sync", "folder", str(shared))
    report = json.loads(_run(capsys, "sync", "now", "--json"))
    assert set(report) == {"sent", "received"} and report["received"] > 0
    [chat] = json.loads(_run(capsys, "list", "--json"))
    shown_b = json.loads(_run(capsys, "show", str(chat["id"]), "--json"))
    assert shown_b["title"] == shown_a["title"] == "Edited chat"
    assert [(m["role"], m["content"]) for m in shown_b["messages"]] == \
        [(m["role"], m["content"]) for m in shown_a["messages"]]
    status = json.loads(_run(capsys, "sync", "status", "--json"))
    assert status["target"].endswith(str(shared)) and status["last_error"] is None
    assert [d["device_id"] for d in status["devices"]] != []

    # B deletes it; A follows at its next sync.
    _run(capsys, "delete", str(chat["id"]))
    _run(capsys, "sync", "now")
    use(a)
    _run(capsys, "sync", "now")
    assert json.loads(_run(capsys, "list", "--json")) == []

    # The shared folder holds sync files only: no database, WAL, settings or key.
    files = [p for p in shared.rglob("*") if p.is_file()]
    assert files and all(p.name.endswith(".jsonl.gz") for p in files)
    for p in files:
        assert API_KEY.encode() not in p.read_bytes()
        import gzip

        assert API_KEY.encode() not in gzip.decompress(p.read_bytes())


def test_bad_usage_and_errors_are_one_line(capsys, homes):
    a, _b, _shared, use = homes
    use(a)
    assert main(["sync", "now"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "not set up" in err and len(err.strip().splitlines()) == 1
    assert main(["sync", "folder", str(a / "missing")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["delete", "42"]) == 1
    assert "No conversation with id 42" in capsys.readouterr().err


# A real process killed with SIGKILL at the worst moments: the file written under its temporary
# name but not renamed, and renamed but not yet recorded in the database.
KILLER = textwrap.dedent("""
    import os, signal, sys
    from aigc_desktop.sync import transport, replica
    where = sys.argv[1]
    if where == "tmp":
        real_link = os.link
        def link(src, dst):
            os.kill(os.getpid(), signal.SIGKILL)
        transport.os.link = link
    else:
        def sent(conn, seqs):
            os.kill(os.getpid(), signal.SIGKILL)
        replica.sent = sent
    from aigc_desktop.cli import main
    sys.exit(main(["sync", "now"]))
""")


@pytest.mark.parametrize("where", ["tmp", "renamed"])
def test_a_kill_9_mid_sync_is_followed_by_a_clean_sync(capsys, homes, tmp_path, where):
    a, b, shared, use = homes
    use(a)
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps([dict(CHATGPT[0], title=f"chat {i}") for i in range(5)], ensure_ascii=False),
                    encoding="utf-8")
    _run(capsys, "sync", "folder", str(shared))
    _run(capsys, "import", str(path))  # after: these writes are in the outbox, sent as an ops file
    env = {**os.environ, "AIGC_DESKTOP_HOME": str(a)}
    proc = subprocess.run([sys.executable, "-c", KILLER, where], env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    if where == "tmp":
        assert any(p.name.endswith(".tmp") for p in shared.rglob("*"))
    report = json.loads(_run(capsys, "sync", "now", "--json"))
    assert report["sent"] > 0
    assert json.loads(_run(capsys, "sync", "now", "--json")) == {"sent": 0, "received": 0}

    use(b)
    _run(capsys, "sync", "folder", str(shared))
    _run(capsys, "sync", "now")
    chats = json.loads(_run(capsys, "list", "--json"))
    assert sorted(c["title"] for c in chats) == [f"chat {i}" for i in range(5)]
    assert all(c["message_count"] == chats[0]["message_count"] > 0 for c in chats)
