"""One sync pass of one database against one shared place: receive, send, snapshot, tidy.

Order and crash safety:

0. **Presets**: ``presets.json`` is mirrored into its table (sync/presets.py).
1. **Receive.** List the other devices' folders; read each ops file not applied yet (a ``.tmp``
   leftover or a cut file is skipped and tried again next time); apply them all in one
   transaction that also records them in ``sync_files``. A device that has applied nothing yet
   starts from the newest snapshot and then only the files it does not cover. Presets other
   devices changed are written back to ``presets.json``.
2. **Send.** Fold the outbox, build the ops (committed state, no lock held), write the file
   (temporary name, then rename), then in a second transaction drop the sent outbox entries.
   Killed before that: the same ops are sent again next time (under the same name if nothing
   changed meanwhile, which the transport reports and we take as sent); applying twice changes
   nothing.
3. **Snapshot** on the first sync and then every ``SNAPSHOT_EVERY`` files of this device.
4. **Tidy**: tombstones every known device has seen, or older than 180 days, are dropped.

Nothing else is read from or written to the shared place: no database, WAL, settings or keys.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import text

from aigc_desktop.store.db import Database
from aigc_desktop.sync import capture, layout, presets
from aigc_desktop.sync.apply import Applier
from aigc_desktop.sync.outbox import fold, op_clock, pending_ops, sent, snapshot_ops, wall_ms
from aigc_desktop.sync.rows import Schema
from aigc_desktop.sync.transport import AlreadyThere, Transport

log = logging.getLogger(__name__)

SNAPSHOT_EVERY = 200
APPLY_CHUNK = 2000  # ops per transaction when applying
TOMBSTONE_DAYS = 180


@dataclass
class PassResult:
    sent: int = 0  # ops written
    received: int = 0  # rows changed here by other devices' ops
    files_read: int = 0
    skipped: list[str] = field(default_factory=list)  # files left for next time (incomplete, unreadable)


class Replica:
    """``Replica(db, device_id, device_name, seal=…, unseal=…).sync(transport)``.

    ``seal(bytes) -> bytes`` / ``unseal(bytes) -> bytes`` wrap files (encryption); identity by default.
    """

    def __init__(self, db: Database, device_id: str, device_name: str = "", *,
                 seal: Callable[[bytes], bytes] | None = None, unseal: Callable[[bytes], bytes] | None = None,
                 now: Callable[[], datetime] | None = None, presets_file: Path | None = None) -> None:
        self.db, self.me, self.name = db, device_id, device_name
        self.presets_file = presets_file  # presets.json, mirrored as rows (sync/presets.py); None: not synced
        self.seal = seal or (lambda b: b)
        self.unseal = unseal or (lambda b: b)
        self.now = now or (lambda: datetime.now(timezone.utc))

    def sync(self, transport: Transport, cancel=None) -> PassResult:
        result = PassResult()
        mine = layout.device_dir(self.me)
        transport.ensure_dir(mine)
        listing = self.listing(transport)
        seen = presets.mirror_in(self.db, self.presets_file) if self.presets_file else None
        first = self._meta("first_pass") is None
        if first and not self._empty():
            # What this device had before it first synced, before anything is received (so the
            # snapshot every other device reads holds this device's own rows only).
            result.sent += self.snapshot(transport, listing, initial=True)[1]
        self.receive(transport, listing, result, cancel)
        if first:
            self._set_meta("first_pass", self.now().isoformat())
        if self.presets_file:
            presets.mirror_out(self.db, self.presets_file, seen)
        if cancel is not None and cancel.is_set():
            return result
        self.send(transport, listing, result)
        self.tidy()
        return result

    # -- the shared place -------------------------------------------------------------
    def listing(self, transport: Transport) -> dict[str, list]:
        """Each device's finished files (``.tmp`` leftovers and foreign names left out)."""
        out = {}
        for d in transport.list(layout.DEVICES):
            if d.is_dir:
                out[d.name] = [e for e in transport.list(d.path.rstrip("/")) if not e.is_dir
                               and (layout.OPS.match(e.name) or layout.SNAPSHOT.match(e.name)
                                    or layout.INITIAL.match(e.name))]
        return out

    def _read(self, transport: Transport, path: str) -> tuple[dict, list[dict]]:
        return layout.decode(self.unseal(transport.read(path)))

    def _applied(self) -> dict[str, set[str]]:
        with self.db.connect() as conn:
            rows = conn.exec_driver_sql("SELECT device_id, name FROM sync_files").all()
        out: dict[str, set[str]] = {}
        for dev, name in rows:
            out.setdefault(dev, set()).add(name)
        return out

    # -- receive ----------------------------------------------------------------------
    def receive(self, transport: Transport, listing: dict, result: PassResult, cancel=None) -> None:
        applied = self._applied()
        batches: list[tuple[str, str, dict, list[dict]]] = []  # (device, file, header, ops)
        covered: dict[str, set[str]] = {}
        wanted = {dev: self._wanted(entries) for dev, entries in listing.items() if dev != self.me}
        waiting = {(dev, e.name) for dev, entries in wanted.items() for e in entries
                   if e.name not in applied.get(dev, ())}
        if waiting and not any(dev != self.me for dev in applied):
            self._start_from_snapshot(transport, listing, batches, covered, result, waiting)
        taken = {(dev, name) for dev, name, _h, _o in batches}
        for dev, entries in sorted(wanted.items()):
            for e in entries:
                if cancel is not None and cancel.is_set():
                    break
                if e.name in applied.get(dev, ()) or e.name in covered.get(dev, ()) or (dev, e.name) in taken:
                    continue
                try:
                    header, ops = self._read(transport, e.path)
                except layout.BadFile as exc:
                    log.info("sync: skipping %s for now: %s", e.path, exc)
                    if e.path not in result.skipped:
                        result.skipped.append(e.path)
                    continue
                batches.append((dev, e.name, header, ops))
        if not batches and not covered:
            return
        pairs = sorted(((op, f"{dev}/{name}") for dev, name, _h, ops in batches for op in ops),
                       key=lambda pair: op_clock(pair[0]))
        # Short transactions, so the window's writes (a reply being saved) never wait long; the files
        # are recorded with the last one, so a pass cut in between applies them again (no change twice).
        for start in range(0, len(pairs), APPLY_CHUNK):
            if cancel is not None and cancel.is_set():
                return
            with self.db.transaction() as s:
                conn = s.connection()
                fold(conn, self.me)  # this device's own writes get their clocks before anything is compared
                capture.set_applying(conn, True)
                applier = Applier(conn, Schema(conn), self.me)
                applier.apply(pairs[start:start + APPLY_CHUNK])
                capture.set_applying(conn, False)
                result.received += applier.changed
        with self.db.transaction() as s:
            conn = s.connection()
            for dev, name, header, ops in batches:
                self._seen(conn, dev, header)
                conn.exec_driver_sql("INSERT OR REPLACE INTO sync_files (device_id, name, size, applied_at) "
                                  "VALUES (:d, :n, :s, :t)", {"d": dev, "n": name, "s": len(ops), "t": self.now().isoformat()})
                result.files_read += 1
            for dev, names in covered.items():
                conn.exec_driver_sql("INSERT OR IGNORE INTO sync_files (device_id, name, size, applied_at) "
                                  "VALUES (:d, :n, 0, :t)", [{"d": dev, "n": n, "t": self.now().isoformat()} for n in names])

    @staticmethod
    def _wanted(entries: list) -> list:
        """A device's files another device reads: its initial snapshot, which holds what it had
        before it first synced (rows from before sync was set up have no ops), and its ops files."""
        return sorted((e for e in entries if layout.INITIAL.match(e.name) or layout.OPS.match(e.name)),
                      key=lambda e: e.name)

    def _start_from_snapshot(self, transport, listing, batches, covered, result, waiting) -> None:
        """A device new to the shared place reads the newest snapshot instead of every old file
        (when that snapshot covers some of the files it has not read; else the files are read)."""
        snaps = sorted(((e.name, dev, e) for dev, entries in listing.items() if dev != self.me
                        for e in entries if layout.SNAPSHOT.match(e.name)), reverse=True)
        tried = 0
        for name, dev, e in snaps:
            try:
                header, ops = self._read(transport, e.path)
            except layout.BadFile as exc:
                result.skipped.append(e.path)
                log.info("sync: snapshot %s unusable for now: %s", e.path, exc)
                continue
            covers = {(d, str(n)) for d, names in (header.get("covers") or {}).items()
                      if d != self.me and isinstance(names, list) for n in names}
            if not covers & waiting:
                tried += 1
                if tried >= 3:  # a device's own first snapshots cover nothing: read the files instead
                    return
                continue
            batches.append((dev, name, header, ops))
            for d, n in covers:
                covered.setdefault(d, set()).add(n)
            return

    def _seen(self, conn, dev: str, header: dict) -> None:
        conn.exec_driver_sql("INSERT INTO sync_devices (device_id, name, last_seen, applied) VALUES (:d, :n, :t, :a) "
                          "ON CONFLICT (device_id) DO UPDATE SET name = coalesce(excluded.name, name), "
                          "last_seen = excluded.last_seen, applied = excluded.applied",
                     {"d": dev, "n": header.get("name") or None, "t": self.now().isoformat(),
                      "a": json.dumps(header.get("applied") or {})})

    # -- send -------------------------------------------------------------------------
    def _applied_vector(self, listing: dict) -> dict[str, str]:
        """For each device, its newest file this device has applied with all before it (for tidying)."""
        applied, out = self._applied(), {}
        for dev, entries in listing.items():
            have = applied.get(dev, set())
            for e in sorted(e.name for e in entries if layout.OPS.match(e.name)):
                if e not in have:
                    break
                out[dev] = e
        return out

    def send(self, transport: Transport, listing: dict, result: PassResult) -> None:
        with self.db.transaction() as s:
            conn = s.connection()
            fold(conn, self.me)
            schema = Schema(conn)
            ops, seqs = pending_ops(schema, conn)
        mine = layout.device_dir(self.me)
        own = {e.name for e in listing.get(self.me, [])}
        if ops:
            name = layout.ops_name(min(seqs), max(seqs))
            header = {"kind": "ops", "device": self.me, "name": self.name, "count": len(ops),
                      "applied": self._applied_vector(listing)}
            try:
                transport.write(f"{mine}/{name}", self.seal(layout.encode(header, ops)))
            except AlreadyThere:
                log.info("sync: %s was already sent (a pass killed before it finished)", name)
            with self.db.transaction() as s:
                conn = s.connection()
                sent(conn, seqs)
                conn.exec_driver_sql("INSERT OR REPLACE INTO sync_files (device_id, name, size, applied_at) "
                                  "VALUES (:d, :n, :s, :t)", {"d": self.me, "n": name, "s": len(ops), "t": self.now().isoformat()})
                conn.exec_driver_sql("UPDATE sync_tombstones SET src = :s WHERE src IS NULL", {"s": f"{self.me}/{name}"})
            own.add(name)
            result.sent += len(ops)
        periodic = [n for n in own if layout.SNAPSHOT.match(n)]
        n_ops = sum(1 for n in own if layout.OPS.match(n))
        if n_ops >= SNAPSHOT_EVERY * (len(periodic) + 1):  # for devices that join later
            self.snapshot(transport, listing)

    def _meta(self, key: str) -> str | None:
        with self.db.connect() as conn:
            return conn.exec_driver_sql("SELECT value FROM sync_meta WHERE key = ?", (key,)).scalar()

    def _set_meta(self, key: str, value: str) -> None:
        with self.db.transaction() as s:
            s.connection().exec_driver_sql("INSERT OR REPLACE INTO sync_meta (key, value) VALUES (?, ?)", (key, value))

    def _empty(self) -> bool:
        with self.db.connect() as conn:
            schema = Schema(conn)
            return not any(conn.exec_driver_sql(f"SELECT 1 FROM {t} LIMIT 1").first() for t in schema.tables)

    def snapshot(self, transport: Transport, listing: dict, *, initial: bool = False) -> tuple[str, int]:
        """Write every row and tombstone, for a device that joins later (``initial``: at this device's
        first pass, what it had before it synced, read by every other device); returns (file name, ops)."""
        applied = self._applied()
        covers = {dev: sorted(names) for dev, names in applied.items()}
        with self.db.transaction() as s:
            fold(s.connection(), self.me)  # the rows' clocks as they are now
        with self.db.connect() as conn, conn.begin():  # one read transaction: rows and outbox agree
            schema = Schema(conn)
            hlc = conn.exec_driver_sql("SELECT hlc FROM sync_clock").scalar() or 0
            ops = list(snapshot_ops(schema, conn))
            carried = conn.exec_driver_sql("SELECT seq, entity, uid FROM sync_outbox WHERE folded = 1").all()
            # Ops still waiting for a row are part of what the covered files said.
            ops += [json.loads(raw) for raw in conn.exec_driver_sql("SELECT op FROM sync_pending ORDER BY seq").scalars()]
        name = layout.initial_name(hlc) if initial else layout.snapshot_name(hlc)
        header = {"kind": "snapshot", "device": self.me, "name": self.name, "count": len(ops),
                  "applied": self._applied_vector(listing), "covers": covers}
        try:
            transport.write(f"{layout.device_dir(self.me)}/{name}", self.seal(layout.encode(header, ops)))
        except AlreadyThere:
            pass
        with self.db.transaction() as s:
            conn = s.connection()
            conn.exec_driver_sql("INSERT OR REPLACE INTO sync_files (device_id, name, size, applied_at) "
                                 "VALUES (:d, :n, :s, :t)", {"d": self.me, "n": name, "s": len(ops),
                                                             "t": self.now().isoformat()})
            if initial:  # every device reads the initial file: the outbox entries it carries are sent
                keys = {(op["e"], op["u"]) for op in ops}
                sent(conn, [seq for seq, entity, uid in carried if (entity, uid) in keys])
        return name, len(ops)

    # -- tidy -------------------------------------------------------------------------
    def tidy(self) -> int:
        """Drop tombstones every known device has seen, or older than 180 days; returns how many."""
        with self.db.transaction() as s:
            conn = s.connection()
            cutoff = wall_ms() - TOMBSTONE_DAYS * 86_400_000
            dropped = conn.exec_driver_sql("DELETE FROM sync_tombstones WHERE deleted_at < :c", {"c": cutoff}).rowcount
            devices = {d: json.loads(a or "{}") for d, a in conn.execute(
                text("SELECT device_id, applied FROM sync_devices"))}
            if not devices:
                return dropped
            for entity, uid, src in conn.execute(
                    text("SELECT entity, uid, src FROM sync_tombstones WHERE src IS NOT NULL")).all():
                origin, _sep, file = src.partition("/")
                if all(d == origin or (seen.get(origin) or "") >= file for d, seen in devices.items()):
                    conn.exec_driver_sql("DELETE FROM sync_tombstones WHERE entity = :e AND uid = :u",
                                 {"e": entity, "u": uid})
                    dropped += 1
        return dropped
