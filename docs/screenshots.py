"""Make the README/docs screenshots: a real window, the real model, offscreen.

    uv run python docs/screenshots.py            # English and Chinese, writes docs/*.png

Each language runs in a process of its own (the language is chosen before any widget
is built). Uses a throwaway data folder. The reply to the code question is SmolLM2's
own; the answer with a formula and a table is stored text, so the math and table
rendering shows the same every time.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
CODE_PROMPT = """请帮我检查这段代码，并解释一下：

```python
def fib(n: int) -> int:
    \"\"\"Return the n-th Fibonacci number.\"\"\"
    a, b = 0, 1
    for _ in range(n):
        a, b = b, a + b
    return a
```
"""
MATH_ANSWER = """斐波那契数列满足 $F_n = F_{n-1} + F_{n-2}$，通项公式为

$$F_n = \\frac{1}{\\sqrt{5}}\\left(\\left(\\frac{1+\\sqrt{5}}{2}\\right)^n - \\left(\\frac{1-\\sqrt{5}}{2}\\right)^n\\right)$$

| n | F(n) |
|---|------|
| 10 | 55 |
| 20 | 6765 |

> 相邻两项之比趋近黄金分割 $\\varphi \\approx 1.618$。
"""


def shoot(lang: str) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["AIGC_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="aigc-shot-")
    os.environ["AIGC_DESKTOP_LANG"] = lang
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from aigc_desktop.llm.sampling import SamplingParams
    from aigc_desktop.runtime import open_runtime
    from aigc_desktop.ui.app import install_language
    from aigc_desktop.ui.main_window import MainWindow

    def wait_for(signal, timeout_ms: int = 120_000) -> None:
        loop = QEventLoop()
        signal.connect(loop.quit)
        QTimer.singleShot(timeout_ms, loop.quit)
        loop.exec()

    def settle() -> None:
        for _ in range(8):
            app.processEvents()

    def save(widget, name: str) -> None:
        settle()
        widget.grab().save(str(DOCS / name))
        print("wrote", DOCS / name)

    app = QApplication.instance() or QApplication(sys.argv)
    rt = open_runtime()
    install_language(app, rt.settings.language)
    win = MainWindow(rt)
    win.resize(1200, 820)
    win.show()
    win.model_choice.load_default()
    wait_for(win.modelReady)
    suffix = "" if lang == "en" else "-zh"
    win.set_theme("light")
    win.conversations.new()
    save(win, f"welcome{suffix}.png")

    old = rt.store.create("周末计划")
    rt.store.add_message(old.id, "user", "帮我写一个周末计划")
    conv = rt.service.new_conversation(sampling=SamplingParams(max_tokens=160, temperature=0.3, seed=4).to_dict())
    question = rt.store.add_message(conv.id, "user", "斐波那契数列有通项公式吗？")
    rt.store.add_message(conv.id, "assistant", MATH_ANSWER, parent_id=question.id,
                         model="(stored example)" if lang == "en" else "（示例文本）")
    rt.store.rename(conv.id, "斐波那契数列")
    win.conversations.open(conv.id)
    win.composer.set_text(CODE_PROMPT)
    win.composer._submit()
    wait_for(win.turnFinished)
    for theme, name in (("light", f"screenshot{suffix}.png"), ("dark", f"screenshot-dark{suffix}.png")):
        win.set_theme(theme)
        win.chat.scroll_to_message(win.chat.widgets[0].record.id)
        save(win, name)
    win.set_theme("light")
    dlg = win.show_models()
    dlg.resize(1000, 560)
    dlg.tabs.setCurrentIndex(1)
    save(dlg, f"models{suffix}.png")
    dlg.close()

    # The writing studio: "AIGC：从入门到精通" outlined in five sections and drafted by the model.
    win.documents.draft_max_tokens = 90
    win.documents.create("AIGC：从入门到精通", "面向初学者，语言通俗，约 2000 字",
                         ["基本概念", "技术实现", "优势与不足", "潜在问题", "未来发展"])
    win.studio.lead.setText("人工智能生成内容（AIGC）正在改变写作、绘画和编程。本文分五个部分介绍它。")
    win.documents.options.keep_article_options()
    win.documents.draft_all()
    wait_for(win.documents.runFinished, 900_000)
    win.documents.select_section(1)
    save(win, f"writing-studio{suffix}.png")

    # The prompt templates: "/" in the composer.
    win.documents.show_chats()
    win.conversations.new()
    from PySide6.QtTest import QTest

    win.composer.edit.setFocus()
    QTest.keyClicks(win.composer.edit, "/")
    save(win, f"templates{suffix}.png")
    win.composer.edit.clear()
    win.set_theme("system")
    win.close()
    rt.close()


def main() -> None:
    if len(sys.argv) > 1:
        shoot(sys.argv[1])
        return
    for lang in ("en", "zh_CN"):
        subprocess.run([sys.executable, __file__, lang], check=True, timeout=1800)


if __name__ == "__main__":
    main()
