"""Ratings on replies, and their export as preference pairs."""

from __future__ import annotations

import json

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
