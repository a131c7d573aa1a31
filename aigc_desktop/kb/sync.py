"""Incremental indexing of a knowledge base's sources.

Per file, in order of cost:
- the same size and modification time as indexed → skipped (nothing is read);
- otherwise it is hashed; the same hash as a file that is gone → a rename or move: the row takes
  the new path and nothing is parsed or embedded; the same hash as its own row → only its stat
  is updated;
- a new hash → parsed and chunked again; vectors are keyed by chunk text (:mod:`.vectors`), so
  only chunks whose text changed are embedded;
- a file no longer under any source → its rows go (chunks, keyword rows; vectors no chunk uses
  are swept).
A file that cannot be read is kept with its reason (``kb_files.error``) and the rest go on.
Stop (``cancel``) ends between files or between embedding batches; what was done stays.
"""

from __future__ import annotations

import hashlib
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from aigc_desktop.i18n import _
from aigc_desktop.kb.chunk import chunk_doc
from aigc_desktop.kb.index import KbIndex
from aigc_desktop.kb.parse import ParseError, parse_file, supported
from aigc_desktop.kb.records import KbInfo, SyncReport
from aigc_desktop.kb.vectors import VectorStore

log = logging.getLogger(__name__)

BATCH = 16  # texts per embedding call

Progress = Callable[[int, int, str], None]


def file_hash(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def scan(sources: list[str]) -> tuple[dict[str, tuple[int, float]], list[tuple[str, str]]]:
    """path → (size, mtime) of every file under the sources, and the sources that are missing.

    Folders are read recursively; hidden files and folders and Office lock files (``~$…``) are
    passed over, and so are files of types that cannot be indexed (a file named as a source is
    always taken, to say why it cannot be read)."""
    found: dict[str, tuple[int, float]] = {}
    missing: list[tuple[str, str]] = []
    for src in sources:
        root = Path(src)
        if root.is_file():
            st = root.stat()
            found[str(root)] = (st.st_size, st.st_mtime)
        elif root.is_dir():
            for dirpath, dirnames, filenames in os.walk(root):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    path = Path(dirpath, name)
                    if name.startswith((".", "~$")) or not supported(path):
                        continue
                    try:
                        st = path.stat()
                    except OSError:
                        continue
                    found[str(path)] = (st.st_size, st.st_mtime)
        else:
            missing.append((src, _("Not found (moved, deleted, or a drive not connected).")))
    return found, missing


def sync_kb(index: KbIndex, vectors: VectorStore, kb: KbInfo, embedder_for: Callable[[str], object], *,
            progress: Progress | None = None, cancel: threading.Event | None = None) -> SyncReport:
    report = SyncReport()
    found, missing = scan(kb.sources)
    report.failed += missing
    known = index.file_rows(kb.id)
    gone = {p: r for p, r in known.items() if p not in found}
    todo: list[tuple[str, int, float]] = []
    for path, (size, mtime) in found.items():
        row = known.get(path)
        if row is not None and row.size == size and row.mtime == mtime:
            report.unchanged += 1
            if row.error:
                report.failed.append((path, row.error))
        else:
            todo.append((path, size, mtime))
    by_hash_gone = {r.sha256: (p, r) for p, r in gone.items() if r.sha256 and not r.error}
    step = 0
    for path, size, mtime in todo:
        if cancel is not None and cancel.is_set():
            report.cancelled = True
            break
        step += 1
        if progress:
            progress(step, len(todo), _("Reading {name}").format(name=Path(path).name))
        try:
            digest = file_hash(path)
        except OSError as exc:
            report.failed.append((path, _("Cannot read the file: {reason}").format(reason=exc.strerror or exc)))
            continue
        row = known.get(path)
        if row is not None and row.sha256 == digest and not row.error:
            index.restat_file(row.id, size, mtime)
            report.unchanged += 1
            continue
        if row is None and digest in by_hash_gone:
            old_path, old = by_hash_gone.pop(digest)
            gone.pop(old_path, None)
            index.move_file(old.id, kb.id, path, size, mtime)
            report.renamed += 1
            continue
        try:
            chunks = chunk_doc(parse_file(path))
            error = None
        except ParseError as exc:
            chunks, error = [], str(exc)
            report.failed.append((path, error))
        index.write_file(kb.id, path, size=size, mtime=mtime, sha256=digest, chunks=chunks, error=error,
                         file_id=row.id if row is not None else None)
        if error is None:
            if row is None:
                report.added += 1
            else:
                report.updated += 1
    if not report.cancelled:
        index.delete_files(kb.id, [r.id for r in gone.values()])
        report.removed = len(gone)
    if kb.embedding_model and not report.cancelled:
        report.embedded = embed_missing(vectors, kb, embedder_for(kb.embedding_model), progress=progress,
                                        cancel=cancel)
        report.cancelled = bool(cancel is not None and cancel.is_set())
    if not report.cancelled:
        vectors.sweep(kb.id, kb.embedding_model)
    return report


def embed_missing(vectors: VectorStore, kb: KbInfo, embedder, *, progress: Progress | None = None,
                  cancel: threading.Event | None = None) -> int:
    """Embed every chunk text of the base that has no vector for its model; returns how many."""
    todo = vectors.missing(kb.id, kb.embedding_model)
    done = 0
    for i in range(0, len(todo), BATCH):
        if cancel is not None and cancel.is_set():
            break
        batch = todo[i:i + BATCH]
        if progress:
            progress(done, len(todo), _("Embedding passages"))
        matrix = embedder.embed([t for _h, t in batch])
        vectors.put(kb.id, kb.embedding_model, [h for h, _t in batch], matrix)
        done += len(batch)
    if progress and todo:
        progress(done, len(todo), _("Embedding passages"))
    return done
