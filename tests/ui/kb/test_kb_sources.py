"""A reply's sources under it: numbered, a click opens the passage highlighted in its file, and a
file changed since is marked and never shown as if the passage were still exact.

The citations are made by the real core (a keyword search over a small Chinese folder, then
``kb.citations.from_hit``), stored on a reply as a grounded turn stores them."""

from __future__ import annotations

import os

from PySide6.QtWidgets import QApplication

from tests.ui.kb.corpus import make_corpus


def _grounded_reply(win, tmp_path, query="故乡"):
    from aigc_desktop.kb.citations import from_hit

    rt = win.rt
    folder = make_corpus(tmp_path)
    rt.kb.create("资料")
    rt.kb.add_sources("资料", [str(folder)])
    hits = rt.kb.search("资料", query, k=2)
    assert hits, "the core found nothing to cite"
    citations = [from_hit(h, n) for n, h in enumerate(hits, 1)]
    conv = rt.store.create("故乡")
    user = rt.store.add_message(conv.id, "user", "作者回故乡时是什么季节？")
    reply = rt.store.add_message(conv.id, "assistant", "是深冬[1]。", parent_id=user.id, status="done", model="m")
    rt.store.update_message(reply.id, citations=citations)
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    return win.chat.widget_for(reply.id), citations, folder


def _passage_views():
    from aigc_desktop.ui.kb.passage import PassageView

    return [w for w in QApplication.topLevelWidgets() if isinstance(w, PassageView) and w.isVisible()]


def test_sources_under_a_reply_open_the_passage_in_its_file(qtbot, tmp_path, make_window, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    from aigc_desktop.kb.parse import parse_file

    win = make_window(load_model=False)
    widget, citations, _folder = _grounded_reply(win, tmp_path)
    sources = widget.sources
    assert sources is not None
    qtbot.waitUntil(sources.isVisible, timeout=5_000)
    assert [b.text() for b in sources.buttons][0].startswith("[1] 故乡.md")
    qtbot.waitUntil(lambda: sources.stale is not None, timeout=10_000)
    assert sources.stale == [False] * len(citations)
    assert "changed since" not in sources.buttons[0].text()
    sources.buttons[0].click()
    qtbot.waitUntil(lambda: bool(_passage_views()) and _passage_views()[0].shown is not None, timeout=10_000)
    view = _passage_views()[0]
    before, passage, after = view.shown
    first = citations[0]
    assert passage == first["text"]  # the exact passage, found at its offsets in the re-read file
    text = parse_file(first["file"]).text
    assert text[first["start"]:first["end"]] == passage
    assert text.endswith(after) or (before + passage + after) in text
    assert passage in view.view.toPlainText()
    assert view.open_button.isEnabled() and view.stale is False
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url) or True))
    view.open_button.click()
    assert [u.toLocalFile() for u in opened] == [first["file"]]  # handed to the system's own app
    view.close()


def test_a_citation_whose_file_changed_is_marked_and_shown_as_quoted_then(qtbot, tmp_path, make_window):
    win = make_window(load_model=False)
    widget, citations, folder = _grounded_reply(win, tmp_path)
    path = folder / "故乡.md"
    path.write_text(path.read_text(encoding="utf-8").replace("深冬", "初春"), encoding="utf-8")
    st = os.stat(path)
    os.utime(path, (st.st_atime, st.st_mtime + 5))
    win.conversations.open(win.conversations.current_id)  # shown again: the check runs anew
    sources = win.chat.widget_for(widget.record.id).sources
    qtbot.waitUntil(lambda: sources.stale is not None, timeout=10_000)
    assert sources.stale[0] is True
    assert sources.buttons[0].text().endswith("changed since")
    sources.buttons[0].click()
    qtbot.waitUntil(lambda: bool(_passage_views()) and _passage_views()[0].stale is not None, timeout=10_000)
    view = _passage_views()[0]
    assert view.stale is True and view.shown is None  # nothing highlighted at offsets that may have moved
    assert view.note.text().startswith("Changed since")
    assert view.view.toPlainText() == citations[0]["text"]  # the passage as it was quoted
    view.close()


def test_a_passage_is_shown_inert(qtbot, tmp_path, make_window):
    """Document text that looks like HTML is shown as text: no tag is interpreted, nothing is loaded."""
    win = make_window(load_model=False)
    folder = make_corpus(tmp_path)
    (folder / "标记.md").write_text("# 标记\n\n故乡的<b>粗体</b>和<img src=\"http://example.com/x.png\">图片。\n",
                                    encoding="utf-8")
    from aigc_desktop.kb.citations import from_hit
    from aigc_desktop.ui.kb.passage import open_passage

    win.rt.kb.create("资料")
    win.rt.kb.add_sources("资料", [str(folder)])
    hit = next(h for h in win.rt.kb.search("资料", "粗体", k=3) if h.file.endswith("标记.md"))
    view = open_passage(from_hit(hit, 1), win)
    qtbot.waitUntil(lambda: view.shown is not None, timeout=10_000)
    assert "<b>粗体</b>" in view.view.toPlainText()
    view.close()
