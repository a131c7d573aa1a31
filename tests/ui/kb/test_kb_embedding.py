"""Changing a base's embedding model in the window re-embeds every passage with a real llama.cpp
embedder (the starter model in embedding mode: poor vectors, right mechanics), on the engine thread."""

from __future__ import annotations

import threading

from tests.ui.kb.corpus import make_corpus


def test_choosing_an_embedding_model_re_embeds_on_the_engine_thread(qtbot, tmp_path, make_window, starter_model,
                                                                     monkeypatch):
    from aigc_desktop.llm.embedder import LlamaEmbedder

    threads = []
    real_embed = LlamaEmbedder.embed

    def embed(self, texts):
        threads.append(threading.get_ident())
        return real_embed(self, texts)

    monkeypatch.setattr(LlamaEmbedder, "embed", embed)
    win = make_window(load_model=False)
    kb = win.knowledge.controller
    kb.create("向量")
    with qtbot.waitSignal(kb.finished, timeout=60_000):
        kb.add_sources("向量", [str(make_corpus(tmp_path))])
    kbw = win.knowledge.show_window()
    panel = kbw.panel
    assert panel.model_box.currentData() is None
    monkeypatch.setattr(win.prompts, "ask_open_path", lambda *a: str(starter_model))
    other = panel.model_box.findData("\0other")
    with qtbot.waitSignal(kb.finished, timeout=120_000) as done:
        panel.model_box.setCurrentIndex(other)
        panel.model_box.activated.emit(other)
    result = done.args[0]
    chunks = kb.get("向量").chunks
    assert result.action == "model" and result.report["embedded"] == chunks > 0
    assert threads and set(threads) == {win.engine.worker.thread_id}  # never the GUI thread
    assert kb.get("向量").embedding_model == str(starter_model.resolve())
    assert panel.model_box.currentData() == str(starter_model.resolve())  # shown as the base's model now
    # A search now embeds the query too, on the engine thread as well.
    before = len(threads)
    panel.search.box.setText("故乡")
    panel.search.button.click()
    qtbot.waitUntil(lambda: bool(panel.search.hits), timeout=60_000)
    assert len(threads) > before and set(threads) == {win.engine.worker.thread_id}
