"""Applying other devices' ops: the merge rules.

- A row is known by its uid; a put for an unknown uid inserts it (messages and section
  versions, never edited after they are finished, so merge as a union by uid: two devices
  continuing one chat give two replies with the same parent — two branches).
- Each column is last-writer-wins by its clock: a put changes a column only if its clock
  for it is newer than this device's.
- Delete against edit: the newer wins. A delete older than the row's newest change (of the
  row or any row under it, such as a message in a deleted chat) is refused here, and the row
  and everything under it is sent again with a fresh clock, so the devices that did delete
  it get it back. A put older than a row's tombstone is dropped: nothing deleted comes back.
- Applying an op twice changes nothing (clocks equal: no change; a second delete: no row).
- An op whose row or referenced row is not here yet (files arrive in any order) waits in
  ``sync_pending`` and is retried after each batch.
- Two devices giving two rows one unique name (two knowledge bases "论文"), on insert or on a
  later rename: the row with the larger uid is renamed "name (abcd)"; where renaming cannot help
  (a source path listed twice) the row with the larger uid is deleted. That change gets a fresh
  clock and is sent like a local edit, so a later op carrying the old name cannot undo it and
  every device ends alike.

Rows are written with plain SQL, so the search index's triggers (store/search.py, migration
0002) index merged messages like local ones.
"""

from __future__ import annotations

import json
import logging
import re

from sqlalchemy.exc import IntegrityError

from aigc_desktop.store.db import reserve_ids
from aigc_desktop.sync import capture
from aigc_desktop.sync.outbox import ZERO, op_clock, row_clocks, set_row_clocks, set_tombstone, tombstone
from aigc_desktop.sync.rows import Schema, decode

log = logging.getLogger(__name__)

APPLIED, WAIT, DROPPED = "applied", "wait", "dropped"
UNSET = (-1, "")  # the clock of a column left empty until the row it refers to arrives: any value wins
_UNIQUE = re.compile(r"UNIQUE constraint failed: ([\w., ]+)")


class Applier:
    """Applies ops in one transaction of ``conn`` (the caller's), on behalf of device ``me``."""

    def __init__(self, conn, schema: Schema, me: str) -> None:
        self.conn, self.schema, self.me = conn, schema, me
        self.changed = 0  # rows inserted, updated or deleted
        self._later: list[dict] = []  # what is left of an op applied in part (a reference not here yet)
        self._ids: dict[tuple[str, str], int] = {}  # (table, uid) -> local id, for references
        self._block: dict[str, list[int]] = {}  # table -> [next id, last id] reserved for new rows
        self._new: dict[str, int] = {}  # table -> rows this batch will insert (to reserve their ids at once)
        self._renames: list[tuple[str, str, str]] = []  # (table, uid, column) renamed by a unique clash

    def apply(self, ops: list[tuple[dict, str | None]]) -> int:
        """Apply ``(op, source file)`` pairs from any files in any order (oldest clock first, so a
        parent comes before its children), then retry the waiting ones; returns rows changed."""
        top = 0
        self._count_new([op for op, _src in ops])
        for op, src in sorted(ops, key=lambda pair: op_clock(pair[0])):
            top = max(top, op_clock(op)[0])
            if self.one(op, src) == WAIT:
                self._wait(op)
            self._flush_later()
        if top:
            capture.observe(self.conn, top)
        self.retry()
        return self.changed

    def retry(self) -> None:
        """Retry the waiting ops until a round changes nothing more."""
        progress = True
        while progress:
            progress = False
            rows = self.conn.exec_driver_sql("SELECT seq, op FROM sync_pending ORDER BY hlc, seq").all()
            for seq, raw in rows:
                before = self.changed
                if self.one(json.loads(raw), None) != WAIT:
                    self.conn.exec_driver_sql("DELETE FROM sync_pending WHERE seq = :s", {"s": seq})
                    self._flush_later()
                else:
                    self._later.clear()
                progress |= self.changed > before

    def _count_new(self, ops: list[dict]) -> None:
        """How many rows of each table the batch brings that are not here (one id reservation each)."""
        uids: dict[str, set[str]] = {}
        for op in ops:
            if op.get("k") == "put" and op.get("n") and op.get("e") in self.schema.high_water:
                uids.setdefault(op["e"], set()).add(op["u"])
        for table, wanted in uids.items():
            have, wanted = 0, list(wanted)
            for i in range(0, len(wanted), 500):
                chunk = wanted[i:i + 500]
                have += self.conn.exec_driver_sql(
                    f"SELECT count(*) FROM {table} WHERE uid IN ({','.join('?' * len(chunk))})", tuple(chunk)).scalar()
            self._new[table] = len(wanted) - have

    def _next_id(self, table: str) -> int:
        block = self._block.get(table)
        if not block or block[0] > block[1]:
            n = max(1, self._new.get(table, 0))
            first = reserve_ids(self.conn, table, n)
            block = self._block[table] = [first, first + n - 1]
        self._new[table] = self._new.get(table, 0) - 1
        block[0] += 1
        return block[0] - 1

    def _id_of(self, table: str, uid: str) -> int | None:
        rid = self._ids.get((table, uid))
        if rid is None:
            rid = self.schema.id_of(self.conn, table, uid)
            if rid is not None:
                self._ids[(table, uid)] = rid
        return rid

    def _flush_later(self) -> None:
        for op in self._later:
            self._wait(op)
        self._later.clear()

    def _wait(self, op: dict) -> None:
        self.conn.exec_driver_sql("INSERT INTO sync_pending (entity, uid, hlc, op) VALUES (:e, :u, :h, :o)",
                          {"e": op["e"], "u": op["u"], "h": op_clock(op)[0], "o": json.dumps(op, ensure_ascii=False)})

    # -- one op -----------------------------------------------------------------------
    def one(self, op: dict, src: str | None) -> str:
        entity = op.get("e")
        if entity not in self.schema.tables or not isinstance(op.get("u"), str):
            return DROPPED  # a table this version does not have (a newer app's) or a damaged line
        if op["k"] == "del":
            return self._delete(entity, op["u"], tuple(op["h"]), src)
        if op["k"] == "put":
            return self._put(entity, op)
        return DROPPED

    def _resolve(self, entity: str, col: str, value, clock: tuple):
        """(local id, status) for a reference; status WAIT when the row is not here yet."""
        if value is None:
            return None, APPLIED
        target = self.schema.refs[entity][col]
        rid = self._id_of(target, value)
        if rid is not None:
            return rid, APPLIED
        dead = tombstone(self.conn, target, value)
        if dead is not None and dead >= clock:
            return None, DROPPED
        return None, WAIT

    def _put(self, entity: str, op: dict) -> str:
        uid, base = op["u"], tuple(op["b"])
        cols = self.schema.cols[entity]
        clocks = {f: tuple(op.get("c", {}).get(f, base)) for f in op["f"] if f in cols}
        values = {f: decode(op["f"][f]) for f in clocks}
        rid = self._id_of(entity, uid)
        if rid is None:
            dead = tombstone(self.conn, entity, uid)
            if dead is not None and dead >= op_clock(op):
                return DROPPED
            if not op.get("n"):
                return WAIT  # a change to a row whose first op has not arrived yet
            return self._insert(entity, uid, base, clocks, values, dead is not None)
        have = row_clocks(self.conn, entity, uid) or (ZERO, {})
        local = {f: have[1].get(f, have[0]) for f in clocks}
        newer = {f: v for f, v in values.items() if clocks[f] > local[f]}
        if not newer:
            return APPLIED
        later = {}
        for col in [c for c in newer if c in self.schema.refs[entity]]:
            rid_ref, status = self._resolve(entity, col, newer[col], clocks[col])
            if status == APPLIED:
                newer[col] = rid_ref
            else:
                later[col] = newer.pop(col)
        if newer:
            if not self._write(entity, uid, newer, rid):
                return DROPPED
            merged = {**{f: have[1].get(f, have[0]) for f in have[1]}, **{f: clocks[f] for f in newer}}
            set_row_clocks(self.conn, entity, uid, have[0], merged)
            self._stamp_renames()
            self.changed += 1
        if later:
            rest = {**op, "n": False, "f": {c: op["f"][c] for c in later}, "c": {c: list(clocks[c]) for c in later}}
            if not newer:
                return WAIT
            self._later.append(rest)
        return APPLIED

    def _insert(self, entity: str, uid: str, base: tuple, clocks: dict, values: dict, dead: bool) -> str:
        later = {}
        for col in [c for c in values if c in self.schema.refs[entity]]:
            rid_ref, status = self._resolve(entity, col, values[col], clocks[col])
            if status == APPLIED:
                values[col] = rid_ref
            elif col in self.schema.soft[entity]:  # not a foreign key: insert now, fill it in later
                later[col] = values[col]
                values[col] = None
            else:
                return status  # the parent is not here yet (WAIT) or was deleted after this was written
        row_id = self._next_id(entity) if entity in self.schema.high_water else None
        if not self._write(entity, uid, values, None, row_id):
            return DROPPED
        if row_id is not None:
            self._ids[(entity, uid)] = row_id
        set_row_clocks(self.conn, entity, uid, base, {**clocks, **{c: UNSET for c in later}})
        self._stamp_renames()
        if dead:  # an older delete: the row is back
            self.conn.exec_driver_sql("DELETE FROM sync_tombstones WHERE entity = :e AND uid = :u",
                                      {"e": entity, "u": uid})
        self.changed += 1
        if later:
            self._later.append({"e": entity, "u": uid, "k": "put", "n": False, "b": list(base),
                                "c": {c: list(clocks[c]) for c in later}, "f": later})
        return APPLIED

    def _write(self, entity: str, uid: str, values: dict, rid: int | None, new_id: int | None = None) -> bool:
        """UPDATE row ``rid`` with ``values``, or INSERT the row (``rid`` None; ``new_id`` its id); a
        unique clash is settled (:meth:`_settle_unique`) and tried again. False: this row yields."""
        for _attempt in range(3):
            params = {f"p{i}": v for i, v in enumerate(values.values())}
            if rid is not None:
                sets = ", ".join(f'"{c}" = :p{i}' for i, c in enumerate(values))
                sql, params["id"] = f"UPDATE {entity} SET {sets} WHERE id = :id", rid
            else:
                cols = [*values, "uid"] + (["id"] if new_id is not None else [])
                params["uid"], params["id"] = uid, new_id
                holes = [f":p{i}" for i in range(len(values))] + [":uid"] + ([":id"] if new_id is not None else [])
                quoted = ", ".join(f'"{c}"' for c in cols)
                sql = f"INSERT INTO {entity} ({quoted}) VALUES ({', '.join(holes)})"
            try:
                self.conn.exec_driver_sql(sql, params)
                return True
            except IntegrityError as exc:  # SQLite undid just this statement; the transaction goes on
                names = _unique_columns(str(exc.orig))
                if not names or not self._settle_unique(entity, uid, names, values):
                    log.warning("sync: %s %s not written: %s", entity, uid, exc.orig)
                    return False
        return False

    def _settle_unique(self, entity: str, uid: str, names: list[str], values: dict) -> bool:
        """Two rows with one unique value: the larger uid yields, renamed "name (abcd)" (or, where
        renaming cannot help, deleted), as a change of this device sent like any other, so every
        device ends alike. True to try the write again."""
        if "uid" in names or "id" in names:
            return False
        where = " AND ".join(f'"{n}" = :w{i}' for i, n in enumerate(names))
        wp = {f"w{i}": values.get(n) for i, n in enumerate(names)}
        for n, i in ((n, i) for i, n in enumerate(names) if n not in values):  # an unchanged column of the row
            wp[f"w{i}"] = self.conn.exec_driver_sql(f'SELECT "{n}" FROM {entity} WHERE uid = ?', (uid,)).scalar()
        other = self.conn.exec_driver_sql(f"SELECT id, uid FROM {entity} WHERE {where} AND uid <> :me",
                                          {**wp, "me": uid}).first()
        if other is None:
            return False
        renamable = [n for n in names if n in ("name", "title") and isinstance(values.get(n), str)]
        if renamable:
            col = renamable[0]
            if uid > other.uid:
                values[col] = f"{values[col]} ({uid[-4:]})"
                self._renames.append((entity, uid, col))
            else:
                self.conn.exec_driver_sql(f'UPDATE {entity} SET "{col}" = "{col}" || :s WHERE id = :i',
                                          {"s": f" ({other.uid[-4:]})", "i": other.id})
                self._clock_change(entity, other.uid, col)
            return True
        if uid > other.uid:
            return False
        rows = self.schema.subtree(self.conn, entity, other.id)
        fresh = (capture.tick(self.conn), self.me)
        self._drop_rows(rows, fresh)
        self.conn.exec_driver_sql(f"DELETE FROM {entity} WHERE id = :i", {"i": other.id})
        for table, _i, row_uid in rows:
            self._outbox(table, row_uid, "del", None, fresh[0])
        self._ids.clear()  # the cascade took rows with it
        return True

    def _stamp_renames(self) -> None:
        for entity, uid, col in self._renames:
            self._clock_change(entity, uid, col)
        self._renames.clear()

    def _clock_change(self, entity: str, uid: str, col: str) -> None:
        """A column the merge itself changed here gets a fresh clock and is sent like a local edit."""
        fresh = (capture.tick(self.conn), self.me)
        base, clocks = row_clocks(self.conn, entity, uid) or (ZERO, {})
        set_row_clocks(self.conn, entity, uid, base, {**clocks, col: fresh})
        self._outbox(entity, uid, "upd", f",{col}", fresh[0])

    def _outbox(self, entity: str, uid: str, op: str, fields: str | None, hlc: int) -> None:
        self.conn.exec_driver_sql("INSERT INTO sync_outbox (entity, uid, op, fields, hlc, folded) "
                                  "VALUES (?, ?, ?, ?, ?, 1)", (entity, uid, op, fields, hlc))

    # -- deletes ----------------------------------------------------------------------
    def _latest(self, rows) -> tuple:
        latest = ZERO
        for table, _i, uid in rows:
            have = row_clocks(self.conn, table, uid)
            if have is not None:
                latest = max([latest, have[0], *have[1].values()])
        return latest

    def _drop_rows(self, rows, clock: tuple, src: str | None = None) -> None:
        for table, _i, uid in rows:
            if clock != (0, ""):
                set_tombstone(self.conn, table, uid, clock, src)
            self.conn.exec_driver_sql("DELETE FROM sync_rows WHERE entity = :e AND uid = :u", {"e": table, "u": uid})

    def _delete(self, entity: str, uid: str, clock: tuple, src: str | None) -> str:
        dead = tombstone(self.conn, entity, uid)
        if dead is not None and dead >= clock:
            return APPLIED
        set_tombstone(self.conn, entity, uid, clock, src)
        rid = self.schema.id_of(self.conn, entity, uid)
        if rid is None:
            return APPLIED
        rows = self.schema.subtree(self.conn, entity, rid)
        if clock > self._latest(rows):
            self._drop_rows(rows, clock, src)
            self.conn.exec_driver_sql(f"DELETE FROM {entity} WHERE id = :i", {"i": rid})
            self._ids.clear()  # the cascade took rows with it
            self.changed += 1
            return APPLIED
        # An edit here is newer than the delete: keep the rows and send them again, newer than the delete.
        fresh = (capture.tick(self.conn), self.me)
        for table, _i, row_uid in rows:
            set_row_clocks(self.conn, table, row_uid, fresh, {})
            self.conn.exec_driver_sql("INSERT INTO sync_outbox (entity, uid, op, fields, hlc, folded) "
                                   "VALUES (:e, :u, 'ins', NULL, :h, 1)", {"e": table, "u": row_uid, "h": fresh[0]})
        return APPLIED


def _unique_columns(message: str) -> list[str]:
    m = _UNIQUE.search(message)
    if not m:
        return []
    return [part.strip().split(".", 1)[-1] for part in m.group(1).split(",") if part.strip()]
