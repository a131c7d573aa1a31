"""A section's run and the version the article uses: a run that stops or fails never takes a
finished version's place.

A run's version is stored ``drafting`` before any token (:func:`begin_run`). It becomes
the section's chosen version (``current_version_id``, what the article, Copy, Export and
``write export`` use) at once only when the chosen one is not finished text, so a section
never drafted shows its text as it arrives, while a finished one stays what an export
from another process gets meanwhile. :func:`finish_run` then makes a finished run the
chosen version; a stopped or failed one is kept as another version the person can pick,
and one that added no text at all (a remote server that refused, Stop before the first
token) keeps no version. A killed process is finished by :func:`recover` at the next start.

A section's status is its chosen version's (``done``, ``stopped``…), except ``drafting``
while a run writes into it.
"""

from __future__ import annotations

from sqlalchemy import delete, select, update

from aigc_desktop.store.db import reserve_ids
from aigc_desktop.store.document_tables import sections, status_of, touch, version_status, versions
from aigc_desktop.store.schema import utcnow


def _chosen(conn, section_id: int):
    """The section's row: its chosen version's id and its status."""
    return conn.execute(select(sections.c.current_version_id, sections.c.status)
                        .where(sections.c.id == section_id)).first()


def begin_run(conn, section_id: int, text: str, prompt: str, stats: dict) -> tuple[int, object]:
    """Store a run's version (``text`` is what it starts from) and mark the section ``drafting``;
    returns (the version's id, its creation time). The chosen version's id is kept in the run's
    stats as ``previous``, for :func:`finish_run`."""
    sec = _chosen(conn, section_id)
    chosen = status_of(conn, sec.current_version_id)
    # an older database's versions may not say; a done section's chosen one is finished
    finished = sec.current_version_id is not None and (chosen == "done" or (chosen is None and sec.status == "done"))
    now = utcnow()
    vid = reserve_ids(conn, "section_versions", 1)
    conn.execute(versions.insert().values(id=vid, section_id=section_id, text=text, prompt=prompt, created_at=now,
                                          stats={**stats, "status": "drafting", "previous": sec.current_version_id}))
    values = {"status": "drafting"}
    if not finished:
        values["current_version_id"] = vid
    conn.execute(update(sections).where(sections.c.id == section_id).values(**values))
    touch(conn, section_id)
    return vid, now


def finish_run(conn, section_id: int, version_id: int, text: str, stats: dict, status: str, prefix: str) -> bool:
    """The run's last write: its text and stats, the chosen version and the section's status.
    True when its version is kept (``done``, or it added something to ``prefix``)."""
    stored = conn.execute(select(versions.c.stats).where(versions.c.id == version_id)).first()
    if stored is None:  # finished already (a second Ctrl+C while the first finish wrote)
        return False
    kept = status == "done" or text != prefix
    if kept:
        conn.execute(update(versions).where(versions.c.id == version_id)
                     .values(text=text, stats={**stats, "status": status}))
    else:
        conn.execute(delete(versions).where(versions.c.id == version_id))
    current = _chosen(conn, section_id).current_version_id
    if status == "done" or current == version_id and kept:
        current, chosen = version_id, status
    elif current == version_id:  # it was shown for want of a finished one: the one before comes back
        current = (stored.stats or {}).get("previous")
        chosen = status if current is None else status_of(conn, current) or "interrupted"
    else:  # a finished version stayed chosen (an older database's may not say so)
        chosen = status_of(conn, current) or "done"
    conn.execute(update(sections).where(sections.c.id == section_id)
                 .values(current_version_id=current, status=chosen))
    touch(conn, section_id)
    return kept


def recover(conn) -> int:
    """Sections left ``drafting`` by a killed app: the run's version (its text was checkpointed)
    becomes ``interrupted``, and the section takes its chosen version's status. Returns how many."""
    left = conn.execute(select(sections.c.id).where(sections.c.status == "drafting")).scalars().all()
    for sid in left:
        runs = [(vid, stats) for vid, stats in conn.execute(
            select(versions.c.id, versions.c.stats).where(versions.c.section_id == sid)).all()
            if version_status(stats) == "drafting"]
        for vid, stats in runs:
            conn.execute(update(versions).where(versions.c.id == vid).values(stats={**stats, "status": "interrupted"}))
        current = _chosen(conn, sid).current_version_id
        chosen = status_of(conn, current)
        if current is None or chosen == "interrupted" or (chosen is None and not runs):
            chosen = "interrupted"  # the run's own text was shown (an older app's run did not say so)
        conn.execute(update(sections).where(sections.c.id == sid).values(status=chosen or "done"))
    return len(left)
