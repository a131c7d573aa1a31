"""Rows as sync sees them: read and written by column name, references carried as uids.

Nothing here names a column other than the references: a column another part adds to
``messages`` (``citations``, ``tool_calls``) travels with its row because rows are read with
``SELECT *`` and written back column by column. Values are SQLite's own (text, numbers, NULL;
a blob as ``{"$b": base64}``), so a JSON column or a timestamp comes back byte for byte.

A reference (``conversation_id``, ``parent_id``, ``document_id``, ``section_id``, ``kb_id``:
the declared foreign keys, found with ``PRAGMA foreign_key_list``; and the undeclared
``current_leaf_id``, ``current_version_id``) is sent as the uid of the row it points to and
mapped back to the local id on arrival, since local ids differ between devices.
"""

from __future__ import annotations

import base64

from sqlalchemy import text

from aigc_desktop.sync.capture import SOFT_REFS, existing, synced_columns

#: A row still being written (a reply streaming, a section drafting) is sent once it is finished.
UNFINISHED = ("streaming", "drafting")


def encode(value):
    if isinstance(value, (bytes, bytearray, memoryview)):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    return value


def decode(value):
    if isinstance(value, dict) and set(value) == {"$b"}:
        return base64.b64decode(value["$b"])
    return value


class Schema:
    """The synced tables of one database, their columns, references and children; read per sync."""

    def __init__(self, conn) -> None:
        self.tables = existing(conn)
        self.cols = {t: synced_columns(conn, t) for t in self.tables}
        self.hard: dict[str, dict[str, str]] = {t: {} for t in self.tables}
        for t in self.tables:
            for fk in conn.exec_driver_sql(f"PRAGMA foreign_key_list({t})").mappings():
                if fk["table"] in self.tables and fk["to"] in ("id", None):
                    self.hard[t][fk["from"]] = fk["table"]
        self.soft = {t: {c: target for (tt, c), target in SOFT_REFS.items()
                         if tt == t and target in self.tables and c in self.cols[t]} for t in self.tables}
        self.refs = {t: {**self.hard[t], **self.soft[t]} for t in self.tables}
        self.children: dict[str, list[tuple[str, str]]] = {t: [] for t in self.tables}
        for t in self.tables:
            for col, target in self.hard[t].items():
                self.children[target].append((t, col))
        self.high_water = set(conn.exec_driver_sql("SELECT name FROM id_high_water").scalars())
        self._uid_cache: dict[tuple[str, int], str] = {}

    # -- ids and uids -------------------------------------------------------------
    def uid_of(self, conn, table: str, row_id: int) -> str | None:
        key = (table, row_id)
        if key not in self._uid_cache:
            uid = conn.exec_driver_sql(f"SELECT uid FROM {table} WHERE id = :i", {"i": row_id}).scalar()
            if uid is None:
                return None
            if len(self._uid_cache) > 50_000:
                self._uid_cache.clear()
            self._uid_cache[key] = uid
        return self._uid_cache[key]

    @staticmethod
    def id_of(conn, table: str, uid: str) -> int | None:
        return conn.exec_driver_sql(f"SELECT id FROM {table} WHERE uid = :u", {"u": uid}).scalar()

    # -- reading --------------------------------------------------------------------
    def read(self, conn, table: str, uid: str) -> dict | None:
        """The row's synced columns, references as uids; None if there is no such row."""
        row = conn.exec_driver_sql(f"SELECT * FROM {table} WHERE uid = :u", {"u": uid}).mappings().first()
        return None if row is None else self.portable(conn, table, row)

    def portable(self, conn, table: str, row) -> dict:
        out = {}
        for col in self.cols[table]:
            value = row[col]
            target = self.refs[table].get(col)
            if target is not None and value is not None:
                value = self.uid_of(conn, target, value)
            out[col] = encode(value)
        return out

    @staticmethod
    def unfinished(row: dict) -> bool:
        return row.get("status") in UNFINISHED

    def subtree(self, conn, table: str, row_id: int) -> list[tuple[str, int, str]]:
        """The row and every row that depends on it by a foreign key (what a delete cascades to)."""
        out, todo, seen = [], [(table, row_id)], set()
        while todo:
            t, i = todo.pop()
            if (t, i) in seen:
                continue
            seen.add((t, i))
            uid = conn.exec_driver_sql(f"SELECT uid FROM {t} WHERE id = :i", {"i": i}).scalar()
            if uid is None:
                continue
            out.append((t, i, uid))
            for child, col in self.children[t]:
                todo.extend((child, c) for c in conn.execute(
                    text(f"SELECT id FROM {child} WHERE {col} = :i"), {"i": i}).scalars())
        return out
