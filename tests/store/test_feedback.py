"""Ratings on replies, and their export as preference pairs."""

from __future__ import annotations

import json

import pytest

from aigc_desktop.cli import main
from aigc_desktop.store.feedback import collect


def _rated_siblings(store):
    conv = store.create("compare", system_prompt="简短回答")
    q = store.add_message(conv.id, "user", "什么是AIGC？")
    good = store.add_message(conv.id, "assistant", "AIGC 是人工智能生成内容。", parent_id=q.id)
    bad = store.add_message(conv.id, "assistant", "不知道。", parent_id=q.id)
    store.rate(good.id, 1)
    store.rate(bad.id, -1)
    return conv, q, good, bad


def test_rated_siblings_become_a_preference_pair(store):
    """👍 and 👎 on two answers to one question give one pair, with the system prompt and question as the prompt."""
    _conv, _q, good, bad = _rated_siblings(store)
    pairs, ratings = collect(store)
    assert pairs == [{"prompt": [{"role": "system", "content": "简短回答"}, {"role": "user", "content": "什么是AIGC？"}],
                      "chosen": good.content, "rejected": bad.content}]
    assert sorted(r["rating"] for r in ratings) == [-1, 1]
    store.rate(bad.id, None)
    assert collect(store)[0] == [] and store.get_message(bad.id).rating is None


def test_cli_rate_show_and_export(capsys, tmp_path):
    """`rate`, the rating in `show --json`, and `feedback export` writing JSONL pairs and ratings."""
    from aigc_desktop.paths import app_paths
    from aigc_desktop.store.conversations import ConversationStore
    from aigc_desktop.store.db import Database

    db = Database(app_paths().ensure().database)
    conv, _q, good, bad = _rated_siblings(ConversationStore(db))
    db.close()
    assert main(["rate", str(bad.id), "none"]) == 0 and main(["rate", str(bad.id), "down"]) == 0
    capsys.readouterr()
    assert main(["show", str(conv.id), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert {m["id"]: m["rating"] for m in shown["messages"]}[bad.id] == -1  # the current version
    out = tmp_path / "prefs.jsonl"
    assert main(["feedback", "export", "-o", str(out)]) == 0
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 1 and rows[0]["chosen"] == good.content
    assert len((tmp_path / "prefs.ratings.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    assert main(["rate", "999999", "up"]) == 1


def _rated_versions(db):
    from aigc_desktop.store.documents import DocumentStore

    docs = DocumentStore(db)
    doc = docs.create("AIGC：从入门到精通", outline=["基本概念", "技术实现"], model="m.gguf")
    sid = doc.sections[0].id
    good = docs.add_version(sid, "AIGC 指人工智能生成内容。", prompt="请撰写“基本概念”", status="done",
                            stats={"mode": "draft", "model": "SmolLM2"})
    bad = docs.add_version(sid, "无关的话。", prompt="请撰写“基本概念”", status="done", stats={"mode": "draft"})
    docs.rate_version(good.id, "up")
    docs.rate_version(bad.id, "down")
    return docs, doc, good, bad


def test_section_versions_rated_up_and_down_become_a_pair(store):
    """Two versions of one section rated 👍/👎 give a pair with the exact prompt as one user message; both are in the ratings."""
    _docs, doc, good, bad = _rated_versions(store.db)
    pairs, ratings = collect(store)
    assert pairs == [{"prompt": [{"role": "user", "content": "请撰写“基本概念”"}],
                      "chosen": good.text, "rejected": bad.text}]
    assert {(r["version_id"], r["rating"], r["model"], r["section"], r["document_id"]) for r in ratings} == {
        (good.id, 1, "SmolLM2", 1, doc.id), (bad.id, -1, "m.gguf", 1, doc.id)}


def test_versions_pair_only_on_the_same_prompt_and_continuations_export_what_was_added(store):
    """Versions asked different things never pair; a 续写 version's completion is only the added text."""
    docs, doc, good, _bad = _rated_versions(store.db)
    sid = doc.sections[0].id
    docs.rate_version(_bad.id, None)
    other = docs.add_version(sid, "另一个提示的回答", prompt="changed outline", status="done")
    docs.rate_version(other.id, "down")
    cont = docs.add_version(sid, "AIGC 指人工智能生成内容。它能写文章。", prompt="T\n\n基本概念\n\nAIGC 指人工智能生成内容。",
                            status="done", stats={"mode": "continue", "prefix_chars": len(good.text)})
    docs.rate_version(cont.id, "up")
    pairs, ratings = collect(store)
    assert pairs == []
    assert {r["version_id"]: r["completion"] for r in ratings}[cont.id] == "它能写文章。"
    docs.update_version(cont.id, stats={"mode": "continue"})  # stored before prefix_chars existed
    assert {r["version_id"]: r["completion"] for r in collect(store)[1]}[cont.id] == "它能写文章。"


def test_cli_write_rate_show_and_export_versions(capsys, tmp_path):
    """`write rate DOC --section K [--version N]`, rating and version_list in `write show --json`, and the export."""
    from aigc_desktop.paths import app_paths
    from aigc_desktop.store.db import Database

    db = Database(app_paths().ensure().database)
    docs, doc, good, bad = _rated_versions(db)
    db.close()
    assert main(["write", "rate", str(doc.id), "--section", "1", "--version", "1", "none"]) == 0
    assert main(["write", "rate", str(doc.id), "--section", "1", "none"]) == 0  # the current one: version 2
    capsys.readouterr()
    assert main(["feedback", "export", "-o", str(tmp_path / "p.jsonl")]) == 0
    assert (tmp_path / "p.jsonl").read_text(encoding="utf-8") == ""
    assert main(["write", "rate", str(doc.id), "--section", "1", "--version", "1", "up"]) == 0
    assert main(["write", "rate", str(doc.id), "--section", "1", "down"]) == 0
    assert "version 2/2: down" in capsys.readouterr().out
    assert main(["write", "show", str(doc.id), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)["sections"][0]
    assert first["versions"] == 2 and first["rating"] == "down"
    assert [(v["number"], v["id"], v["rating"]) for v in first["version_list"]] == [(1, good.id, "up"),
                                                                                   (2, bad.id, "down")]
    assert "status" not in first["version_list"][0] and first["version_list"][1]["status"] == "done"
    assert main(["feedback", "export", "-o", str(tmp_path / "p.jsonl")]) == 0
    [row] = [json.loads(line) for line in (tmp_path / "p.jsonl").read_text(encoding="utf-8").splitlines()]
    assert (row["chosen"], row["rejected"]) == (good.text, bad.text)
    assert len((tmp_path / "p.ratings.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    assert main(["write", "rate", str(doc.id), "--section", "1", "--version", "3", "up"]) == 1
    assert main(["write", "rate", str(doc.id), "--section", "2", "up"]) == 1  # no text yet
    with pytest.raises(SystemExit) as exited:
        main(["write", "rate", str(doc.id), "--section", "1", "great"])
    assert exited.value.code == 2
