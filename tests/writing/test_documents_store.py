"""The document store: outline edits, versions, ids never reused, recovery after a crash."""

from __future__ import annotations

import pytest

from aigc_desktop.store.documents import DocumentNotFound

FIVE = ["基本概念", "技术实现", "优势与不足", "潜在问题", "未来发展"]


def test_create_versions_and_current_text(docs):
    """A new version becomes the section's current text; older versions are kept."""
    doc = docs.create("AIGC：从入门到精通", brief="初学者", outline=FIVE)
    assert [s.title for s in doc.sections] == FIVE and {s.status for s in doc.sections} == {"empty"}
    first = doc.sections[0]
    v1 = docs.add_version(first.id, "一", prompt="p1", status="done")
    v2 = docs.add_version(first.id, "二", prompt="p2", status="done")
    sec = docs.section(doc.id, 1)
    assert (sec.text, sec.prompt, sec.version_count, sec.current_version_id) == ("二", "p2", 2, v2.id)
    docs.select_version(first.id, v1.id)
    assert docs.section(doc.id, 1).text == "一"
    assert [v.text for v in docs.versions(first.id)] == ["一", "二"]


def test_outline_edits(docs):
    """Renaming, adding, dropping and moving sections keep the text with its section."""
    doc = docs.create("T", outline=["a", "b", "c"])
    docs.add_version(doc.sections[0].id, "text of a", status="done")
    doc = docs.set_outline(doc.id, ["A", "B"])
    assert [s.title for s in doc.sections] == ["A", "B"]
    doc = docs.set_outline(doc.id, ["A", "B", "C", "D"])
    doc = docs.move_section(doc.id, 1, 4)
    assert [s.title for s in doc.sections] == ["B", "C", "D", "A"]
    assert doc.sections[3].text == "text of a"
    with pytest.raises(DocumentNotFound):
        docs.section(doc.id, 9)


def test_ids_are_never_reused(docs):
    """Deleting the newest document does not give its id (or its sections' ids) to the next one."""
    doc = docs.create("one", outline=["x"])
    docs.delete(doc.id)
    again = docs.create("two", outline=["y"])
    assert again.id > doc.id and again.sections[0].id > doc.sections[0].id
    with pytest.raises(DocumentNotFound):
        docs.get(doc.id)


def test_recover_marks_drafting_sections_interrupted(docs):
    """At start, a section left drafting (a killed run) becomes interrupted with its text kept."""
    doc = docs.create("T", outline=["a", "b"])
    docs.add_version(doc.sections[0].id, "done text", status="done")
    docs.add_version(doc.sections[1].id, "half a sen", status="drafting")
    assert docs.recover() == 1
    doc = docs.get(doc.id)
    assert [(s.status, s.text) for s in doc.sections] == [("done", "done text"), ("interrupted", "half a sen")]


def test_rate_version_round_trip(docs):
    """A version's 👍/👎 is stored, read back by versions() and on the section, and can be taken back."""
    from aigc_desktop.errors import UserError

    doc = docs.create("T", outline=["a"])
    sid = doc.sections[0].id
    v1 = docs.add_version(sid, "一", status="done")
    v2 = docs.add_version(sid, "二", status="done")
    assert v1.rating is None
    docs.rate_version(v1.id, "up")
    docs.rate_version(v2.id, "down")
    assert [v.rating for v in docs.versions(sid)] == ["up", "down"]
    assert docs.section(doc.id, 1).rating == "down"  # the current version's
    docs.rate_version(v2.id, None)
    assert [v.rating for v in docs.versions(sid)] == ["up", None]
    with pytest.raises(UserError, match="up"):
        docs.rate_version(v1.id, "great")
    with pytest.raises(DocumentNotFound):
        docs.rate_version(999999, "up")
    assert docs.versions(sid)[0].rating == "up"  # a refused rating changes nothing


def test_migration_0007_keeps_versions_of_a_0006_database(tmp_path):
    """A database at 0006 with a drafted section upgrades to 0007: the version is kept, unrated."""
    from alembic import command

    from aigc_desktop.store.db import HEAD_REVISION, Database, _alembic_config
    from aigc_desktop.store.documents import DocumentStore

    db = Database(tmp_path / "old.sqlite3", migrate=False)
    command.upgrade(_alembic_config(db.engine), "0006")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("UPDATE id_high_water SET value = 5")
        conn.exec_driver_sql("INSERT INTO documents (id, title, brief, created_at, updated_at) "
                             "VALUES (1, 'T', '', '2024-01-01', '2024-01-01')")
        conn.exec_driver_sql("INSERT INTO sections (id, document_id, position, title, status, current_version_id) "
                             "VALUES (2, 1, 0, 'a', 'done', 3)")
        conn.exec_driver_sql("INSERT INTO section_versions (id, section_id, text, prompt, created_at, stats) "
                             "VALUES (3, 2, '旧文本', 'p', '2024-01-01', '{}')")
    db.migrate()
    assert db.schema_revision() == HEAD_REVISION
    docs = DocumentStore(db)
    [v] = docs.versions(2)
    assert (v.text, v.rating) == ("旧文本", None)
    docs.rate_version(3, "up")
    assert docs.versions(2)[0].rating == "up"
    db.close()
