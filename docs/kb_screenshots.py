"""Make the knowledge-base screenshot (Chinese): an answer with its numbered sources under it.

    uv run python docs/kb_screenshots.py [light|dark] [out-folder]

Writes ``kb-answer.png`` (default: light, into docs/). A real main window in a throwaway data folder;
a knowledge base "茶叶笔记" is made from three files written here (Markdown with headings, GB18030 text,
a two-page PDF in Noto Sans SC) and indexed by the real core (keyword search, no embedding model). The
reply's text is stored, so the picture is the same every time and needs no model; its citations are
the core's own search hits for the question, in the order they are cited.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
QUESTION = "西湖龙井应该怎么冲泡？开封后又该怎么储存？"
ANSWER = ("根据你的茶叶笔记：\n\n"
          "1. **冲泡**：用八十摄氏度左右的水，不要用沸水，否则嫩芽会被烫熟，茶汤发黄、失去鲜爽 [1]。"
          "用玻璃杯冲泡还能看到茶叶在水中舒展。\n"
          "2. **储存**：绿茶怕光、怕潮、怕异味，开封后密封放进冰箱冷藏，两三个月内喝完 [2]。\n\n"
          "另外，明前龙井芽叶细嫩、产量少 [3]，更要注意水温 [1]。")
# (the search that finds each cited passage, in citation order)
QUERIES = ["冲泡 水温 沸水", "开封 冷藏 储存", "明前 龙井"]


def write_corpus(folder: Path) -> None:
    from fpdf import FPDF

    from aigc_desktop.export.fonts import bundled_cjk

    (folder / "绿茶.md").write_text(
        "# 绿茶\n\n## 冲泡\n\n冲泡西湖龙井宜用八十摄氏度左右的水，不要用沸水，否则嫩芽会被烫熟，"
        "茶汤发黄、失去鲜爽。用玻璃杯冲泡，可以看到茶叶在水中慢慢舒展。\n\n"
        "## 品饮\n\n第一泡香气最高，第二泡滋味最浓，第三泡以后渐渐变淡。\n", encoding="utf-8")
    (folder / "储存.txt").write_bytes(
        "绿茶怕光、怕潮、怕异味。开封后要密封，放进冰箱冷藏，最好在两三个月内喝完。\n"
        "红茶和普洱可以常温存放，但也要避开厨房的油烟。\n".encode("gb18030"))
    pdf = FPDF()
    pdf.add_font("noto", "", str(bundled_cjk().path))
    pdf.set_font("noto", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "第一页：中国的茶叶分为绿茶、红茶、乌龙茶、白茶、黄茶和黑茶六大类。")
    pdf.add_page()
    pdf.multi_cell(0, 8, "第二页：龙井产于杭州西湖一带。清明节前采摘的叫明前茶，芽叶细嫩，产量很少，价格也最高。")
    pdf.output(str(folder / "茶史.pdf"))


def shoot(theme: str, out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["AIGC_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="aigc-shot-")
    os.environ["AIGC_DESKTOP_LANG"] = "zh_CN"
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    from aigc_desktop.kb.citations import from_hit
    from aigc_desktop.runtime import open_runtime
    from aigc_desktop.ui.app import install_language
    from aigc_desktop.ui.main_window import MainWindow

    corpus = Path(tempfile.mkdtemp(prefix="茶叶笔记-"))
    write_corpus(corpus)
    app = QApplication.instance() or QApplication([])
    install_language(app, "zh_CN")
    rt = open_runtime()
    base = rt.kb.create("茶叶笔记")
    rt.kb.add_sources(base.name, [str(corpus)])
    citations = []
    for n, query in enumerate(QUERIES, start=1):
        hits = rt.kb.search([base.uid], query, k=1)
        if not hits:
            raise SystemExit(f"no hit for {query!r}: the screenshot would show a made-up source")
        citations.append(from_hit(hits[0], n))
    conv = rt.store.create("龙井怎么泡、怎么存？")
    rt.store.set_kbs(conv.id, [base.uid])
    question = rt.store.add_message(conv.id, "user", QUESTION)
    reply = rt.store.add_message(conv.id, "assistant", ANSWER, parent_id=question.id, status="done",
                                 model="Qwen2.5-3B-Instruct")
    rt.store.update_message(reply.id, citations=citations)  # as a grounded turn stores them when it ends
    win = MainWindow(rt)
    win.set_theme(theme)
    win.resize(1100, 760)
    win.show()
    win.conversations.open(conv.id)
    for _ in range(60):
        app.processEvents()
    win.grab().save(str(out / "kb-answer.png"))
    win.close()
    rt.close()


if __name__ == "__main__":
    shoot(sys.argv[1] if len(sys.argv) > 1 else "light", Path(sys.argv[2]) if len(sys.argv) > 2 else DOCS)
