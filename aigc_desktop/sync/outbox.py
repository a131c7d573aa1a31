"""From captured writes to ops to send: folding the outbox into field clocks, and building ops.

An op is a dict (one JSON line of an ops file):

- ``{"e": table, "u": uid, "k": "put", "n": true|false, "b": [hlc, device], "c": {col: [hlc, device]},
  "f": {col: value}}``: the row's values of the columns in ``f``; ``n`` when ``f`` is the whole row
  (a new row, or a snapshot); a column's clock is ``c[col]``, else the base clock ``b``.
- ``{"e": table, "u": uid, "k": "del", "h": [hlc, device]}``: the row was deleted.

Clocks are ``(hlc, device)`` pairs, compared as tuples: the device id breaks a tie of two
writes in the same tick, the same way on every device.

:func:`fold` turns the triggers' outbox rows into each row's field clocks (``sync_rows``) and
tombstones; it runs at the start of every export and apply, in their transaction. The outbox
rows stay until the file carrying them is written (:func:`sent`), so a killed sync sends them
again next time (applying an op twice changes nothing).
"""

from __future__ import annotations

import json
import time


from aigc_desktop.sync.rows import Schema

ZERO = (0, "")


def wall_ms() -> int:
    return int(time.time() * 1000)


def row_clocks(conn, entity: str, uid: str) -> tuple[tuple, dict] | None:
    row = conn.exec_driver_sql("SELECT base_hlc, base_dev, clocks FROM sync_rows WHERE entity = :e AND uid = :u",
                       {"e": entity, "u": uid}).first()
    if row is None:
        return None
    return (row[0], row[1]), {k: tuple(v) for k, v in json.loads(row[2] or "{}").items()}


def set_row_clocks(conn, entity: str, uid: str, base: tuple, clocks: dict) -> None:
    conn.exec_driver_sql("INSERT OR REPLACE INTO sync_rows (entity, uid, base_hlc, base_dev, clocks) "
                      "VALUES (:e, :u, :h, :d, :c)",
                 {"e": entity, "u": uid, "h": base[0], "d": base[1],
                  "c": json.dumps({k: list(v) for k, v in clocks.items() if tuple(v) != tuple(base)})})


def tombstone(conn, entity: str, uid: str) -> tuple | None:
    row = conn.exec_driver_sql("SELECT hlc, dev FROM sync_tombstones WHERE entity = :e AND uid = :u",
                       {"e": entity, "u": uid}).first()
    return None if row is None else (row[0], row[1])


def set_tombstone(conn, entity: str, uid: str, clock: tuple, src: str | None) -> None:
    conn.exec_driver_sql("INSERT INTO sync_tombstones (entity, uid, hlc, dev, src, deleted_at) "
                      "VALUES (:e, :u, :h, :d, :s, :w) ON CONFLICT (entity, uid) DO UPDATE SET "
                      "hlc = excluded.hlc, dev = excluded.dev, src = excluded.src, deleted_at = excluded.deleted_at "
                      "WHERE (excluded.hlc, excluded.dev) > (sync_tombstones.hlc, sync_tombstones.dev)",
                 {"e": entity, "u": uid, "h": clock[0], "d": clock[1], "s": src, "w": wall_ms()})


def fold(conn, me: str) -> None:
    """Give the rows written locally since the last fold their field clocks (this device's)."""
    rows = conn.exec_driver_sql("SELECT seq, entity, uid, op, fields, hlc FROM sync_outbox WHERE folded = 0 "
                             "ORDER BY seq").all()
    if not rows:
        return
    state: dict[tuple[str, str], tuple | None] = {}
    dead: dict[tuple[str, str], tuple] = {}
    for _seq, entity, uid, op, fields, hlc in rows:
        if uid is None:
            continue
        key = (entity, uid)
        if op == "ins":
            state[key] = ((hlc, me), {})
            dead.pop(key, None)
        elif op == "upd":
            if key not in state:
                state[key] = row_clocks(conn, entity, uid) or (ZERO, {})
            current = state[key] or (ZERO, {})
            base, clocks = current
            for f in (fields or "").split(","):
                if f:
                    clocks[f] = (hlc, me)
            state[key] = (base, clocks)
        elif op == "del":
            state[key] = None
            dead[key] = (hlc, me)
    for (entity, uid), value in state.items():
        if value is None:
            conn.exec_driver_sql("DELETE FROM sync_rows WHERE entity = :e AND uid = :u", {"e": entity, "u": uid})
        else:
            set_row_clocks(conn, entity, uid, *value)
            conn.exec_driver_sql("DELETE FROM sync_tombstones WHERE entity = :e AND uid = :u", {"e": entity, "u": uid})
    for (entity, uid), clock in dead.items():
        set_tombstone(conn, entity, uid, clock, None)
    conn.exec_driver_sql("UPDATE sync_outbox SET folded = 1 WHERE folded = 0 AND seq <= :s", {"s": rows[-1][0]})


def op_clock(op: dict) -> tuple:
    """The newest clock in an op (ops are applied oldest first)."""
    if op["k"] == "del":
        return tuple(op["h"])
    base = tuple(op["b"])
    return max([base, *(tuple(c) for c in op.get("c", {}).values())])


def put_op(schema: Schema, conn, entity: str, uid: str, row: dict, fields, new: bool) -> dict:
    base, clocks = row_clocks(conn, entity, uid) or (ZERO, {})
    cols = list(row) if new else [f for f in fields if f in row]
    return {"e": entity, "u": uid, "k": "put", "n": new, "b": list(base),
            "c": {f: list(clocks[f]) for f in cols if f in clocks}, "f": {f: row[f] for f in cols}}


def pending_ops(schema: Schema, conn) -> tuple[list[dict], list[int]]:
    """The ops to send for the folded outbox, and the outbox seqs they cover (a row still being
    written stays in the outbox for a later file)."""
    rows = conn.exec_driver_sql("SELECT seq, entity, uid, op, fields FROM sync_outbox WHERE folded = 1 "
                             "ORDER BY seq").all()
    groups: dict[tuple[str, str], dict] = {}
    for seq, entity, uid, op, fields in rows:
        if uid is None or entity not in schema.tables:
            continue
        g = groups.setdefault((entity, uid), {"seqs": [], "new": False, "fields": set()})
        g["seqs"].append(seq)
        g["new"] |= op == "ins"
        g["fields"].update(f for f in (fields or "").split(",") if f)
    ops, done = [], [seq for seq, _e, uid, _o, _f in rows if uid is None]
    for (entity, uid), g in groups.items():
        row = schema.read(conn, entity, uid)
        if row is not None:
            if schema.unfinished(row):
                continue
            ops.append(put_op(schema, conn, entity, uid, row, g["fields"], g["new"]))
        else:
            clock = tombstone(conn, entity, uid)
            if clock is not None:
                ops.append({"e": entity, "u": uid, "k": "del", "h": list(clock)})
        done.extend(g["seqs"])
    ops.sort(key=op_clock)
    return ops, done


def sent(conn, seqs: list[int]) -> None:
    """The ops of these outbox rows are in a file in the shared place now."""
    for i in range(0, len(seqs), 500):
        chunk = seqs[i:i + 500]
        conn.exec_driver_sql(f"DELETE FROM sync_outbox WHERE seq IN ({','.join(str(int(s)) for s in chunk)})")


def snapshot_ops(schema: Schema, conn):
    """Every row and tombstone of this database as ops (a snapshot for a new device), parents first."""
    for table in schema.tables:
        for row in conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY id").mappings():
            portable = schema.portable(conn, table, row)
            if row["uid"] is None or schema.unfinished(portable):
                continue
            yield put_op(schema, conn, table, row["uid"], portable, None, True)
    for entity, uid, hlc, dev in conn.exec_driver_sql("SELECT entity, uid, hlc, dev FROM sync_tombstones"):
        yield {"e": entity, "u": uid, "k": "del", "h": [hlc, dev]}
