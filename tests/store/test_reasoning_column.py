"""Migration 0011: a reply's inline <think>…</think> moves into its own reasoning column."""

from __future__ import annotations

from aigc_desktop.store.conversations import ConversationStore
from aigc_desktop.store.db import HEAD_REVISION, Database, _alembic_config


def test_upgrade_moves_inline_thinking_out_of_the_answer(tmp_path):
    from alembic import command

    path = tmp_path / "old.sqlite3"
    db = Database(path, migrate=False)
    command.upgrade(_alembic_config(db.engine), "0010")
    rows = [(1, None, "user", "AIGC 是什么？"),
            (2, 1, "assistant", "<think>\n先分析问题…\n</think>\n\nAIGC 指人工智能生成内容。"),
            (3, 2, "user", "再说说 <think> 标签"),
            (4, 3, "assistant", "答案里提到 <think> 也没关系")]
    with db.engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO conversations (id, title, created_at, updated_at, sampling, pinned) "
                             "VALUES (1, 'AIGC', '2026-01-01 00:00:00', '2026-01-01 00:00:00', '{}', 0)")
        for mid, parent, role, content in rows:
            conn.exec_driver_sql(
                "INSERT INTO messages (id, conversation_id, parent_id, role, content, status, created_at, stats) "
                "VALUES (?, 1, ?, ?, ?, 'done', '2026-01-01 00:00:00', '{}')", (mid, parent, role, content))
    db.close()
    db = Database(path)
    try:
        assert db.schema_revision() == HEAD_REVISION
        msgs = {m.id: m for m in ConversationStore(db).messages(1)}
        assert msgs[2].content == "AIGC 指人工智能生成内容。" and msgs[2].reasoning == "先分析问题…"
        assert msgs[3].content == "再说说 <think> 标签" and msgs[3].reasoning == ""
        assert msgs[4].content == "答案里提到 <think> 也没关系" and msgs[4].reasoning == ""
    finally:
        db.close()


def test_reasoning_is_stored_and_read_back(tmp_path):
    db = Database(tmp_path / "new.sqlite3")
    try:
        store = ConversationStore(db)
        conv = store.create("t")
        msg = store.add_message(conv.id, "assistant", "答", reasoning="想")
        store.update_message(msg.id, reasoning="想了又想")
        assert store.get_message(msg.id).reasoning == "想了又想"
        assert store.messages(conv.id)[0].reasoning == "想了又想"
    finally:
        db.close()
