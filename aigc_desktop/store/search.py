"""Search titles and message text across all conversations.

Terms of three or more characters go through the FTS5 trigram index (any
substring, Chinese included, case-insensitive for Latin letters), which returns
the newest matches itself and stops at the limit. The trigram index cannot match
shorter terms, and two-character Chinese words (模型, 天气) are common, so a query
with such a term first reads the newest messages with LIKE (enough for a common
word); otherwise a short term is looked up as the start of the index's trigrams,
plus the last one or two characters of each message, which no trigram starts
(migration 0004). Results: title matches first, then messages, newest first.

A reply's reasoning (a reasoning model's thinking) is searched only when asked
(``reasoning=True``: the ``search_reasoning`` setting, ``search --reasoning``), the same
way over its own index (migration 0012). A message then matches when its answer or its
thinking holds every term; a hit found only in the thinking says so (``in_reasoning``) and
its snippet comes from there.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import text

from aigc_desktop.store.db import Database

SNIPPET_BEFORE = 24
SNIPPET_AFTER = 60
NEWEST_FIRST = 5000  # messages a query with a short term reads before using the index


@dataclass(frozen=True)
class SearchHit:
    conversation_id: int
    message_id: int | None  # None: the conversation title matched
    conversation_title: str
    role: str | None
    snippet: str
    created_at: datetime | None
    in_reasoning: bool = False  # the terms are in the reply's thinking, not its answer


@dataclass(frozen=True)
class _Field:
    """One searchable column of ``messages`` and the indexes over it (migrations 0002/0004, 0012)."""

    column: str
    fts: str
    vocab: str
    where: str = ""  # what the partial last-characters indexes require


ANSWER = _Field("content", "messages_fts", "messages_fts_vocab")
REASONING = _Field("reasoning", "messages_reasoning_fts", "messages_reasoning_fts_vocab", "m.reasoning <> '' AND ")


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


def search(db: Database, query: str, limit: int = 50, reasoning: bool = False) -> list[SearchHit]:
    """Titles, then messages holding every term of ``query``; ``reasoning`` also looks in
    the replies' thinking."""
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
        ids = _message_ids(conn, terms, limit, ANSWER)
        thought: set[int] = set()
        if reasoning:
            thought = set(_message_ids(conn, terms, limit, REASONING)) - set(ids)
            ids = sorted({*ids, *thought}, reverse=True)[:limit]
        rows = conn.execute(
            text("SELECT m.id, m.conversation_id, m.role, m.content, m.reasoning, m.created_at, c.title "
                 "FROM messages m JOIN conversations c ON c.id = m.conversation_id "
                 "WHERE m.id IN (SELECT value FROM json_each(:ids)) ORDER BY m.id DESC"),
            {"ids": json.dumps(ids)},
        ) if ids else []
        for row in rows:
            in_reasoning = row.id in thought
            hits.append(
                SearchHit(row.conversation_id, row.id, row.title, row.role,
                          snippet(row.reasoning if in_reasoning else row.content, terms), _dt(row.created_at),
                          in_reasoning)
            )
    return hits[:limit]


def _message_ids(conn, terms: list[str], limit: int, field: _Field) -> list[int]:
    """Ids of the newest ``limit`` messages whose ``field`` contains every term, newest first."""
    col = f"m.{field.column}"
    if all(len(t) >= 3 for t in terms):
        return _fts_ids(conn, field, _fts_query(terms), limit)
    # A short term common enough to fill the page is found among the newest
    # messages at once; looking it up in the index would read every trigram it starts.
    likes = " AND ".join(f"{col} LIKE :t{i} ESCAPE '\\'" for i in range(len(terms)))
    like_params = {f"t{i}": _like(t) for i, t in enumerate(terms)}
    found = conn.execute(
        text(f"SELECT m.id FROM messages m WHERE m.id > (SELECT coalesce(max(id), 0) FROM messages) - :window "
             f"AND {likes} ORDER BY m.id DESC LIMIT :limit"),
        {**like_params, "window": NEWEST_FIRST, "limit": limit},
    ).scalars().all()
    if len(found) >= limit:
        return found
    ids = set(found)
    # Elsewhere a short term starts one of the index's trigrams (matched as any of
    # them), or it sits in a message's last one or two characters (migration 0004).
    groups = [_fts_query([t]) for t in terms if len(t) >= 3]
    for t in (t for t in terms if len(t) < 3):
        trigrams = _trigrams_starting_with(conn, field, t)
        if not trigrams:
            groups = None
            break
        groups.append("(" + " OR ".join(_fts_query([g]) for g in trigrams) + ")")
    if groups:
        ids.update(_fts_ids(conn, field, " AND ".join(groups), limit))
    for t in {t for t in terms if len(t) < 3}:
        low = _ascii_lower(t)
        if len(t) == 2:
            at_end = f"lower(substr({col}, -2)) = :end"
        else:
            at_end = (f"(lower(substr({col}, -1)) = :end OR "
                      f"(lower(substr({col}, -2)) >= :end AND lower(substr({col}, -2)) < :above))")
        ids.update(conn.execute(
            text(f"SELECT m.id FROM messages m WHERE {field.where}{at_end} AND {likes} "
                 "ORDER BY m.id DESC LIMIT :limit"),
            {**like_params, "end": low, "above": _above(low), "limit": limit},
        ).scalars())
    return sorted(ids, reverse=True)[:limit]


def _fts_ids(conn, field: _Field, fts_query: str, limit: int) -> list[int]:
    # ORDER BY rowid with a LIMIT on the FTS table itself: FTS5 walks its doclists
    # newest first and stops after ``limit`` matches (a join sorted afterwards
    # matched every row first: 100 ms for a common word).
    return conn.execute(
        text(f"SELECT rowid FROM {field.fts} WHERE {field.fts} MATCH :q ORDER BY rowid DESC LIMIT :limit"),
        {"q": fts_query, "limit": limit},
    ).scalars().all()


def _trigrams_starting_with(conn, field: _Field, term: str) -> list[str]:
    """The index's trigrams that begin with ``term`` (folded as the trigram tokenizer folds)."""
    low = _fold(term)
    return conn.execute(
        text(f"SELECT term FROM {field.vocab} WHERE term >= :low AND term < :above"),
        {"low": low, "above": _above(low)},
    ).scalars().all()


def _fold(term: str) -> str:
    """Lower case per character, as FTS5's trigram tokenizer (not case-sensitive) folds."""
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in term)


def _ascii_lower(term: str) -> str:
    """SQLite's lower() without ICU: ASCII letters only."""
    return "".join(c.lower() if c.isascii() else c for c in term)


def _above(prefix: str) -> str:
    """A string above every string of up to three characters that starts with ``prefix``
    (the index's trigrams, a message's last two characters), and below all others that
    sort after it: U+10FFFF is the highest character, in UTF-8's byte order too."""
    return prefix + "\U0010ffff" * 3
