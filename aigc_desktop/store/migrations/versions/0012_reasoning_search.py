"""Search over a reply's reasoning, for when the person turns it on.

A second external-content FTS5 trigram table over ``messages.reasoning``, kept in sync by
triggers as 0002's is over ``content``, with its vocabulary and the last-characters
indexes that 0004 gives ``content`` (``store/search.py`` uses them the same way for terms
of one or two characters). Only replies with reasoning are indexed: most messages have
none, and an external-content table must be told exactly what it was given, so every
trigger skips the empty text on both sides.

Revision ID: 0012
Revises: 0011
"""
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "CREATE VIRTUAL TABLE messages_reasoning_fts USING fts5("
        "reasoning, content='messages', content_rowid='id', tokenize='trigram')"
    )
    add = ("INSERT INTO messages_reasoning_fts(rowid, reasoning) SELECT new.id, new.reasoning "
           "WHERE new.reasoning <> '';")
    drop = ("INSERT INTO messages_reasoning_fts(messages_reasoning_fts, rowid, reasoning) "
            "SELECT 'delete', old.id, old.reasoning WHERE old.reasoning <> '';")
    op.execute(f"CREATE TRIGGER messages_reasoning_fts_ai AFTER INSERT ON messages BEGIN {add} END")
    op.execute(f"CREATE TRIGGER messages_reasoning_fts_ad AFTER DELETE ON messages BEGIN {drop} END")
    op.execute(f"CREATE TRIGGER messages_reasoning_fts_au AFTER UPDATE OF reasoning ON messages BEGIN {drop} {add} END")
    op.execute("INSERT INTO messages_reasoning_fts(rowid, reasoning) SELECT id, reasoning FROM messages "
               "WHERE reasoning <> ''")
    op.execute("CREATE VIRTUAL TABLE messages_reasoning_fts_vocab USING fts5vocab(messages_reasoning_fts, row)")
    # lower() folds ASCII only, as LIKE does; store/search.py repeats these expressions exactly.
    op.execute("CREATE INDEX ix_messages_reasoning_last_char ON messages (lower(substr(reasoning, -1))) "
               "WHERE reasoning <> ''")
    op.execute("CREATE INDEX ix_messages_reasoning_last_two_chars ON messages (lower(substr(reasoning, -2))) "
               "WHERE reasoning <> ''")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_messages_reasoning_last_two_chars")
    op.execute("DROP INDEX IF EXISTS ix_messages_reasoning_last_char")
    op.execute("DROP TABLE IF EXISTS messages_reasoning_fts_vocab")
    for trig in ("messages_reasoning_fts_ai", "messages_reasoning_fts_ad", "messages_reasoning_fts_au"):
        op.execute(f"DROP TRIGGER IF EXISTS {trig}")
    op.execute("DROP TABLE IF EXISTS messages_reasoning_fts")
