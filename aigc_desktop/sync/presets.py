"""The person's presets travel as rows: ``presets.json`` mirrored to and from the ``presets`` table.

Presets live in ``presets.json`` in the config folder (``chat/presets.py``), read and written by
the window and the CLI; moving them into the database would change every caller for one
feature. Instead each sync pass mirrors the file into the ``presets`` table before it sends
(:func:`mirror_in`: local writes, so the capture triggers make ops of them, per field, and a
preset removed from the file becomes a delete) and writes back what other devices changed
after it receives (:func:`mirror_out`). A preset is known by its name on one device; two
devices that both made "写作" get two rows and the later-uid one is renamed "写作 (abcd)" on
both (sync/apply.py). The file's format is ``chat/presets.py``'s: a list of ``{"name",
"system_prompt", "sampling"}``; a preset from elsewhere with sampling values this version
refuses, or a built-in's name, is left out of the file (the row stays).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from sqlalchemy import text

from aigc_desktop.store.db import Database

log = logging.getLogger(__name__)


def _read(path: Path) -> list[dict] | None:
    """The file's presets in order; None when it cannot be read (then nothing is mirrored either way)."""
    if not path.exists():
        return []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return [{"name": str(p["name"]), "system_prompt": str(p.get("system_prompt") or ""),
                 "sampling": dict(p.get("sampling") or {})} for p in raw]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        log.warning("sync: presets file %s unreadable; presets not synced this time", path)
        return None


def _rows(conn) -> dict[str, dict]:
    return {r.name: {"name": r.name, "system_prompt": r.system_prompt or "", "sampling": json.loads(r.sampling or "{}")}
            for r in conn.execute(text("SELECT name, system_prompt, sampling FROM presets"))}


def _has_table(conn) -> bool:
    return conn.execute(text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'presets'")).first() is not None


def mirror_in(db: Database, path: Path) -> list[dict] | None:
    """Make the table what the file says; returns the file's presets as read (for :func:`mirror_out`)."""
    from aigc_desktop.store.uids import new_uid

    presets = _read(path)
    if presets is None:
        return None
    with db.transaction() as s:
        conn = s.connection()
        if not _has_table(conn):
            return None
        rows = _rows(conn)
        names = set()
        for p in presets:
            names.add(p["name"])
            values = {"n": p["name"], "sp": p["system_prompt"], "sa": json.dumps(p["sampling"], sort_keys=True)}
            if p["name"] not in rows:
                conn.execute(text("INSERT INTO presets (uid, name, system_prompt, sampling) VALUES (:u, :n, :sp, :sa)"),
                             {**values, "u": new_uid()})
            elif rows[p["name"]] != p:
                conn.execute(text("UPDATE presets SET system_prompt = :sp, sampling = :sa WHERE name = :n"), values)
        # Only a preset that was in the file and is gone was deleted here; one the file never took
        # (a built-in's name, refused values) stays a row.
        for name in (set(rows) - names) & _seen(conn):
            conn.execute(text("DELETE FROM presets WHERE name = :n"), {"n": name})
        _set_seen(conn, names)
    return presets


def _seen(conn) -> set[str]:
    raw = conn.execute(text("SELECT value FROM sync_meta WHERE key = 'presets_seen'")).scalar()
    return set(json.loads(raw)) if raw else set()


def _set_seen(conn, names) -> None:
    conn.execute(text("INSERT OR REPLACE INTO sync_meta (key, value) VALUES ('presets_seen', :v)"),
                 {"v": json.dumps(sorted(names), ensure_ascii=False)})


def mirror_out(db: Database, path: Path, before: list[dict] | None) -> bool:
    """Write into the file what other devices changed (``before``: the file as :func:`mirror_in` read it;
    a preset edited in the file since is left alone, the next pass sends it). True if the file changed."""
    from aigc_desktop.chat.presets import BUILTINS
    from aigc_desktop.errors import UserError
    from aigc_desktop.llm.sampling import SamplingParams

    if before is None:
        return False
    with db.connect() as conn:
        if not _has_table(conn):
            return False
        rows = _rows(conn)
    now = _read(path)
    if now is None:
        return False
    old = {p["name"]: p for p in before}
    current = {p["name"]: p for p in now}
    builtin = {b.name for b in BUILTINS}
    out, changed = [], False
    for p in now:
        name = p["name"]
        if old.get(name) != p:  # edited here while we synced: the file wins for now
            out.append(p)
        elif name in rows:
            out.append(rows[name])
            changed |= rows[name] != p
        else:
            changed = True  # deleted on another device
    for name, row in rows.items():
        if name in current or name in old or name in builtin:
            continue
        try:
            SamplingParams.from_dict(row["sampling"])  # refused values raise; the row's own values are kept
        except (UserError, TypeError, ValueError):
            log.warning("sync: preset %r from another device has sampling values this version refuses", name)
            continue
        out.append(row)
        changed = True
    if changed:
        tmp = path.with_suffix(".tmp")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
            tmp.replace(path)
        except OSError as exc:
            log.warning("sync: could not write %s: %s", path, exc)
            return False
        with db.transaction() as s:
            _set_seen(s.connection(), {p["name"] for p in out})
    return changed
