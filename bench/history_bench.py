"""History at scale: importing 100,000 messages, and searching them.

Both use the generated history of ``big_history`` (2,000 chats × 50 messages of
mixed Chinese and English). No model is needed.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from pathlib import Path

from big_history import write_chatgpt_export
from common import fresh_home, median, report

CHATS, PER_CHAT = 2000, 50
# A common word, a two-word phrase, a common and a rare two-character Chinese
# word and a single character (all shorter than a trigram), a four-character
# phrase, and a term found in one message only.
QUERIES = ("model", "model generates", "模型", "龘靐", "天", "自然语言", "ref-01234")
SEARCH_LIMIT = 100  # what the window asks for
ROUNDS = 5

_state: dict = {}


def _imported_home() -> tuple[Path, float]:
    """A fresh home with the big history imported; the import's seconds (done once per run)."""
    if "home" not in _state:
        from aigc_desktop.importers import import_file
        from aigc_desktop.paths import app_paths
        from aigc_desktop.store.conversations import ConversationStore
        from aigc_desktop.store.db import Database

        export = write_chatgpt_export(Path(tempfile.mkdtemp(prefix="aigc-bench-export-")) / "conversations.json",
                                      CHATS, PER_CHAT)
        home = fresh_home()
        atexit.register(shutil.rmtree, home, ignore_errors=True)  # ~100 MB
        db = Database(app_paths().ensure().database)  # migrations are not part of the import
        t, cpu = time.perf_counter(), time.process_time()
        ids = import_file(ConversationStore(db), export)
        seconds, cpu = time.perf_counter() - t, time.process_time() - cpu
        db.close()
        assert len(ids) == CHATS, (len(ids), ids.skipped)
        shutil.rmtree(export.parent)
        _state.update(home=home, import_s=seconds, import_cpu_s=cpu)
    return _state["home"], _state["import_s"]


def import_speed() -> None:
    """``import_file`` of a ChatGPT export with 100,000 messages into an empty history."""
    _, seconds = _imported_home()
    report(f"import_{CHATS * PER_CHAT}_messages", seconds, "s", f"< 10; {_state['import_cpu_s']:.1f} s of CPU")


def search_speed() -> None:
    """``store.search`` over 100,000 messages: each query's median of a few rounds, and the worst."""
    import os

    from aigc_desktop.paths import HOME_ENV, app_paths
    from aigc_desktop.store.db import Database
    from aigc_desktop.store.search import search

    home, _ = _imported_home()
    os.environ[HOME_ENV] = str(home)
    db = Database(app_paths().database)
    times = {}
    for q in QUERIES:
        search(db, q, limit=SEARCH_LIMIT)  # warm the page cache, as a second keystroke would
        runs = []
        for _ in range(ROUNDS):
            t = time.perf_counter()
            hits = search(db, q, limit=SEARCH_LIMIT)
            runs.append(time.perf_counter() - t)
        times[q] = median(runs) * 1000
        report(f"search_{CHATS * PER_CHAT}_messages[{q}]", times[q], "ms", f"info; {len(hits)} hits")
    worst = max(times, key=times.get)
    report(f"search_{CHATS * PER_CHAT}_messages_worst", times[worst], "ms", f"< 50; worst query {worst!r}")
    db.close()


if __name__ == "__main__":
    import_speed()
    search_speed()
