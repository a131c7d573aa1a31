"""Search: Chinese substrings of any length, English in any case, edits, deletes, migration."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command

from aigc_desktop.store.conversations import ConversationStore
from aigc_desktop.store.db import HEAD_REVISION, Database, _alembic_config
from aigc_desktop.store.search import search


@pytest.fixture
def seeded(store):
    conv = store.create("周末计划")
    m1 = store.add_message(conv.id, "user", "今天天气很好，我们去公园散步")
    m2 = store.add_message(conv.id, "assistant", "Large Language Models are fun. 模型很有趣。")
    other = store.create("Other")
    m3 = store.add_message(other.id, "user", "nothing relevant here")
    return store, conv, (m1, m2, m3)


def _ids(hits):
    return [h.message_id for h in hits if h.message_id is not None]


@pytest.mark.parametrize("query", ["天", "天气", "天气很", "公园散步", "今天天气很好"])
def test_chinese_substrings_of_any_length(seeded, query):
    """One, two, three and more Chinese characters all find the message."""
    store, _, (m1, _, _) = seeded
    hits = search(store.db, query)
    assert m1.id in _ids(hits)
    hit = next(h for h in hits if h.message_id == m1.id)
    assert f"[{query}]" in hit.snippet


@pytest.mark.parametrize("query", ["language", "LANGUAGE", "lArGe LaNg", "模型"])
def test_english_any_case_and_multiword(seeded, query):
    """Latin text matches in any case; several words must all be present."""
    store, _, (_, m2, _) = seeded
    assert _ids(search(store.db, query)) == [m2.id]


def test_titles_are_searched(seeded):
    """A conversation title matches too, as a title hit."""
    store, conv, _ = seeded
    hits = search(store.db, "周末")
    assert hits[0].message_id is None and hits[0].conversation_id == conv.id


def test_after_edit_and_delete(seeded):
    """An edit replaces the indexed text; deleted messages and conversations vanish from results."""
    store, conv, (m1, m2, m3) = seeded
    store.update_message(m1.id, content="明天下雨，待在家里读书")
    assert _ids(search(store.db, "公园散步")) == []
    assert _ids(search(store.db, "待在家里")) == [m1.id]
    assert _ids(search(store.db, "下雨")) == [m1.id]
    store.delete_message(m2.id)
    assert _ids(search(store.db, "language")) == []
    store.delete(conv.id)
    assert _ids(search(store.db, "待在家里")) == [] and search(store.db, "周末") == []


@pytest.mark.parametrize("query", ['"', 'a AND', '*', '(x', 'NEAR(', "100%", "_", "'; drop table messages; --"])
def test_special_characters_do_not_raise(seeded, query):
    """Query syntax characters are taken literally."""
    store, _, _ = seeded
    search(store.db, query)
    assert search(store.db, "天气")


def test_like_path_escapes_wildcards(store):
    """'%' and '_' in a short query match themselves only."""
    conv = store.create()
    a = store.add_message(conv.id, "user", "50% off")
    store.add_message(conv.id, "user", "nothing")
    assert _ids(search(store.db, "%")) == [a.id]


def test_database_at_previous_schema_upgrades_and_is_searchable(tmp_path):
    """Rows written at revision 0001 are indexed when the app upgrades the database."""
    path = tmp_path / "old.sqlite3"
    db = Database(path, migrate=False)
    command.upgrade(_alembic_config(db.engine), "0001")
    db.close()
    con = sqlite3.connect(path)
    con.execute("insert into conversations (id, title, created_at, updated_at, sampling, pinned) "
                "values (1, 'old', '2025-01-01 00:00:00', '2025-01-01 00:00:00', '{}', 0)")
    con.execute("insert into messages (id, conversation_id, role, content, status, created_at, stats) "
                "values (1, 1, 'user', '旧数据库里的模型问题', 'done', '2025-01-01 00:00:00', '{}')")
    con.commit()
    con.close()
    db = Database(path)
    assert db.schema_revision() == HEAD_REVISION
    assert _ids(search(db, "模型问题")) == [1] and _ids(search(db, "模型")) == [1]
    assert db.integrity_check() == "ok"
    store = ConversationStore(db)
    assert [m.content for m in store.messages(1)] == ["旧数据库里的模型问题"]
    db.close()
