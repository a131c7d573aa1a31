"""A generated Chinese corpus: Markdown, GB18030 TXT, DOCX with headings, a two-page PDF (fpdf2 with the
bundled Noto Sans SC) and HTML with a script that must not be indexed. Each file has words only it holds."""

from __future__ import annotations

from pathlib import Path

FILLER = "这一段文字只是为了让文件有一定的长度，方便检查分块的行为。"

# word → the file that alone contains it
UNIQUE = {
    "故乡": "notes.md",
    "人工智能": "notes.md",
    "月饼": "diary.txt",
    "中秋节": "diary.txt",
    "神经网络": "report.docx",
    "梯度": "report.docx",
    "长城": "book.pdf",
    "敦煌壁画": "book.pdf",
    "熊猫": "page.html",
}
SCRIPT_WORD = "秘密脚本"  # only inside the HTML's <script>


def write_markdown(folder: Path) -> Path:
    path = folder / "notes.md"
    path.write_text(
        "# 我的笔记\n\n引言部分。" + FILLER + "\n\n"
        "## 故乡\n\n我的故乡在江南水乡，小桥流水人家。" + FILLER * 3 + "\n\n"
        "## 技术\n\n人工智能正在改变世界，Python 是常用的 programming language。" + FILLER + "\n",
        encoding="utf-8")
    return path


def write_txt(folder: Path) -> Path:
    path = folder / "diary.txt"
    path.write_bytes(("今天是中秋节，我们一家人一起吃月饼、赏月亮。\n\n" + FILLER * 2 + "\n\n晚上还放了烟花。\n")
                     .encode("gb18030"))
    return path


def write_docx(folder: Path) -> Path:
    import docx

    d = docx.Document()
    d.add_heading("深度学习报告", level=1)
    d.add_paragraph("本报告讨论机器学习的基本方法。" + FILLER)
    d.add_heading("神经网络", level=2)
    d.add_paragraph("神经网络由许多层组成，训练时使用梯度下降来更新参数。" + FILLER)
    d.add_heading("结论", level=2)
    d.add_paragraph("模型越大，需要的数据越多。")
    path = folder / "report.docx"
    d.save(str(path))
    return path


def write_pdf(folder: Path) -> Path:
    from fpdf import FPDF

    from aigc_desktop.export.fonts import bundled_cjk

    pdf = FPDF()
    pdf.add_font("noto", "", str(bundled_cjk().path))
    pdf.set_font("noto", size=12)
    pdf.add_page()
    pdf.multi_cell(0, 8, "第一页：旅行计划。" + FILLER * 2)
    pdf.add_page()
    pdf.multi_cell(0, 8, "第二页：我们参观了长城，又去看了敦煌壁画。" + FILLER)
    path = folder / "book.pdf"
    pdf.output(str(path))
    return path


def write_html(folder: Path) -> Path:
    path = folder / "page.html"
    path.write_text(
        "<html><head><title>动物</title><style>p { color: red; }</style></head><body>"
        "<h1>动物园</h1><p>熊猫是中国的国宝，喜欢吃竹子。</p>"
        f"<script>var s = '{SCRIPT_WORD}';</script>"
        "<h2>其他</h2><p>" + FILLER + "</p></body></html>", encoding="utf-8")
    return path


def write_corpus(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    return {p.name: p for p in (write_markdown(folder), write_txt(folder), write_docx(folder), write_pdf(folder),
                                write_html(folder))}
