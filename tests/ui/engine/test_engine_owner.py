"""One engine, one door: in one window, a chat turn, a document section, a comparison with
local legs (one of which loads another model file) and a Local-API request all reach the
``Llama`` from the engine thread only; and the window's Stop ends a Local-API reply."""

from __future__ import annotations

import shutil
import sys
import threading

import llama_cpp
import openai
import pytest
from PySide6.QtCore import Qt

from tests.ui.conftest import send_and_wait

SHORT = {"max_tokens": 12, "seed": 7}


@pytest.fixture
def llama_threads(monkeypatch):
    """Wrap every public method of ``llama_cpp.Llama`` (and its constructor) to record the
    thread each call runs on."""
    seen: list[tuple[str, str, int]] = []

    def wrap(name, fn):
        def recorded(self, *args, **kwargs):
            # A replaced model is closed on the engine thread; its ``__del__`` calls ``close``
            # again, a no-op, on whichever thread the garbage collector runs: not a use.
            if not (name == "close" and sys._getframe(1).f_code.co_name == "__del__"):
                seen.append((name, threading.current_thread().name, threading.get_ident()))
            return fn(self, *args, **kwargs)
        return recorded

    for name, fn in list(vars(llama_cpp.Llama).items()):
        if callable(fn) and (not name.startswith("_") or name == "__init__") and not isinstance(fn, type):
            monkeypatch.setattr(llama_cpp.Llama, name, wrap(name, fn))
    return seen


def _short_new_chats(monkeypatch) -> None:
    import aigc_desktop.chat.presets as presets

    fields = presets.new_chat_fields
    monkeypatch.setattr(presets, "new_chat_fields", lambda name: {**fields(name), "sampling": SHORT})


def _serve(qtbot, win) -> str:
    with qtbot.wait_signal(win.serve_toggle.stateChanged, timeout=30_000) as started:
        win.serve_toggle.start()
    assert started.args[0].startswith("http://127.0.0.1:")
    return started.args[0]


def test_every_use_of_the_llama_runs_on_the_engine_thread(qtbot, make_window, llama_threads, starter_model,
                                                          monkeypatch, tmp_path):
    """Turn, document section, compare (with a load of another file) and a Local-API request:
    each ``Llama`` call ran on the engine thread, and the window's copy of the model stayed true."""
    _short_new_chats(monkeypatch)
    win = make_window()
    win.documents.draft_max_tokens = 12

    send_and_wait(qtbot, win, "Say hello.")

    assert win.documents.create("Notes", "short", ["One", "Two"])
    with qtbot.wait_signal(win.documents.runFinished, timeout=120_000) as drafted:
        assert win.documents.draft_section()
    assert drafted.args[0] == win.documents.current_id
    assert win.documents.current_section().status == "done"

    other = tmp_path / "copy-of-starter.gguf"
    shutil.copyfile(starter_model, other)
    loads: list[str] = []
    win.engine.loaded.connect(lambda name, _ctx: loads.append(name))
    view = win.show_compare()
    view.set_models([str(starter_model), str(other)])
    view.prompt.setPlainText("Name one colour.")
    with qtbot.wait_signal(view.compareFinished, timeout=180_000) as compared:
        qtbot.mouseClick(view.compare_button, Qt.LeftButton)
    assert compared.args[0] >= 0
    assert "copy-of-starter" in loads  # the other model's load was reported to the window…
    assert win.engine.model.path == starter_model  # …and so was the load back

    url = _serve(qtbot, win)
    result: dict = {}

    def request() -> None:
        api = openai.OpenAI(base_url=url, api_key="none", max_retries=0, timeout=120)
        result["reply"] = api.chat.completions.create(model="x", max_tokens=8,
                                                      messages=[{"role": "user", "content": "Hi"}])

    client = threading.Thread(target=request, name="api-client")
    client.start()
    qtbot.waitUntil(lambda: not client.is_alive(), timeout=120_000)
    assert result["reply"].choices[0].message.content is not None

    engine_thread = win.engine.worker.thread_id
    assert engine_thread is not None
    off = {(name, thread) for name, thread, ident in llama_threads if ident != engine_thread}
    assert llama_threads and off == set(), off
    with qtbot.wait_signal(win.serve_toggle.stateChanged, timeout=30_000):
        win.serve_toggle.stop()


def test_stop_in_the_window_ends_a_local_api_reply(qtbot, make_window):
    """A Local-API reply holds the engine: the composer shows Stop, and Stop ends the reply
    within a token (the stream closes with the tokens already sent)."""
    win = make_window()
    url = _serve(qtbot, win)
    state: dict = {"pieces": 0}
    first = threading.Event()

    def request() -> None:
        api = openai.OpenAI(base_url=url, api_key="none", max_retries=0, timeout=120)
        stream = api.chat.completions.create(
            model="x", max_tokens=2000, stream=True, temperature=0,
            messages=[{"role": "user", "content": "Count from one to one thousand in words."}])
        for chunk in stream:
            if chunk.choices and chunk.choices[0].delta.content:
                state["pieces"] += 1
                first.set()
        state["done"] = True

    client = threading.Thread(target=request, name="api-client")
    client.start()
    qtbot.waitUntil(first.is_set, timeout=60_000)
    qtbot.waitUntil(lambda: win.engine.busy and win.composer.busy, timeout=10_000)
    assert win.composer.button.text() == "Stop"
    with qtbot.wait_signal(win.engine.busyChanged, timeout=10_000):
        qtbot.mouseClick(win.composer.button, Qt.LeftButton)
    pieces_at_stop = state["pieces"]
    qtbot.waitUntil(lambda: state.get("done", False), timeout=10_000)
    client.join(10)
    assert state["pieces"] >= pieces_at_stop and state["pieces"] < 1000  # it did not run to max_tokens
    assert not win.engine.busy and not win.composer.busy
    with qtbot.wait_signal(win.serve_toggle.stateChanged, timeout=30_000):
        win.serve_toggle.stop()
