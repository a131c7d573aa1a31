"""GUI benchmarks, offscreen: event-loop stalls while streaming, opening a long chat."""

from __future__ import annotations

import os
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from common import fresh_home, heartbeat, report  # noqa: E402


def _seed(store, title: str, n: int) -> int:
    conv = store.create(title)
    for i in range(n):
        role = "user" if i % 2 == 0 else "assistant"
        body = (f"Message {i}: some **markdown** text with a list\n\n- one\n- two\n\n"
                + ("```python\nprint('hello')\n```\n" if i % 10 == 1 else "") + "段落 " * 20)
        store.add_message(conv.id, role, body)
    return conv.id


def run() -> None:
    from PySide6.QtCore import QEventLoop
    from PySide6.QtWidgets import QApplication

    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.runtime import open_runtime
    from aigc_desktop.ui.main_window import MainWindow

    fresh_home()
    app = QApplication.instance() or QApplication([])
    rt = open_runtime()
    c500 = _seed(rt.store, "five hundred", 500)
    c1000 = _seed(rt.store, "one thousand", 1000)
    rt.store.update(c500, sampling=SamplingParams(max_tokens=300, temperature=0.7, seed=2).to_dict())
    win = MainWindow(rt)
    win.resize(1200, 800)
    win.show()
    loop = QEventLoop()
    win.modelReady.connect(loop.quit)
    win.model_choice.load_default()
    loop.exec()

    # Opening 1,000 messages: from the click to the view laid out.
    opens = []
    for _ in range(3):
        win.conversations.open(c500)
        app.processEvents()
        t = time.perf_counter()
        win.conversations.open(c1000)
        app.processEvents()
        opens.append(time.perf_counter() - t)

    # Streaming into 500 messages: the longest gap between 5 ms heartbeats.
    win.conversations.open(c500)
    app.processEvents()
    heart, gaps = heartbeat()
    done = QEventLoop()
    win.turnFinished.connect(done.quit)
    heart.start()
    win.composer.set_text("Write a long story about a lighthouse keeper.")
    win.composer._submit()
    done.exec()
    heart.stop()
    reply = rt.store.branch(c500)[-1]
    report("gui_open_1000_messages", min(opens) * 1000, "ms", "< 300")
    report("gui_longest_stall_streaming_500", max(gaps[1:] or [0]), "ms",
           f"< 50; {reply.stats.get('completion_tokens')} tokens streamed")
    win.close()
    rt.close()


if __name__ == "__main__":
    run()
