"""Builds the core services once, for the CLI and the GUI alike: the composition root.

Every service the CLI and the window use is made here, on one database, one settings
writer and one engine: conversations (``store``, ``service``), documents (``documents``,
``writing``), prompt templates, the provider router and its model-id cache. A caller
takes what it needs from the runtime rather than building its own copy on ``rt.db``.
Tests pass their own engine (``open_runtime(engine=ScriptedEngine())``).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from aigc_desktop.chat.service import ChatService
from aigc_desktop.instance import InstanceLock
from aigc_desktop.kb.service import KnowledgeBaseService
from aigc_desktop.llm.engine import LlamaEngine
from aigc_desktop.llm.protocol import Engine
from aigc_desktop.llm.thinking import use_catalog
from aigc_desktop.logs import setup_logging
from aigc_desktop.paths import AppPaths, app_paths
from aigc_desktop.providers.model_cache import FILE_NAME as MODEL_CACHE_FILE
from aigc_desktop.providers.model_cache import ModelCache
from aigc_desktop.providers.router import EngineRouter
from aigc_desktop.settings import Settings, SettingsStore
from aigc_desktop.store.conversations import ConversationStore
from aigc_desktop.store.documents import DocumentStore
from aigc_desktop.store.db import Database
from aigc_desktop.store.templates import TemplateStore
from aigc_desktop.sync.service import SyncService
from aigc_desktop.tools.service import ToolService
from aigc_desktop.writing.service import DocumentService

log = logging.getLogger(__name__)


class SettingsLlamaEngine(LlamaEngine):
    """The local engine, whose loads take their GPU layers from the settings when the
    caller names none: the model's own value (Models window), else the app's (Settings
    dialog). Reading them here, at load time, means the engine thread's load request and
    every CLI command need no new argument, and a changed setting applies at the next load."""

    def __init__(self, settings_store: SettingsStore) -> None:
        super().__init__()
        self._settings_store = settings_store

    def load(self, path, *, n_gpu_layers=None, **kwargs):
        if n_gpu_layers is None:
            n_gpu_layers = self._settings_store.current().gpu_layers_for(path)
        return super().load(path, n_gpu_layers=n_gpu_layers, **kwargs)


@dataclass
class Runtime:
    paths: AppPaths
    settings_store: SettingsStore  # the only writer of settings.json
    db: Database
    store: ConversationStore
    engine: Engine
    service: ChatService
    lock: InstanceLock | None = None  # held while this process may be writing replies
    router: EngineRouter | None = None  # local engine or provider/model, per conversation
    templates: TemplateStore | None = None  # the person's prompt templates (the built-ins are data)
    documents: DocumentStore | None = None  # the writing studio's documents
    writing: DocumentService | None = None  # outline, draft and continue documents (local or provider models)
    model_cache: ModelCache | None = None  # each provider's model ids as last listed
    kb: KnowledgeBaseService | None = None  # knowledge bases: sources, index, hybrid search (kb/)
    tools: ToolService | None = None  # MCP servers (mcp.json), their connections, remembered approvals (tools/)
    sync: SyncService | None = None  # sync with the person's other computers (sync/service.py)

    @property
    def settings(self) -> Settings:
        """The settings as they are now (a snapshot; change them with ``settings_store.update``)."""
        return self.settings_store.current()

    @property
    def sole_instance(self) -> bool:
        """True when no other window or command-line chat was using the data folder."""
        return self.lock is not None

    def close(self) -> None:
        if self.router is not None:
            self.router.close()
        if self.kb is not None:
            self.kb.close()
        if self.tools is not None:
            self.tools.close()  # stops the stdio servers this process started
        self.engine.unload()
        self.db.close()
        if self.lock is not None:
            self.lock.release()
            self.lock = None


def _catalog_reasoning(file_name: str):
    from aigc_desktop.hub.catalog import reasoning_flag

    return reasoning_flag(file_name)


def open_runtime(*, recover: bool = True, hold_lock: bool = False,
                 settings_store: SettingsStore | None = None, engine: Engine | None = None) -> Runtime:
    """Open paths, log, settings and database; recover replies cut by a crash.

    Replies left ``streaming`` are marked ``interrupted`` only when this process
    gets the data folder's instance lock: if a window or a command-line chat
    holds it, those replies may still be being written. ``hold_lock`` keeps the
    lock for the runtime's life (the window, ``chat``); otherwise it is released
    at once.

    ``engine`` replaces the local llama.cpp engine (tests pass a scripted one).

    Raises :class:`aigc_desktop.errors.DatabaseError` for a locked, damaged or
    newer database.
    """
    paths = app_paths().ensure()
    setup_logging(paths.log_file)
    use_catalog(_catalog_reasoning)  # the catalog's reasoning flags for the thinking switch (llm never imports hub)
    settings_store = settings_store or SettingsStore(paths.settings_file)
    db = Database(paths.database)
    store = ConversationStore(db)
    engine = engine if engine is not None else SettingsLlamaEngine(settings_store)
    router = EngineRouter(engine, settings=settings_store)  # opens no connection until a provider is used
    kb = KnowledgeBaseService(db)
    tools = ToolService.open(paths.data, settings=settings_store)  # starts no server until a chat uses one
    service = ChatService(store, engine, router=router, kb=kb, tools=tools)
    documents = DocumentStore(db)
    lock = InstanceLock(paths.data)
    sole = lock.acquire()
    try:
        if recover and sole:
            service.recover()
            documents.recover()  # sections left drafting by a killed app
    finally:
        if sole and not hold_lock:
            lock.release()
    return Runtime(paths, settings_store, db, store, engine, service, lock if sole and hold_lock else None, router,
                   templates=TemplateStore(db), documents=documents, writing=DocumentService(documents, engine, router=router, kb=kb),
                   model_cache=ModelCache(paths.data / MODEL_CACHE_FILE), tools=tools, kb=kb,
                   sync=SyncService(db, settings_store, paths.data))
