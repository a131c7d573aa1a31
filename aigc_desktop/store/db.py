"""The one SQLAlchemy engine: pragmas, migrations, short transactional sessions.

Like qutebrowser's SQL layer: WAL on, foreign keys on, every write inside a
transaction, and a database written by a newer version of the app is refused
rather than "upgraded" into something it does not understand.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError as SQLDatabaseError
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from aigc_desktop.errors import DatabaseError
from aigc_desktop.i18n import _

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest migration. A test checks it against Alembic's script directory;
# when the database is already there, start-up skips importing Alembic (~0.8 s).
HEAD_REVISION = "0016"


def _alembic_config(engine: Engine):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def _on_connect(dbapi_conn: sqlite3.Connection, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA busy_timeout = 5000")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.close()


def _disk_nearly_full(path: Path | None) -> bool:
    """SQLite reports a full disk as a plain "disk I/O error" when it cannot grow its
    ``-shm`` file; the free space tells the two apart."""
    from aigc_desktop.diskspace import free_bytes

    try:
        return path is not None and free_bytes(Path(path).parent) < 1 * 2**20
    except OSError:
        return False


def describe_db_error(exc: BaseException, path: Path | None = None) -> str:
    """A message a person can act on for a database failure."""
    text_ = str(getattr(exc, "orig", exc)).lower()
    where = f" ({path})" if path else ""
    if "locked" in text_ or "busy" in text_:
        return _("The conversation database{where} is locked by another program. Close it and try again.").format(where=where)
    if "disk" in text_ and "full" in text_ or "no space" in text_ or "disk i/o" in text_ and _disk_nearly_full(path):
        return _("The disk holding the conversation database{where} is full. Free some space and try again.").format(where=where)
    if "not a database" in text_ or "malformed" in text_ or "file is encrypted" in text_:
        return _("The conversation database{where} is damaged or not a database file.").format(where=where)
    if "readonly" in text_ or "read-only" in text_ or "permission" in text_:
        return _("The conversation database{where} cannot be written (read-only or no permission).").format(where=where)
    return _("The conversation database{where} could not be used: {reason}").format(
        where=where, reason=getattr(exc, "orig", exc))


def is_environment_error(exc: BaseException) -> bool:
    """True for failures of the file or the disk (locked, damaged, full, read-only),
    which a person can act on; False for a bug such as a bad SQL statement."""
    if isinstance(exc, OperationalError):
        return True
    text_ = str(getattr(exc, "orig", exc)).lower()
    return any(k in text_ for k in ("malformed", "not a database", "file is encrypted", "disk", "readonly"))


def reserve_ids(conn, table: str, n: int) -> int:
    """Take ``n`` ids above the highest ever given in ``table`` (see migration 0003);
    returns the first. The ORM hook below and the importer's bulk inserts share this rule."""
    conn.execute(
        text(f"UPDATE id_high_water SET value = max(value, (SELECT coalesce(max(id), 0) FROM {table})) + :n "
             "WHERE name = :name"),
        {"n": n, "name": table},
    )
    top = conn.execute(text("SELECT value FROM id_high_water WHERE name = :name"), {"name": table}).scalar()
    if top is None:  # no row (a database from before migration 0003 being upgraded)
        top = conn.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar() + n
    return top - n + 1


def assign_ids(session: Session, _flush_context, _instances) -> None:
    """Before a flush: give new conversations and messages ids above the highest ever
    given, in the order they were added (SQLite alone would reuse a deleted row's id)."""
    from sqlalchemy import inspect

    from aigc_desktop.store.schema import Conversation, Message

    for model in (Conversation, Message):
        new = sorted((o for o in session.new if isinstance(o, model) and o.id is None),
                     key=lambda o: inspect(o).insert_order)
        if not new:
            continue
        first = reserve_ids(session.connection(), model.__tablename__, len(new))
        for i, obj in enumerate(new, start=first):
            obj.id = i


class Database:
    """Owns the engine; hands out short sessions with :meth:`transaction`."""

    def __init__(self, path: Path, *, migrate: bool = True) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(f"sqlite:///{self.path}", future=True)
        event.listen(self.engine, "connect", _on_connect)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        event.listen(self._sessions, "before_flush", assign_ids)
        from aigc_desktop.store.changes import ChangeFeed

        self.changes = ChangeFeed(self.engine)  # what each commit wrote, for the window's views
        if migrate:
            self.migrate()

    # -- schema -----------------------------------------------------------------
    def migrate(self) -> None:
        """Bring the schema to head; refuse a database from a newer app version."""
        try:
            with self.engine.connect() as conn:
                has_table = conn.exec_driver_sql(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='alembic_version'"
                ).first()
                current = conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars().all() \
                    if has_table else []
        except SQLAlchemyError as exc:
            raise DatabaseError(describe_db_error(exc, self.path)) from exc
        if current == [HEAD_REVISION]:
            return
        from alembic import command
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        cfg = _alembic_config(self.engine)
        script = ScriptDirectory.from_config(cfg)
        known = {rev.revision for rev in script.walk_revisions()}
        try:
            with self.engine.connect() as conn:
                current = MigrationContext.configure(conn).get_current_heads()
        except SQLAlchemyError as exc:
            raise DatabaseError(describe_db_error(exc, self.path)) from exc
        unknown = [rev for rev in current if rev not in known]
        if unknown:
            raise DatabaseError(
                _("The conversation database {path} was written by a newer version of "
                  "AIGC Desktop (schema {schema}). Update the app to open it; "
                  "nothing was changed.").format(path=self.path, schema=", ".join(unknown))
            )
        try:
            command.upgrade(cfg, "head")
        except SQLAlchemyError as exc:
            raise DatabaseError(describe_db_error(exc, self.path)) from exc

    def schema_revision(self) -> str | None:
        from alembic.runtime.migration import MigrationContext

        with self.engine.connect() as conn:
            heads = MigrationContext.configure(conn).get_current_heads()
        return heads[0] if heads else None

    # -- sessions ---------------------------------------------------------------
    @contextmanager
    def _user_errors(self) -> Iterator[None]:
        """File and disk failures (locked, damaged, full, read-only) become a
        :class:`DatabaseError` with a message to show; a bug stays a bug."""
        try:
            yield
        except SQLDatabaseError as exc:
            if not is_environment_error(exc):
                raise
            log.exception("database error")
            raise DatabaseError(describe_db_error(exc, self.path)) from exc

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One short session, committed on success, rolled back on error."""
        session = self._sessions()
        try:
            with self._user_errors(), session.begin():
                yield session
        finally:
            session.close()
        self.changes.flush()  # committed: tell the window's views

    @contextmanager
    def connect(self):
        """A plain connection for reads (and FTS queries)."""
        with self._user_errors(), self.engine.connect() as conn:
            yield conn

    def integrity_check(self) -> str:
        try:
            with self.engine.connect() as conn:
                rows = conn.execute(text("PRAGMA integrity_check")).scalars().all()
        except SQLDatabaseError as exc:
            raise DatabaseError(describe_db_error(exc, self.path)) from exc
        return "\n".join(str(r) for r in rows)

    def close(self) -> None:
        self.engine.dispose()
