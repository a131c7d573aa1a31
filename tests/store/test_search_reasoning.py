"""Search finds answers; a reply's thinking only when the person turns that on (migration 0012)."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command

from aigc_desktop.store import search as search_module
from aigc_desktop.store.db import HEAD_REVISION, Database, _alembic_config
from aigc_desktop.store.search import search

THOUGHT = "先分析问题：用户想知道量子纠缠的含义，要避免公式。"
ANSWER = "量子纠缠是两个粒子之间的关联。"


@pytest.fixture(params=["newest-first", "index"])
def short_path(request, monkeypatch):
    """'index': no newest messages are read first, so short terms must come from the indexes."""
    if request.param == "index":
        monkeypatch.setattr(search_module, "NEWEST_FIRST", 0)
    return request.param


@pytest.fixture
def chat(store):
    conv = store.create("物理")
    store.add_message(conv.id, "user", "什么是量子纠缠？")
    reply = store.add_message(conv.id, "assistant", ANSWER, reasoning=THOUGHT)
    return store, reply


def _ids(hits):
    return [h.message_id for h in hits if h.message_id is not None]


@pytest.mark.parametrize("word", ["避免公式", "公式", "含义", "式。", "分析问题"])
def test_a_word_only_in_the_thinking_is_found_only_when_asked(chat, short_path, word):
    store, reply = chat
    assert _ids(search(store.db, word)) == []
    hits = [h for h in search(store.db, word, reasoning=True) if h.message_id == reply.id]
    assert len(hits) == 1 and hits[0].in_reasoning and f"[{word}]" in hits[0].snippet


@pytest.mark.parametrize("word", ["粒子", "两个粒子之间"])
def test_the_answer_is_found_either_way_and_says_so(chat, short_path, word):
    store, reply = chat
    for reasoning in (False, True):
        hits = search(store.db, word, reasoning=reasoning)
        assert _ids(hits) == [reply.id] and not hits[0].in_reasoning and f"[{word}]" in hits[0].snippet


def test_the_thinking_index_follows_edits_and_deletes(chat, short_path):
    store, reply = chat
    store.update_message(reply.id, reasoning="换个思路：用比喻来讲。")
    assert _ids(search(store.db, "公式", reasoning=True)) == []
    assert _ids(search(store.db, "比喻", reasoning=True)) == [reply.id]
    store.update_message(reply.id, reasoning="")
    assert _ids(search(store.db, "比喻", reasoning=True)) == []
    store.update_message(reply.id, reasoning="再想想比喻")
    store.delete(reply.conversation_id)
    assert search(store.db, "比喻", reasoning=True) == []
    assert store.db.integrity_check() == "ok"


def test_upgrade_indexes_thinking_already_stored(tmp_path, short_path):
    path = tmp_path / "old.sqlite3"
    db = Database(path, migrate=False)
    command.upgrade(_alembic_config(db.engine), "0011")
    db.close()
    con = sqlite3.connect(path)
    con.execute("insert into conversations (id, title, created_at, updated_at, sampling, pinned) "
                "values (1, 'old', '2025-01-01 00:00:00', '2025-01-01 00:00:00', '{}', 0)")
    con.execute("insert into messages (id, conversation_id, role, content, status, created_at, stats, reasoning) "
                f"values (1, 1, 'assistant', '{ANSWER}', 'done', '2025-01-01 00:00:00', '{{}}', '{THOUGHT}')")
    con.commit()
    con.close()
    db = Database(path)
    assert db.schema_revision() == HEAD_REVISION
    assert _ids(search(db, "避免公式")) == [] and _ids(search(db, "避免公式", reasoning=True)) == [1]
    assert _ids(search(db, "公式", reasoning=True)) == [1]
    assert db.integrity_check() == "ok"
    db.close()


def test_cli_search_reasoning_flag_and_setting(chat, capsys):
    import json

    from aigc_desktop.cli import main
    from aigc_desktop.paths import app_paths
    from aigc_desktop.settings import SettingsStore

    store, reply = chat
    assert main(["search", "公式", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["search", "公式", "--json", "--reasoning"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["message_id"] for h in hits] == [reply.id] and hits[0]["in_reasoning"] is True
    SettingsStore(app_paths().settings_file).update(search_reasoning=True)
    assert main(["search", "公式"]) == 0
    assert "公式" in capsys.readouterr().out
