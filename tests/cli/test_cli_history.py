"""CLI search, import and presets (no model needed)."""

from __future__ import annotations

import json

from aigc_desktop.cli import main
from tests.importers.test_import import CHATGPT


def test_import_then_search(capsys, tmp_path):
    """`import` brings a ChatGPT file in; `search --json` finds its text."""
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(CHATGPT, ensure_ascii=False), encoding="utf-8")
    assert main(["import", str(path)]) == 0
    assert "imported 1 conversation" in capsys.readouterr().out
    assert main(["search", "模型", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert len(hits) == 1
    assert set(hits[0]) == {"conversation_id", "message_id", "title", "role", "snippet", "in_reasoning"}
    assert hits[0]["in_reasoning"] is False
    assert hits[0]["title"] == "Edited chat" and "[模型]" in hits[0]["snippet"]
    assert main(["search", "second answer"]) == 0
    assert "Edited chat" in capsys.readouterr().out


def test_import_prints_a_count_not_every_id(capsys, tmp_path):
    """Importing many chats prints one short line; a second import counts them as skipped;
    `--json` carries the ids."""
    chats = [dict(CHATGPT[0], title=f"chat {i}") for i in range(30)]
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(chats, ensure_ascii=False), encoding="utf-8")
    assert main(["import", str(path)]) == 0
    out = capsys.readouterr().out
    assert out == "imported 30 conversations\n"
    assert main(["import", str(path)]) == 0
    assert capsys.readouterr().out == "imported 0 conversations (30 already imported, skipped)\n"
    chats.append(dict(CHATGPT[0], title="one more"))
    path.write_text(json.dumps(chats, ensure_ascii=False), encoding="utf-8")
    assert main(["import", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["imported"] == 1 and result["skipped"] == 30 and len(result["ids"]) == 1
    assert main(["show", str(result["ids"][0]), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["title"] == "one more"


def test_import_bad_file_is_one_line(capsys, tmp_path):
    """A bad import is exit 1 with one line on stderr."""
    path = tmp_path / "x.json"
    path.write_text("{oops", encoding="utf-8")
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1


def test_presets_json(capsys):
    """`presets --json` lists the built-ins."""
    assert main(["presets", "--json"]) == 0
    names = [p["name"] for p in json.loads(capsys.readouterr().out)]
    assert "Default" in names
