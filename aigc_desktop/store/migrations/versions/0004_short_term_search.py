"""Search terms of one or two characters without reading every message.

The trigram index cannot match a term shorter than three characters, so a
two-character Chinese word (模型, 天气) was found by a LIKE over all message text.
Now ``store/search.py`` looks the term up as the start of the index's trigrams
(the ``fts5vocab`` table below lists them) and matches those. The only places a
short term can occur without starting a trigram are a message's last one or two
characters, which the two expression indexes answer.

Revision ID: 0004
Revises: 0003
"""
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute("CREATE VIRTUAL TABLE messages_fts_vocab USING fts5vocab(messages_fts, row)")
    # lower() folds ASCII only, as LIKE does; store/search.py repeats these expressions exactly.
    op.execute("CREATE INDEX ix_messages_last_char ON messages (lower(substr(content, -1)))")
    op.execute("CREATE INDEX ix_messages_last_two_chars ON messages (lower(substr(content, -2)))")


def downgrade() -> None:
    op.execute("DROP INDEX IF EXISTS ix_messages_last_two_chars")
    op.execute("DROP INDEX IF EXISTS ix_messages_last_char")
    op.execute("DROP TABLE IF EXISTS messages_fts_vocab")
