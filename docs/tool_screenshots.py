"""Make the tools screenshots (Chinese): the approval dialog and a reply with an open tool card.

    uv run python docs/tool_screenshots.py [light|dark] [out-folder]

Writes ``tool-approval.png`` and ``tool-card.png`` (default: light, into docs/). A real main window
in a throwaway data folder; the reply is stored text with the calls as the tool loop stores them
(``messages.tool_calls``), so the picture is the same every time and needs no model.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
NOTE = "/home/li/笔记/周末待办.md"
CONTENT = "# 周末待办\n- 买牛奶和鸡蛋\n- 给妈妈打电话\n- 整理书架"


def shoot(theme: str, out: Path) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ["AIGC_DESKTOP_HOME"] = tempfile.mkdtemp(prefix="aigc-shot-")
    os.environ["AIGC_DESKTOP_LANG"] = "zh_CN"
    sys.path.insert(0, str(ROOT))
    from PySide6.QtWidgets import QApplication

    from aigc_desktop.runtime import open_runtime
    from aigc_desktop.tools.approval import ToolRequest
    from aigc_desktop.ui.app import install_language
    from aigc_desktop.ui.main_window import MainWindow
    from aigc_desktop.ui.tools.approval_dialog import ApprovalDialog

    app = QApplication.instance() or QApplication([])
    install_language(app, "zh_CN")
    rt = open_runtime()
    conv = rt.store.create("周末待办")
    rt.store.set_tools(conv.id, ["notes"])
    question = rt.store.add_message(conv.id, "user", f"把这周末的待办写进 {NOTE}：买牛奶和鸡蛋、给妈妈打电话、整理书架。")
    calls = [{"id": "call_1", "step": 1, "server": "notes", "tool": "write_file",
              "arguments": {"path": NOTE, "text": CONTENT}, "status": "done",
              "result": f"wrote {len(CONTENT)} characters to {NOTE}", "is_error": False, "seconds": 0.21,
              "text_before": "好的，我把待办写进这个文件。"}]
    rt.store.add_message(conv.id, "assistant", f"已经写好了：`{NOTE}` 里现在有三项待办——买牛奶和鸡蛋、"
                         "给妈妈打电话、整理书架。", parent_id=question.id, status="done",
                         model="Qwen2.5-1.5B-Instruct", tool_calls=calls)
    win = MainWindow(rt)
    win.set_theme(theme)
    win.resize(1100, 760)
    win.show()
    win.conversations.open(conv.id)
    for _ in range(30):
        app.processEvents()
    reply = win.chat.widgets[-1]
    reply.tool_cards.cards[0].set_expanded(True)
    for _ in range(30):
        app.processEvents()
    win.grab().save(str(out / "tool-card.png"))

    request = ToolRequest("notes", "write_file", "Write text to a file.", {"path": NOTE, "text": CONTENT},
                          read_only=False, fingerprint="", server_detail="python notes_server.py")
    dialog = ApprovalDialog(request, win)
    dialog.show()
    for _ in range(30):
        app.processEvents()
    dialog.grab().save(str(out / "tool-approval.png"))
    dialog.reject()
    win.close()
    rt.close()


if __name__ == "__main__":
    shoot(sys.argv[1] if len(sys.argv) > 1 else "light", Path(sys.argv[2]) if len(sys.argv) > 2 else DOCS)
