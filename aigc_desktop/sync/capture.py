"""Change capture: every local write to a synced table leaves an op in ``sync_outbox``, in its own transaction.

The mechanism is SQLite triggers, generated from the tables' columns (``PRAGMA table_info``):
every writer is covered without knowing about sync — the ORM (conversations, messages),
Core ``insert``/``update``/``delete`` (documents, templates, knowledge bases), the importer's
``INSERT … SELECT``, a cascade from ``ON DELETE CASCADE`` — and the op commits or rolls back
with the write itself, so a crash can neither lose an op nor record one for a write that did
not happen. SQLAlchemy events would miss the Core and raw-SQL paths.

Per row write a trigger does two small statements: it advances the hybrid logical clock in
``sync_clock`` (``hlc = max(hlc + 1, wall_ms << 16)``; the wall clock is SQLite's, plus the
row's ``skew_ms``, 0 except in tests of a wrong clock) and appends ``(entity, uid, op, fields,
hlc)`` to ``sync_outbox``. An update names the columns that changed (``,title,pinned``), so
merging is per field. The clock is merged with other devices' clocks when their ops are
applied (:func:`observe`), so a write made after seeing a remote op always sorts after it.

Ops applied from another device are not echoed back: the applier sets ``sync_clock.applying``
inside its own transaction and the triggers' ``WHEN`` skips. A row inserted without a uid
(raw SQL) gets a UUIDv7 from the insert trigger, made in SQL.

Because the triggers list columns, they are regenerated when a table's columns change
(another migration adds ``messages.tool_calls``): :func:`install` compares a signature kept in
``sync_meta`` and is cheap when nothing changed. Columns travel by name; nothing here names them.
"""

from __future__ import annotations

import hashlib

from sqlalchemy import text

#: Synced tables, parents before children (the order a snapshot is applied in).
SYNCED = ("conversations", "messages", "documents", "sections", "section_versions", "prompt_templates",
          "presets", "knowledge_bases", "kb_sources")
#: Tables that got their uid from migration 0016 (knowledge_bases and kb_sources had one from 0014).
UID_ADDED_BY_0016 = ("conversations", "messages", "documents", "sections", "section_versions", "prompt_templates")
#: References that are not declared foreign keys (so inserts and deletes do not depend on each other).
SOFT_REFS = {("conversations", "current_leaf_id"): "messages", ("sections", "current_version_id"): "section_versions"}
#: Columns that never travel: the local integer id and the uid (it is the op's key).
LOCAL_COLUMNS = ("id", "uid")

WALL_MS = "(CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) + skew_ms)"
_TICK = f"UPDATE sync_clock SET hlc = max(hlc + 1, {WALL_MS} * 65536) WHERE id = 1;"
_NOW = "(SELECT hlc FROM sync_clock WHERE id = 1)"
_ACTIVE = "(SELECT applying FROM sync_clock WHERE id = 1) = 0"
# A UUIDv7 in SQL for a row inserted without one: 48 bits of milliseconds, version 7, variant 10, random bits.
_SQL_UUID7 = (
    "lower(substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)), 1, 8) || '-' || "
    "substr(printf('%012x', CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)), 9, 4) || '-7' || "
    "substr(hex(randomblob(2)), 2, 3) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || "
    "substr(hex(randomblob(2)), 2, 3) || '-' || hex(randomblob(6)))"
)


def existing(conn) -> list[str]:
    """The synced tables this database has (the knowledge-base ones come with migration 0014)."""
    names = set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'")).scalars())
    return [t for t in SYNCED if t in names]


def columns(conn, table: str) -> list[str]:
    return [r[1] for r in conn.execute(text(f"PRAGMA table_info({table})"))]


def synced_columns(conn, table: str) -> list[str]:
    return [c for c in columns(conn, table) if c not in LOCAL_COLUMNS]


def _triggers(table: str, cols: list[str]) -> list[str]:
    changed = " OR ".join(f'old."{c}" IS NOT new."{c}"' for c in cols) or "0"
    names = " || ".join(f"""CASE WHEN old."{c}" IS NOT new."{c}" THEN ',{c}' ELSE '' END""" for c in cols) or "''"
    return [
        f"CREATE TRIGGER sync_{table}_ai AFTER INSERT ON {table} WHEN {_ACTIVE} BEGIN "
        f"UPDATE {table} SET uid = {_SQL_UUID7} WHERE rowid = new.rowid AND new.uid IS NULL; {_TICK} "
        f"INSERT INTO sync_outbox (entity, uid, op, fields, hlc) VALUES ('{table}', "
        f"(SELECT uid FROM {table} WHERE rowid = new.rowid), 'ins', NULL, {_NOW}); END",
        f"CREATE TRIGGER sync_{table}_au AFTER UPDATE ON {table} WHEN {_ACTIVE} AND ({changed}) BEGIN {_TICK} "
        f"INSERT INTO sync_outbox (entity, uid, op, fields, hlc) VALUES ('{table}', new.uid, 'upd', {names}, {_NOW}); "
        "END",
        f"CREATE TRIGGER sync_{table}_ad AFTER DELETE ON {table} WHEN {_ACTIVE} AND old.uid IS NOT NULL BEGIN {_TICK} "
        f"INSERT INTO sync_outbox (entity, uid, op, fields, hlc) VALUES ('{table}', old.uid, 'del', NULL, {_NOW}); "
        "END",
    ]


def _signature(conn) -> str:
    parts = [f"{t}:{','.join(synced_columns(conn, t))}" for t in existing(conn)]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


def install(conn, *, force: bool = False) -> bool:
    """(Re)create the capture triggers if the synced tables' columns changed; True if it did."""
    sig = _signature(conn)
    have = conn.execute(text("SELECT value FROM sync_meta WHERE key = 'capture'")).scalar()
    if have == sig and not force:
        return False
    for table in SYNCED:
        for suffix in ("ai", "au", "ad"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS sync_{table}_{suffix}"))
    for table in existing(conn):
        for ddl in _triggers(table, synced_columns(conn, table)):
            conn.execute(text(ddl))
    conn.execute(text("INSERT OR REPLACE INTO sync_meta (key, value) VALUES ('capture', :v)"), {"v": sig})
    return True


def drop(conn) -> None:
    for table in SYNCED:
        for suffix in ("ai", "au", "ad"):
            conn.execute(text(f"DROP TRIGGER IF EXISTS sync_{table}_{suffix}"))


def set_applying(conn, on: bool) -> None:
    """Inside the applier's transaction: ops written now are another device's, not ours to send."""
    conn.execute(text("UPDATE sync_clock SET applying = :on WHERE id = 1"), {"on": 1 if on else 0})


def observe(conn, hlc: int) -> None:
    """Merge a remote clock: later local writes sort after it (the HLC receive rule)."""
    conn.execute(text("UPDATE sync_clock SET hlc = max(hlc, :h) WHERE id = 1"), {"h": int(hlc)})


def tick(conn) -> int:
    """A fresh clock value for an op the sync engine itself makes (a row re-sent after a refused delete)."""
    conn.execute(text(_TICK))
    return conn.execute(text(f"SELECT {_NOW}")).scalar()


def set_skew(conn, skew_ms: int) -> None:
    """Shift this database's wall clock (tests of devices whose clocks are wrong by a day)."""
    conn.execute(text("UPDATE sync_clock SET skew_ms = :s WHERE id = 1"), {"s": int(skew_ms)})
