"""Builds the core services once, for the CLI and the GUI alike."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aigc_desktop.chat.service import ChatService
from aigc_desktop.llm.engine import Engine
from aigc_desktop.logs import setup_logging
from aigc_desktop.paths import AppPaths, app_paths
from aigc_desktop.settings import Settings
from aigc_desktop.store.conversations import ConversationStore
from aigc_desktop.store.db import Database

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    paths: AppPaths
    settings: Settings
    db: Database
    store: ConversationStore
    engine: Engine
    service: ChatService

    def close(self) -> None:
        self.engine.unload()
        self.db.close()


def open_runtime(*, recover: bool = True) -> Runtime:
    """Open paths, log, settings and database; recover replies cut by a crash.

    Raises :class:`aigc_desktop.errors.DatabaseError` for a locked, damaged or
    newer database.
    """
    paths = app_paths().ensure()
    setup_logging(paths.log_file)
    settings = Settings.load(paths.settings_file)
    db = Database(paths.database)
    store = ConversationStore(db)
    engine = Engine()
    service = ChatService(store, engine)
    if recover:
        service.recover()
    return Runtime(paths, settings, db, store, engine, service)
