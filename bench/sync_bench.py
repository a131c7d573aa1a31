"""Sync (issue 24): ops written and applied per second, a no-change sync of a big library, the shared folder's size.

- ``sync``: 200 chats × 50 messages (10,000 messages, imported the way a person would) on device A;
  A's sync pass writes their ops (``ops written/s``; the first snapshot is timed on its own) and a
  fresh device B applies them (``ops applied/s``, search index included).
- No-change sync: a library of 2,000 chats × 50 messages (100,000) sent once, then a pass with nothing
  new on the sender and on a receiver (goal < 1 s: listing the folder and the empty outbox).
- The shared folder's size against the database's (gzip'd JSON lines: each device's initial file).

No model is needed; everything runs in one process on the folder transport.
"""

from __future__ import annotations

import time
from pathlib import Path

from big_history import make_history
from common import fresh_home, report

from aigc_desktop.store.db import Database
from aigc_desktop.sync.replica import Replica
from aigc_desktop.sync.transport import FolderTransport


def _ops_in_outbox(db: Database) -> int:
    with db.connect() as conn:
        return conn.exec_driver_sql("SELECT count(DISTINCT entity || uid) FROM sync_outbox").scalar()


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def _db_size(path: Path) -> int:
    db = Database(path)
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))


def _pass(rep: Replica, transport, *, snapshot: bool) -> tuple[float, object]:
    original = Replica.snapshot
    if not snapshot:
        Replica.snapshot = lambda self, transport, listing, initial=False: ("", 0)
    try:
        started = time.perf_counter()
        result = rep.sync(transport)
        return time.perf_counter() - started, result
    finally:
        Replica.snapshot = original


def throughput(chats: int = 200, per_chat: int = 50) -> None:
    home_a, home_b = fresh_home(), fresh_home()
    shared = fresh_home()
    transport = FolderTransport(shared / "AIGC-Sync" / "default")
    started = time.perf_counter()
    db_a = Database(make_history(home_a, chats, per_chat))
    print(f"# sync: {chats * per_chat:,} messages imported in {time.perf_counter() - started:.1f} s", flush=True)
    ops = _ops_in_outbox(db_a)
    a = Replica(db_a, "benchdeviceaaaa", "A")
    seconds, result = _pass(a, transport, snapshot=False)
    assert result.sent == ops, (result.sent, ops)
    report("sync_ops_written", ops / seconds, "ops/s", "-")
    db_b = Database(home_b / "data" / "conversations.sqlite3")
    b = Replica(db_b, "benchdevicebbbb", "B")
    seconds, result = _pass(b, transport, snapshot=False)
    assert result.received >= ops, (result.received, ops)  # and each chat's current branch, set once its reply is in
    report("sync_ops_applied", ops / seconds, "ops/s", "-")
    started = time.perf_counter()
    a.snapshot(transport, a.listing(transport))
    print(f"# sync: A's snapshot of {ops:,} rows in {time.perf_counter() - started:.2f} s", flush=True)
    db_a.close()
    db_b.close()


def no_change(chats: int = 2000, per_chat: int = 50) -> None:
    home_a, home_b = fresh_home(), fresh_home()
    shared = fresh_home()
    transport = FolderTransport(shared / "AIGC-Sync" / "default")
    started = time.perf_counter()
    path_a = make_history(home_a, chats, per_chat)
    print(f"# no-change: {chats * per_chat:,} messages imported in {time.perf_counter() - started:.1f} s", flush=True)
    db_a = Database(path_a)
    a = Replica(db_a, "benchdeviceaaaa", "A")
    seconds, result = _pass(a, transport, snapshot=True)
    print(f"# no-change: first pass sent {result.sent:,} ops (its initial file) in {seconds:.1f} s", flush=True)
    db_b = Database(home_b / "data" / "conversations.sqlite3")
    b = Replica(db_b, "benchdevicebbbb", "B")
    seconds, result = _pass(b, transport, snapshot=True)
    print(f"# no-change: a new device took in {result.received:,} rows in {seconds:.1f} s", flush=True)
    times = []
    for rep in (a, b, a, b):
        seconds, result = _pass(rep, transport, snapshot=True)
        assert result.sent == 0 and result.received == 0, result
        times.append(seconds)
    report("sync_no_change_100k", max(times), "s", "< 1 s")
    db_a.close()
    db_b.close()
    shared_size, db_size = _size(shared), _db_size(path_a)
    print(f"# no-change: shared folder {shared_size / 2**20:.1f} MiB, database {db_size / 2**20:.1f} MiB", flush=True)
    report("sync_shared_vs_db", shared_size / db_size, "× database size", "-")


def run() -> None:
    throughput()
    no_change()


if __name__ == "__main__":
    run()
