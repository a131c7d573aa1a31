"""The writing studio on the real starter model: a stopped Regenerate never becomes the article,
Draft all leaves finished sections alone unless asked, and the studio's layout at 800 × 600
(nothing drawn over anything, nothing cut off) in Chinese."""

from __future__ import annotations

import itertools

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import (QAbstractButton, QAbstractSpinBox, QApplication, QLabel, QLineEdit, QListWidget,
                               QPlainTextEdit, QProgressBar, QWidget)

FULL = "灯塔是海上的指路明灯。" * 55 + "全文到此结束。"  # 612 characters


@pytest.fixture
def studio_window(make_window):
    win = make_window()
    win.documents.draft_max_tokens = 16
    return win


def _run(qtbot, win, start, timeout=300_000):
    with qtbot.wait_signal(win.documents.runFinished, timeout=timeout) as blocker:
        assert start()
    return blocker.args


def _doc(win, outline):
    assert win.documents.create("灯塔", "", list(outline))
    return win.documents.store.get(win.documents.current_id)


def test_a_stopped_regenerate_never_becomes_the_article(qtbot, studio_window):
    """Regenerate on a 612-character section, Stop once its first words show: the full text stays the
    chosen version (shown, copied), the stub is version 2/2 to pick, the banner says so for one section,
    and Draft all does not redraft the finished section."""
    assert len(FULL) == 612
    win = studio_window
    win.documents.draft_max_tokens = 200
    doc = _doc(win, ["历史"])
    store, view = win.documents.store, win.studio.section
    store.add_version(doc.sections[0].id, FULL, status="done")
    win.documents.reload()

    def stop_on_first_words():
        text = view.editor.toPlainText()
        if win.documents.running and text.strip() and text != FULL and view.stop_btn.isVisible():
            qtbot.mouseClick(view.stop_btn, Qt.LeftButton)

    view.editor.document().contentsChanged.connect(stop_on_first_words)
    try:
        _run(qtbot, win, lambda: (qtbot.mouseClick(view.draft_btn, Qt.LeftButton), win.documents.running)[1])
    finally:
        view.editor.document().contentsChanged.disconnect(stop_on_first_words)
    sec = store.section(doc.id, 1)
    versions = store.versions(sec.id)
    assert (sec.text, sec.status, len(versions)) == (FULL, "done", 2)
    assert versions[1].status == "stopped" and versions[1].text and versions[1].text != FULL
    assert view.versions.text() == "1/2" and view.editor.toPlainText() == FULL
    text = win.banner.text()
    assert "finished text" in text and "version 2 of 2" in text and "sections were finished" not in text
    qtbot.mouseClick(win.studio.copy_btn, Qt.LeftButton)
    assert FULL in QApplication.clipboard().text() and versions[1].text not in QApplication.clipboard().text()
    assert not win.documents.draft_all()  # nothing to draft: the section is finished
    assert "Every section has finished text" in win.banner.text()
    qtbot.mouseClick(view.next_btn, Qt.LeftButton)  # the person picks the stub: now it is the article's
    assert store.section(doc.id, 1).text == versions[1].text and view.status.text() == "Stopped"


def test_draft_all_skips_finished_sections_unless_redo_is_chosen(qtbot, studio_window):
    """A section with a finished version (even with a stopped one chosen) is skipped by Draft all, which
    says so in its tooltip; its ▾ menu's Redo finished sections too writes every section."""
    win = studio_window
    doc = _doc(win, ["一", "二"])
    store = win.documents.store
    first, second = doc.sections
    store.add_version(first.id, "完整的一节。", status="done")
    stub = store.add_version(first.id, "半", status="stopped")
    store.select_version(first.id, stub.id)
    win.documents.reload()
    assert "skipped" in win.studio.draft_all_btn.toolTip()
    started = []
    win.engine.jobEvent.connect(lambda _j, name, v: name == "section" and started.append(v[1]))
    _run(qtbot, win, lambda: (qtbot.mouseClick(win.studio.draft_all_btn, Qt.LeftButton), win.documents.running)[1])
    assert started == [second.id]
    assert store.section(doc.id, 1).current_version_id == stub.id and store.section(doc.id, 2).status == "done"
    started.clear()
    _run(qtbot, win, lambda: (win.studio.redo_action.trigger(), win.documents.running)[1])
    assert started == [first.id, second.id] and store.section(doc.id, 1).version_count == 3


def test_the_outline_icon_follows_a_hand_edit_kept_on_moving_on(qtbot, studio_window):
    """Text typed into an empty section, then another section chosen: the edit is kept and the outline
    shows the first section as done at once (its icon stayed "not written")."""
    win = studio_window
    _doc(win, ["一", "二"])
    win.studio.section.editor.setPlainText("我自己写的。")
    win.studio.outline.list.setCurrentRow(1)
    assert win.documents.store.section(win.documents.current_id, 1).status == "done"
    assert win.studio.outline.list.item(0).toolTip().endswith("Done")


def test_the_status_bar_shows_no_chat_meter_over_the_studio(qtbot, studio_window):
    """The chat's context meter and last-reply speed are hidden while the studio shows, and come back."""
    win = studio_window
    _doc(win, ["一"])
    assert not win.context_meter.isVisible() and not win.speed_label.isVisible()
    win.documents.show_chats()
    assert win.context_meter.isVisible()


# -- 800 × 600 in Chinese ---------------------------------------------------------------------------
LEAVES = (QAbstractButton, QLabel, QLineEdit, QPlainTextEdit, QAbstractSpinBox, QProgressBar, QListWidget)


def _shown(win, root):
    """The visible leaf widgets under ``root`` (a spin box's own line edit is part of the spin box)."""
    found = [w for w in root.findChildren(QWidget) if isinstance(w, LEAVES) and w.isVisibleTo(win) and w.width() > 0]
    return [w for w in found if not any(o is not w and o.isAncestorOf(w) for o in found)]


def _rect(win, w) -> QRect:
    return QRect(w.mapTo(win, QPoint(0, 0)), w.size())


def _check_layout(win):
    for _ in range(10):  # the layouts' pending requests
        QApplication.processEvents()
    widgets = _shown(win, win.studio)
    assert len(widgets) > 15
    clash = [(a.objectName() or type(a).__name__, getattr(a, "text", lambda: "")(),
              b.objectName() or type(b).__name__, getattr(b, "text", lambda: "")())
             for a, b in itertools.combinations(widgets, 2) if _rect(win, a).intersects(_rect(win, b))]
    assert not clash, clash
    cut = [(type(w).__name__, w.text()) for w in widgets if isinstance(w, QAbstractButton) and w.text()
           and w.width() < w.minimumSizeHint().width()]
    assert not cut, cut
    studio = _rect(win, win.studio)
    assert all(studio.contains(_rect(win, w)) for w in widgets)


def test_nothing_overlaps_at_800_by_600_in_chinese(qtbot, zh_window):
    """At 800 × 600 in Chinese, at rest and while Draft all writes: no two controls of the studio overlap
    (the contents box was drawn over the lead), no button is cut, and the progress words show whole.
    The lead takes several lines, and Continue writing's token limit sits beside it, not by Draft."""
    from aigc_desktop.i18n import _

    win = zh_window(load_model=False)
    assert win.documents.create("AIGC：从入门到精通", "面向初学者", ["基本概念", "技术实现", "优势与不足", "潜在问题", "未来发展"])
    store = win.documents.store
    store.add_version(store.get(win.documents.current_id).sections[0].id, "AIGC 指人工智能生成内容。" * 20,
                      status="done")
    win.documents.reload()
    win.resize(800, 600)
    studio, view = win.studio, win.studio.section
    qtbot.waitUntil(lambda: win.size().width() == 800 and studio.lead.isVisible())
    _check_layout(win)
    assert studio.lead.height() >= 2 * studio.lead.fontMetrics().lineSpacing()
    tokens, cont = _rect(win, view.max_tokens), _rect(win, view.continue_btn)
    assert abs(tokens.center().y() - cont.center().y()) < 4 and 0 <= tokens.left() - cont.right() < 24
    assert abs(_rect(win, view.draft_btn).center().y() - cont.center().y()) > 20  # not on Draft's row
    studio.set_busy(True, 5)
    try:
        studio.show_progress(1, 5, _("Writing section {n} of {total}…").format(n=2, total=5))
        qtbot.waitUntil(studio.progress_label.isVisible)
        _check_layout(win)
        label = studio.progress_label
        assert label.width() >= label.sizeHint().width()
    finally:
        studio.set_busy(False)
