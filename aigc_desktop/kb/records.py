"""The knowledge base's plain records (the contract kb-ui and the CLI build against)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class KbInfo:
    id: int
    uid: str
    name: str
    embedding_model: str | None
    sources: list[str] = field(default_factory=list)
    files: int = 0
    chunks: int = 0
    failed: int = 0  # files that could not be read
    indexed_at: datetime | None = None  # the newest file's index time


@dataclass(frozen=True)
class KbFile:
    path: str
    size: int
    mtime: float
    chunks: int
    indexed_at: datetime | None
    error: str | None  # why it could not be read; None when indexed


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    renamed: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    embedded: int = 0  # texts sent to the embedding model
    cancelled: bool = False

    def to_dict(self) -> dict:
        d = asdict(self)
        d["failed"] = [{"file": p, "reason": r} for p, r in self.failed]
        return d


@dataclass(frozen=True)
class Hit:
    kb: str  # the knowledge base's uid
    file: str
    page: int | None
    heading: str
    text: str
    score: float
    start: int
    end: int
    chunk_id: int
    kb_name: str = ""
    sha256: str = ""  # of the file as indexed
    mtime: float = 0.0

    def to_dict(self) -> dict:
        return asdict(self)
