"""A small Chinese folder for the window's knowledge-base tests (Markdown, GB18030 text, HTML)."""

from __future__ import annotations

from pathlib import Path

HOMETOWN = ("# 故乡\n\n## 童年\n\n我冒了严寒，回到相隔二千余里，别了二十余年的故乡去。"
            "时候既然是深冬，渐近故乡时，天气又阴晦了。\n\n## 离别\n\n"
            "我在朦胧中，眼前展开一片海边碧绿的沙地来，上面深蓝的天空中挂着一轮金黄的圆月。\n")
NOTES = ("人工智能的学习笔记\n\n神经网络由许多层组成，每一层把输入变换成新的表示。"
         "训练时用反向传播计算梯度，再用梯度下降更新参数。\n")
PAGE = ("<html><head><title>茶</title><script>var secret = '不该被索引的脚本';</script></head>"
        "<body><h1>龙井茶</h1><p>西湖龙井是绿茶，产于杭州西湖一带，以色绿、香郁、味甘、形美著称。</p></body></html>")


def make_corpus(root: Path, extra: int = 0) -> Path:
    """The folder ``root/资料`` with three files (plus ``extra`` short notes 附录01.md …)."""
    folder = root / "资料"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "故乡.md").write_text(HOMETOWN, encoding="utf-8")
    (folder / "笔记.txt").write_bytes(NOTES.encode("gb18030"))
    (folder / "茶.html").write_text(PAGE, encoding="utf-8")
    for i in range(extra):
        (folder / f"附录{i:02d}.md").write_text(f"# 附录{i}\n\n第{i}条附录：关于春天的一段记录。\n", encoding="utf-8")
    return folder
