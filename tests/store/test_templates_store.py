"""The person's prompt templates in SQLite: CRUD, ids never reused, migration from 0007 keeps data."""

from __future__ import annotations

import pytest

from aigc_desktop.errors import UserError
from aigc_desktop.store.templates import TemplateNotFound, TemplateStore


@pytest.fixture
def templates(store):
    return TemplateStore(store.db)


def test_add_get_update_delete(templates):
    """A template is saved, read back, edited and deleted."""
    t = templates.add("会议纪要", "整理成{n}个要点：{text}", "zh")
    assert templates.get(t.id) == t and templates.list() == [t]
    edited = templates.update(t.id, name="纪要", body="{text}")
    assert (edited.name, edited.body, edited.language) == ("纪要", "{text}", "zh")
    assert edited.updated_at >= t.updated_at
    templates.delete(t.id)
    assert templates.list() == []
    with pytest.raises(TemplateNotFound):
        templates.get(t.id)
    with pytest.raises(TemplateNotFound):
        templates.delete(t.id)


def test_bad_input_is_refused(templates):
    """An empty name, empty text or unknown language is a UserError and nothing is saved."""
    for name, body, lang in (("  ", "x", "zh"), ("n", " \n", "zh"), ("n", "x", "fr")):
        with pytest.raises(UserError):
            templates.add(name, body, lang)
    assert templates.list() == []


def test_ids_are_never_reused(templates):
    """Deleting the newest template does not give its id to the next one."""
    a = templates.add("a", "x", "en")
    templates.delete(a.id)
    assert templates.add("b", "y", "en").id > a.id


def test_upgrade_from_0007_keeps_data_and_adds_the_table(tmp_path):
    """A database at 0007 (with a conversation) upgrades to head, keeps its rows and can store templates."""
    from alembic import command

    from aigc_desktop.store.conversations import ConversationStore
    from aigc_desktop.store.db import HEAD_REVISION, Database, _alembic_config

    path = tmp_path / "old.sqlite3"
    db = Database(path, migrate=False)
    command.upgrade(_alembic_config(db.engine), "0007")
    with db.engine.begin() as conn:  # the tables as they were at 0007 (the ORM knows today's)
        conn.exec_driver_sql("INSERT INTO conversations (id, title, created_at, updated_at, sampling, pinned) "
                             "VALUES (1, '旧对话', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '{}', 0)")
        conn.exec_driver_sql("INSERT INTO messages (id, conversation_id, role, content, status, created_at, stats) "
                             "VALUES (1, 1, 'user', '你好', 'done', '2026-01-01 00:00:00', '{}')")
    db.close()
    db = Database(path)
    assert db.schema_revision() == HEAD_REVISION
    store = ConversationStore(db)
    assert [c.title for c in store.list()] == ["旧对话"]
    t = TemplateStore(db).add("润色", "{text}", "zh")
    assert TemplateStore(db).get(t.id).name == "润色"
    db.close()
