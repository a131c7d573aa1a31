"""Search: Chinese substrings of any length, English in any case, edits, deletes, migration.

Terms under three characters are found two ways (newest messages read first, else the
trigram index plus the last-characters indexes); ``short_path`` runs a test both ways."""

from __future__ import annotations

import sqlite3

import pytest
from alembic import command

from aigc_desktop.store.conversations import ConversationStore
from aigc_desktop.store.db import HEAD_REVISION, Database, _alembic_config
from aigc_desktop.store import search as search_module
from aigc_desktop.store.search import search


@pytest.fixture
def seeded(store):
    conv = store.create("周末计划")
    m1 = store.add_message(conv.id, "user", "今天天气很好，我们去公园散步")
    m2 = store.add_message(conv.id, "assistant", "Large Language Models are fun. 模型很有趣。")
    other = store.create("Other")
    m3 = store.add_message(other.id, "user", "nothing relevant here")
    return store, conv, (m1, m2, m3)


@pytest.fixture(params=["newest-first", "index"])
def short_path(request, monkeypatch):
    """'index': no newest messages are read first, so short terms must come from the indexes."""
    if request.param == "index":
        monkeypatch.setattr(search_module, "NEWEST_FIRST", 0)
    return request.param


def _ids(hits):
    return [h.message_id for h in hits if h.message_id is not None]


@pytest.mark.parametrize("query", ["天", "天气", "天气很", "公园散步", "今天天气很好"])
def test_chinese_substrings_of_any_length(seeded, query, short_path):
    """One, two, three and more Chinese characters all find the message."""
    store, _, (m1, _, _) = seeded
    hits = search(store.db, query)
    assert m1.id in _ids(hits)
    hit = next(h for h in hits if h.message_id == m1.id)
    assert f"[{query}]" in hit.snippet


@pytest.mark.parametrize("query", ["language", "LANGUAGE", "lArGe LaNg", "模型"])
def test_english_any_case_and_multiword(seeded, query, short_path):
    """Latin text matches in any case; several words must all be present."""
    store, _, (_, m2, _) = seeded
    assert _ids(search(store.db, query)) == [m2.id]


def test_titles_are_searched(seeded, short_path):
    """A conversation title matches too, as a title hit."""
    store, conv, _ = seeded
    hits = search(store.db, "周末")
    assert hits[0].message_id is None and hits[0].conversation_id == conv.id


def test_after_edit_and_delete(seeded, short_path):
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


@pytest.mark.parametrize("query", ['"', 'a AND', '*', '(x', 'NEAR(', "100%", "_", "'; drop table messages; --",
                                   "\ud7ff", "\U0010ffff"])
def test_special_characters_do_not_raise(seeded, query):
    """Query syntax characters are taken literally."""
    store, _, _ = seeded
    search(store.db, query)
    assert search(store.db, "天气")


def test_like_path_escapes_wildcards(store, short_path):
    """'%' and '_' in a short query match themselves only."""
    conv = store.create()
    a = store.add_message(conv.id, "user", "50% off")
    store.add_message(conv.id, "user", "nothing")
    assert _ids(search(store.db, "%")) == [a.id]


def test_short_terms_at_the_very_end_or_as_the_whole_message(store, short_path):
    """One- and two-character terms are found where no trigram starts with them: the last characters."""
    conv = store.create()
    whole = store.add_message(conv.id, "user", "模型")
    one = store.add_message(conv.id, "user", "天")
    ends = store.add_message(conv.id, "user", "什么是模型")
    starts = store.add_message(conv.id, "user", "模型好")
    ok = store.add_message(conv.id, "user", "It is OK")
    split = store.add_message(conv.id, "user", "模 型 is split")
    assert _ids(search(store.db, "模型")) == [starts.id, ends.id, whole.id]
    assert _ids(search(store.db, "型")) == [split.id, starts.id, ends.id, whole.id]
    assert _ids(search(store.db, "天")) == [one.id]
    assert _ids(search(store.db, "ok")) == [ok.id] and _ids(search(store.db, "k")) == [ok.id]
    assert _ids(search(store.db, "型 好")) == [starts.id] and _ids(search(store.db, "什么 模型")) == [ends.id]


def test_short_terms_return_the_newest_matches_first(store, short_path):
    """A short term found in many messages gives the newest ``limit`` of them, newest first."""
    conv = store.create()
    made = [store.add_message(conv.id, "user", f"第{i}个模型 answer").id for i in range(30)]
    store.add_message(conv.id, "user", "nothing here")
    assert _ids(search(store.db, "模型", limit=10)) == made[::-1][:10]
    assert _ids(search(store.db, "模型 answer", limit=5)) == made[::-1][:5]


def test_short_and_long_terms_must_all_be_present(store, short_path):
    """A query mixing a two-character word with a longer one finds only messages holding both."""
    conv = store.create()
    both = store.add_message(conv.id, "user", "the model generates 模型 text")
    store.add_message(conv.id, "user", "the model generates text")
    store.add_message(conv.id, "user", "模型 only")
    assert _ids(search(store.db, "模型 generates")) == [both.id]
    assert _ids(search(store.db, "generates 模型 model")) == [both.id]


def test_database_at_previous_schema_upgrades_and_is_searchable(tmp_path, short_path):
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
    assert _ids(search(db, "问题")) == [1] and _ids(search(db, "题")) == [1]
    assert db.integrity_check() == "ok"
    store = ConversationStore(db)
    assert [m.content for m in store.messages(1)] == ["旧数据库里的模型问题"]
    db.close()
