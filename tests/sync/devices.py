"""In-process devices for sync tests: each its own database, all one shared folder; no GUI, no model."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import text

from aigc_desktop.store.conversations import ConversationStore
from aigc_desktop.store.db import Database
from aigc_desktop.store.documents import DocumentStore
from aigc_desktop.store.templates import TemplateStore
from aigc_desktop.sync import capture
from aigc_desktop.sync.replica import Replica
from aigc_desktop.sync.rows import Schema
from aigc_desktop.sync.transport import FolderTransport

DAY_MS = 86_400_000


class Device:
    """``Device(tmp, "A", shared)``: ``store`` to write chats, ``sync()`` one pass, ``state()`` to compare."""

    def __init__(self, root: Path, name: str, shared: Path) -> None:
        self.name = name
        self.id = f"dev{name.lower()}0000"
        self.db = Database(Path(root) / name / "conversations.sqlite3")
        self.store = ConversationStore(self.db)
        self.documents = DocumentStore(self.db)
        self.templates = TemplateStore(self.db)
        self.presets_file = Path(root) / name / "presets.json"
        self.replica = Replica(self.db, self.id, name, presets_file=self.presets_file)
        self.shared = Path(shared)
        self.transport = FolderTransport(self.shared / "AIGC-Sync" / "default")

    def sync(self, transport=None):
        return self.replica.sync(transport or self.transport)

    def set_clock(self, offset_ms: int) -> None:
        """This device's wall clock is ``offset_ms`` off (the injectable clock)."""
        with self.db.transaction() as s:
            capture.set_skew(s.connection(), offset_ms)

    def state(self) -> dict:
        """Every synced row by table and uid, with references as uids (local ids differ between devices)."""
        out = {}
        with self.db.connect() as conn:
            schema = Schema(conn)
            for table in schema.tables:
                rows = conn.execute(text(f"SELECT * FROM {table}")).mappings().all()
                out[table] = {r["uid"]: schema.portable(conn, table, r) for r in rows}
        return out

    def conv_by_uid(self, uid: str):
        with self.db.connect() as conn:
            cid = conn.execute(text("SELECT id FROM conversations WHERE uid = :u"), {"u": uid}).scalar()
        return None if cid is None else self.store.get(cid)

    def uid_of(self, table: str, row_id: int) -> str:
        with self.db.connect() as conn:
            return conn.execute(text(f"SELECT uid FROM {table} WHERE id = :i"), {"i": row_id}).scalar()

    def presets(self) -> dict[str, dict]:
        if not self.presets_file.exists():
            return {}
        return {p["name"]: p for p in json.loads(self.presets_file.read_text(encoding="utf-8"))}

    def save_presets(self, presets: list[dict]) -> None:
        """As chat/presets.py writes the file (its functions use the app's config folder)."""
        self.presets_file.write_text(json.dumps(presets, ensure_ascii=False), encoding="utf-8")

    def contents(self, conv_id: int) -> list[str]:
        return sorted(m.content for m in self.store.messages(conv_id))

    def close(self) -> None:
        self.db.close()


def exchange(*devices, rounds: int = 2) -> None:
    """Every device syncs, twice round, so each has sent and received everything."""
    for _ in range(rounds):
        for d in devices:
            d.sync()
