"""What each committed write changed, told to whoever listens: the window's change bus
(``ui/kit/changes.py``) refreshes the sidebar, search results and document list from it,
so no caller has to remember to.

It works at the level of SQL statements (SQLAlchemy's ``before_cursor_execute`` and
``commit`` events on the engine), not of ORM objects, because the stores write both ways:
conversations through the ORM, documents and templates through Core ``update``/``delete``,
and an import with one ``INSERT … SELECT``. Every path ends in a statement and a commit,
so none can forget to announce itself. A change is the set of ``(table, op)`` pairs of one
transaction (op: ``insert``, ``update``, ``delete``); a rolled-back transaction announces
nothing. Listeners are called on the thread that committed, once the commit is done
(:meth:`ChangeFeed.flush`, called by ``Database.transaction`` when its block has
committed: SQLAlchemy's ``commit`` event fires before the database commits, when another
connection could not yet read the rows).
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)

_WRITE = re.compile(r'^\s*(INSERT(?:\s+OR\s+\w+)?\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)',
                    re.IGNORECASE)
_OPS = {"INSERT": "insert", "REPLACE": "insert", "UPDATE": "update", "DELETE": "delete"}

Change = frozenset  # of (table, op) pairs


def touches(change: Change, table: str, *ops: str) -> bool:
    """Did ``change`` write ``table`` (with one of ``ops``, or any op when none is named)?"""
    return any(t == table and (not ops or op in ops) for t, op in change)


class ChangeFeed:
    """``add_listener(fn)``: ``fn(change)`` after each commit that wrote something."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event  # here: the window imports ``touches`` before SQLAlchemy

        self._listeners: list[Callable[[Change], None]] = []
        self._lock = threading.Lock()
        self._committed = threading.local()  # what this thread's commits wrote, until flush
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", self._rollback)

    def add_listener(self, fn: Callable[[Change], None]) -> None:
        with self._lock:
            self._listeners.append(fn)

    def remove_listener(self, fn: Callable[[Change], None]) -> None:
        with self._lock:
            if fn in self._listeners:
                self._listeners.remove(fn)

    def _statement(self, conn, _cursor, statement, _params, _context, _executemany) -> None:
        m = _WRITE.match(statement)
        if m is None:
            return
        op = _OPS[m.group(1).split()[0].upper()]
        table = m.group(2)
        if table.startswith(("sqlite_", "messages_fts", "alembic")):
            return
        conn.info.setdefault("changes", set()).add((table, op))

    def _commit(self, conn) -> None:
        pending = conn.info.pop("changes", None)
        if pending:
            self._committed.__dict__.setdefault("changes", set()).update(pending)

    def flush(self) -> None:
        """Announce what this thread's finished commits wrote (called after the commit)."""
        pending = self._committed.__dict__.pop("changes", None)
        if not pending:
            return
        change = frozenset(pending)
        with self._lock:
            listeners = list(self._listeners)
        for fn in listeners:
            try:
                fn(change)
            except Exception:  # a listener's bug must not fail the write that already committed
                log.exception("change listener failed")

    def _rollback(self, conn) -> None:
        conn.info.pop("changes", None)
