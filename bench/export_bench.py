"""Export of one 10,000-message conversation to Markdown, HTML, Word and PDF, and the
PDF export's peak memory.

The messages are generated in memory (mixed Chinese and English, every fifth with a
code block, every tenth with a table), so this measures the formatters, not the
database. The PDF runs in a process of its own so that its peak resident memory
(``ru_maxrss``) is its own. No model is needed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from common import report

MESSAGES = 10_000
T0 = datetime(2026, 1, 2, 3, 4, tzinfo=timezone.utc)


def messages(n: int = MESSAGES):
    from aigc_desktop.store.conversations import ConversationRecord, MessageRecord

    conv = ConversationRecord(id=1, title="长对话 bench", created_at=T0, updated_at=T0, model="bench-model",
                              system_prompt="", sampling={}, pinned=False, current_leaf_id=n)
    recs = []
    for i in range(n):
        text = f"第 {i} 条：自然语言处理（NLP）让模型理解文字。The model answers question {i} in **two** lines."
        if i % 5 == 4:
            text += f"\n\n```python\ndef f{i}(x):\n    return x * {i}  # 计算\n```"
        if i % 10 == 9:
            text += "\n\n| 项目 | 值 |\n|---|---|\n| a | 1 |\n| b | 2 |"
        recs.append(MessageRecord(id=i + 1, conversation_id=1, parent_id=i or None,
                                  role="user" if i % 2 == 0 else "assistant", content=text, status="done",
                                  created_at=T0, model="bench-model" if i % 2 else None, stats={}))
    return conv, recs


def _timed(fn, *args) -> tuple[float, object]:
    t = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - t, out


def run() -> None:
    from aigc_desktop.export.document import from_conversation
    from aigc_desktop.export.docx import to_docx
    from aigc_desktop.export.html import to_html
    from aigc_desktop.export.markdown import to_markdown

    conv, recs = messages()
    secs, out = _timed(to_markdown, conv, recs)
    report("export_markdown_10k", secs, "s", "< 1 s")
    secs, doc = _timed(from_conversation, conv, recs)
    secs_html, out = _timed(to_html, doc)
    report("export_html_10k", secs + secs_html, "s", f"< 2 s; {len(out.encode()) / 1e6:.1f} MB")
    secs_docx, out = _timed(to_docx, doc)
    report("export_docx_10k", secs + secs_docx, "s", f"< 10 s; {len(out) / 1e6:.1f} MB")
    pdf_in_subprocess()


def pdf_in_subprocess() -> None:
    proc = subprocess.run([sys.executable, __file__, "--pdf-child"], capture_output=True, text=True, timeout=900,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    if proc.returncode != 0:
        print(f"# export pdf bench failed: {proc.stderr.strip().splitlines()[-1:]}", flush=True)
        return
    r = json.loads(proc.stdout.strip().splitlines()[-1])
    report("export_pdf_10k", r["seconds"], "s", f"< 20 s; {r['pages']} pages, {r['bytes'] / 1e6:.1f} MB")
    report("export_pdf_10k_peak_rss", r["peak_mb"], "MB", f"process peak; {r['before_mb']:.0f} MB before the export")


def _pdf_child() -> None:
    import resource

    import psutil

    from aigc_desktop.export.document import from_conversation
    from aigc_desktop.export.pdf import to_pdf

    conv, recs = messages()
    doc = from_conversation(conv, recs)
    before = psutil.Process().memory_info().rss / 2**20
    t = time.perf_counter()
    data = to_pdf(doc)
    secs = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    pages = data.count(b"/Type /Page\n") or data.count(b"/Type /Page")
    print(json.dumps({"seconds": secs, "bytes": len(data), "peak_mb": peak, "before_mb": before, "pages": pages}))


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if "--pdf-child" in sys.argv:
        _pdf_child()
    else:
        run()
