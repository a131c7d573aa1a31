"""Search titles and message text across all conversations.

Terms of three or more characters go through the FTS5 trigram index (any
substring, Chinese included, case-insensitive for Latin letters). The trigram
index cannot answer shorter terms, and two-character Chinese words (模型, 天气)
are common, so a query with any term under three characters is answered by a
LIKE scan of the base table instead. Results: title matches first, then
messages, newest first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import text

from aigc_desktop.store.db import Database

SNIPPET_BEFORE = 24
SNIPPET_AFTER = 60


@dataclass(frozen=True)
class SearchHit:
    conversation_id: int
    message_id: int | None  # None: the conversation title matched
    conversation_title: str
    role: str | None
    snippet: str
    created_at: datetime | None


def _terms(query: str) -> list[str]:
    return [t for t in query.split() if t]


def _like(term: str) -> str:
    return "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _fts_query(terms: list[str]) -> str:
    # Each term as a quoted phrase: user text such as AND, *, " or ( is literal.
    return " AND ".join('"' + t.replace('"', '""') + '"' for t in terms)


def snippet(content: str, terms: list[str]) -> str:
    """A short one-line window around the first match, the match in [brackets]."""
    flat = " ".join(content.split())
    lowered = flat.lower()
    pos, term = -1, ""
    for t in terms:
        pos = lowered.find(t.lower())
        if pos >= 0:
            term = t
            break
    if pos < 0:
        return flat[: SNIPPET_BEFORE + SNIPPET_AFTER]
    start = max(0, pos - SNIPPET_BEFORE)
    end = min(len(flat), pos + len(term) + SNIPPET_AFTER)
    return (
        ("…" if start else "")
        + flat[start:pos]
        + "["
        + flat[pos : pos + len(term)]
        + "]"
        + flat[pos + len(term) : end]
        + ("…" if end < len(flat) else "")
    )


def _dt(value) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


def search(db: Database, query: str, limit: int = 50) -> list[SearchHit]:
    terms = _terms(query)
    if not terms:
        return []
    hits: list[SearchHit] = []
    params: dict = {"limit": limit}
    title_where = []
    for i, t in enumerate(terms):
        params[f"t{i}"] = _like(t)
        title_where.append(f"c.title LIKE :t{i} ESCAPE '\\'")
    with db.connect() as conn:
        for row in conn.execute(
            text(f"SELECT c.id, c.title, c.updated_at FROM conversations c WHERE {' AND '.join(title_where)} "
                 "ORDER BY c.updated_at DESC LIMIT :limit"),
            params,
        ):
            hits.append(SearchHit(row.id, None, row.title, None, snippet(row.title, terms), _dt(row.updated_at)))
        if all(len(t) >= 3 for t in terms):
            sql = (
                "SELECT m.id, m.conversation_id, m.role, m.content, m.created_at, c.title "
                "FROM messages_fts f JOIN messages m ON m.id = f.rowid "
                "JOIN conversations c ON c.id = m.conversation_id "
                "WHERE messages_fts MATCH :q ORDER BY m.id DESC LIMIT :limit"
            )
            rows = conn.execute(text(sql), {"q": _fts_query(terms), "limit": limit})
        else:
            where = " AND ".join(f"m.content LIKE :t{i} ESCAPE '\\'" for i in range(len(terms)))
            sql = (
                "SELECT m.id, m.conversation_id, m.role, m.content, m.created_at, c.title "
                "FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                f"WHERE {where} ORDER BY m.id DESC LIMIT :limit"
            )
            rows = conn.execute(text(sql), params)
        for row in rows:
            hits.append(
                SearchHit(row.conversation_id, row.id, row.title, row.role,
                          snippet(row.content, terms), _dt(row.created_at))
            )
    return hits[:limit]
