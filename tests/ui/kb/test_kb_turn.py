"""A real turn in a chat with a knowledge base (the starter model, keyword search): the reply is
stored with its citations and shows its sources, which open the exact passage."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from tests.ui.conftest import send_and_wait, short_chat
from tests.ui.kb.corpus import make_corpus


def test_a_reply_grounded_in_a_knowledge_base_shows_its_sources(qtbot, tmp_path, make_window):
    from aigc_desktop.kb.parse import parse_file
    from aigc_desktop.ui.kb.passage import PassageView

    win = make_window()
    kb = win.knowledge.controller
    kb.create("资料")
    with qtbot.waitSignal(kb.finished, timeout=60_000):
        kb.add_sources("资料", [str(make_corpus(tmp_path))])
    conv = short_chat(win)
    win.knowledge.chip.choose([kb.get("资料").uid])
    reply_id = send_and_wait(qtbot, win, "故乡是什么样的？")
    reply = win.rt.store.get_message(reply_id)
    assert reply.conversation_id == conv.id and reply.citations
    first = reply.citations[0]
    assert first["file"].endswith("故乡.md")
    assert parse_file(first["file"]).text[first["start"]:first["end"]] == first["text"]
    sources = win.chat.widget_for(reply_id).sources
    assert sources is not None and len(sources.buttons) == len(reply.citations)
    sources.buttons[0].click()

    def opened():
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, PassageView) and w.isVisible() and w.shown is not None), None)

    qtbot.waitUntil(lambda: opened() is not None, timeout=10_000)
    assert opened().passage() == first["text"]
    opened().close()
