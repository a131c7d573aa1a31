"""The conversation store: migrations, round-trips, recovery, refusal of newer databases."""

from __future__ import annotations

import sqlite3

import pytest

from aigc_desktop.errors import DatabaseError
from aigc_desktop.store.conversations import NotFound
from aigc_desktop.store.db import Database


def test_migrations_from_empty_create_schema(tmp_path):
    """A blank file gets every table and the head revision, with WAL and foreign keys on."""
    db = Database(tmp_path / "a.sqlite3")
    con = sqlite3.connect(tmp_path / "a.sqlite3")
    tables = {r[0] for r in con.execute("select name from sqlite_master where type='table'")}
    assert {"conversations", "messages", "alembic_version"} <= tables
    assert con.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert db.schema_revision() is not None
    with db.engine.connect() as c:
        assert c.exec_driver_sql("pragma foreign_keys").scalar() == 1
    db.close()


def test_messages_round_trip_with_unicode(store):
    """Text, roles, status, model and stats come back exactly as written."""
    conv = store.create("测试 chat", model="m.gguf", system_prompt="be brief", sampling={"temperature": 0.2})
    u = store.add_message(conv.id, "user", "你好 👨‍👩‍👧 龘靐齉\n```py\nx=1\n```")
    a = store.add_message(conv.id, "assistant", "hi", model="SmolLM2", stats={"completion_tokens": 3})
    branch = store.branch(conv.id)
    assert [m.id for m in branch] == [u.id, a.id]
    assert branch[0].content == "你好 👨‍👩‍👧 龘靐齉\n```py\nx=1\n```"
    assert branch[1].parent_id == u.id and branch[1].stats == {"completion_tokens": 3}
    got = store.get(conv.id)
    assert got.title == "测试 chat" and got.sampling == {"temperature": 0.2} and got.message_count == 2


def test_streaming_rows_become_interrupted(store):
    """A reply left streaming by a killed app is kept, marked interrupted."""
    conv = store.create()
    store.add_message(conv.id, "user", "q")
    r = store.add_message(conv.id, "assistant", "partial", status="streaming")
    assert store.mark_interrupted() == 1
    again = store.get_message(r.id)
    assert again.status == "interrupted" and again.content == "partial"


def test_newer_database_is_refused(tmp_path):
    """A schema revision this app does not know means a newer app wrote it: refuse, change nothing."""
    path = tmp_path / "n.sqlite3"
    Database(path).close()
    con = sqlite3.connect(path)
    con.execute("update alembic_version set version_num='9999_future'")
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="newer version"):
        Database(path)
    con = sqlite3.connect(path)
    assert con.execute("select version_num from alembic_version").fetchone()[0] == "9999_future"


def test_not_a_database_gets_clear_error(tmp_path):
    """A random file where the database should be is reported, not a traceback."""
    path = tmp_path / "junk.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError, match="damaged or not a database"):
        Database(path)


def test_branches_and_current_leaf(store):
    """Editing adds a sibling; switching the leaf changes the branch."""
    conv = store.create()
    u1 = store.add_message(conv.id, "user", "one")
    a1 = store.add_message(conv.id, "assistant", "A1")
    u2 = store.add_message(conv.id, "user", "two", parent_id=None)
    a2 = store.add_message(conv.id, "assistant", "A2")
    assert [m.content for m in store.branch(conv.id)] == ["two", "A2"]
    assert [m.id for m in store.siblings(u1.id)] == [u1.id, u2.id]
    store.set_current_leaf(conv.id, u1.id)
    assert [m.id for m in store.branch(conv.id)] == [u1.id, a1.id]
    store.delete_message(u1.id)
    assert [m.id for m in store.branch(conv.id)] == [u2.id, a2.id]


def test_delete_conversation_cascades(store):
    """Deleting a conversation removes its messages too."""
    conv = store.create()
    m = store.add_message(conv.id, "user", "x")
    store.delete(conv.id)
    with pytest.raises(NotFound):
        store.get_message(m.id)
    assert store.list() == []


def test_head_revision_constant_matches_migrations(tmp_path):
    """The fast start-up path's HEAD_REVISION is Alembic's real head."""
    from alembic.script import ScriptDirectory

    from aigc_desktop.store.db import HEAD_REVISION, _alembic_config

    db = Database(tmp_path / "h.sqlite3")
    assert ScriptDirectory.from_config(_alembic_config(db.engine)).get_current_head() == HEAD_REVISION
    assert db.schema_revision() == HEAD_REVISION
    db.close()


def test_disk_io_error_on_a_full_disk_says_the_disk_is_full(tmp_path, monkeypatch):
    """SQLite reports a full disk as "disk I/O error" when it cannot grow its -shm file."""
    import shutil
    import sqlite3
    from collections import namedtuple

    from aigc_desktop.store.db import describe_db_error

    usage = namedtuple("usage", "total used free")
    exc = sqlite3.OperationalError("disk I/O error")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(10, 10, 0))
    assert "is full" in describe_db_error(exc, tmp_path / "c.sqlite3")
    monkeypatch.setattr(shutil, "disk_usage", lambda _p: usage(10**12, 0, 10**12))
    assert "is full" not in describe_db_error(exc, tmp_path / "c.sqlite3")


def test_an_unwritable_log_file_prints_nothing(tmp_path, capsys):
    """Python's "--- Logging error ---" tracebacks never reach the screen (a full disk
    would print one per log line over the app's one-line messages)."""
    import logging

    from aigc_desktop.logs import setup_logging

    setup_logging(tmp_path / "logs" / "app.log")
    handler = next(h for h in logging.getLogger("aigc_desktop").handlers if getattr(h, "_aigc_owned", False))

    def no_space(_text):
        raise OSError(28, "No space left on device")

    handler.stream.write = no_space
    logging.getLogger("aigc_desktop.test").warning("hello")
    assert "Logging error" not in capsys.readouterr().err


def test_ids_of_deleted_rows_are_never_reused(store):
    """SQLite alone gives max(id) + 1, so deleting the newest chat let the next chat take
    its id, and a second window or a search hit holding it pointed at the wrong chat."""
    a = store.create("a")
    b = store.create("b")
    m = store.add_message(b.id, "user", "x")
    store.delete(b.id)
    c = store.create("c")
    m2 = store.add_message(c.id, "user", "y")
    assert c.id > b.id > a.id and m2.id > m.id


def test_upgrade_from_0002_keeps_ids_above_existing_rows(tmp_path):
    """A database made by the previous version gets the high-water table seeded from its rows."""
    from alembic import command

    from aigc_desktop.store.conversations import ConversationStore
    from aigc_desktop.store.db import HEAD_REVISION, Database, _alembic_config

    db = Database(tmp_path / "old.sqlite3", migrate=False)
    command.upgrade(_alembic_config(db.engine), "0002")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO conversations (id, title, created_at, updated_at, sampling, pinned) "
                             "VALUES (7, 'old', '2026-01-01', '2026-01-01', '{}', 0)")
    db.close()
    db = Database(tmp_path / "old.sqlite3")
    assert db.schema_revision() == HEAD_REVISION
    store = ConversationStore(db)
    store.delete(7)
    assert store.create("new").id == 8
    db.close()
