"""Make the README/docs screenshots: a real window, the real model, offscreen.

    uv run python docs/screenshots.py            # writes docs/screenshot*.png

Uses a throwaway data folder; the replies are SmolLM2's own.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ["AIGC_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="aigc-shot-")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from aigc_desktop.llm.sampling import SamplingParams  # noqa: E402
from aigc_desktop.runtime import open_runtime  # noqa: E402
from aigc_desktop.ui.main_window import MainWindow  # noqa: E402

DOCS = Path(__file__).resolve().parent
PROMPT = """请帮我检查这段代码，并解释一下：

```python
def fib(n: int) -> int:
    \"\"\"Return the n-th Fibonacci number.\"\"\"
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a
```

| n | fib(n) |
|---|--------|
| 10 | 55 |
| 20 | 6765 |
"""


def wait_for(signal, timeout_ms: int = 120_000) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(timeout_ms, loop.quit)
    loop.exec()


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    rt = open_runtime()
    win = MainWindow(rt)
    win.resize(1200, 820)
    win.show()
    win.load_default_model()
    wait_for(win.modelReady)
    old = rt.store.create("周末计划")
    rt.store.add_message(old.id, "user", "帮我写一个周末计划")
    conv = rt.service.new_conversation(sampling=SamplingParams(max_tokens=160, temperature=0.3, seed=4).to_dict())
    win.open_conversation(conv.id)
    win.composer.set_text(PROMPT)
    win.composer._submit()
    wait_for(win.turnFinished)
    app.processEvents()
    for theme, name in (("light", "screenshot.png"), ("dark", "screenshot-dark.png")):
        win.set_theme(theme)
        win.chat.scroll_to_message(win.chat.widgets[0].record.id)
        for _ in range(5):
            app.processEvents()
        win.grab().save(str(DOCS / name))
        print("wrote", DOCS / name)
    win.set_theme("light")
    dlg = win.show_models()
    dlg.resize(1000, 520)
    dlg.tabs.setCurrentIndex(1)
    for _ in range(5):
        app.processEvents()
    dlg.grab().save(str(DOCS / "models.png"))
    print("wrote", DOCS / "models.png")
    dlg.close()
    win.set_theme("system")
    win.close()
    rt.close()


if __name__ == "__main__":
    main()
