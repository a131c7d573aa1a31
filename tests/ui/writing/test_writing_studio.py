"""The writing studio's window on the real starter model: outline edits, draft all with
progress and Stop, versions, hand edits, 续写, export and copy, and the busy rule."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication


TITLE = "AIGC：从入门到精通"
FIVE = ["基本概念", "技术实现", "优势与不足", "潜在问题", "未来发展"]


@pytest.fixture
def studio_window(make_window):
    win = make_window()
    win.documents.draft_max_tokens = 16  # short sections keep the suite fast
    return win


def _create(win, outline=FIVE):
    assert win.documents.create(TITLE, "面向初学者", list(outline))
    return win.documents.store.get(win.documents.current_id)


def _run(qtbot, win, start, timeout=300_000):
    with qtbot.wait_signal(win.documents.runFinished, timeout=timeout) as blocker:
        assert start()
    return blocker.args


def test_sidebar_switch_shows_the_studio_and_the_document_list(qtbot, studio_window):
    """Documents in the sidebar's switch shows the studio and lists documents; Chats brings the chat back."""
    win = studio_window
    doc = _create(win)
    assert win.stack.currentWidget() is win.studio and win.sidebar.documents.ids() == [doc.id]
    qtbot.mouseClick(win.sidebar.mode_buttons["chats"], Qt.LeftButton)
    assert win.stack.currentWidget() is win.chat_pane and win.sidebar.pages.currentIndex() == 0
    qtbot.mouseClick(win.sidebar.mode_buttons["documents"], Qt.LeftButton)
    assert win.stack.currentWidget() is win.studio and win.studio.title.text() == TITLE


def test_outline_rename_add_delete_and_reorder(qtbot, studio_window):
    """Renaming, adding, deleting and moving sections in the outline changes the stored outline."""
    win = studio_window
    doc = _create(win, ["One", "Two", "Three"])
    outline = win.studio.outline
    outline.renamed.emit(2, "Second")
    outline.addRequested.emit()
    titles = [s.title for s in win.documents.store.get(doc.id).sections]
    assert titles == ["One", "Second", "Three", "New section"]
    outline.list.setCurrentRow(0)
    qtbot.mouseClick(outline.down_btn, Qt.LeftButton)
    assert [s.title for s in win.documents.store.get(doc.id).sections] == ["Second", "One", "Three", "New section"]
    outline.list.setCurrentRow(1)
    qtbot.mouseClick(outline.delete_btn, Qt.LeftButton)
    assert [s.title for s in win.documents.store.get(doc.id).sections] == ["Second", "Three", "New section"]
    assert outline.titles() == ["Second", "Three", "New section"]


def test_deleting_a_middle_section_keeps_the_others_text(qtbot, studio_window):
    """Deleting section 2 of 3 drops its text only: section 3's text moves up with it."""
    win = studio_window
    doc = _create(win, ["A", "B", "C"])
    store = win.documents.store
    for sec, text in zip(store.get(doc.id).sections, ("alpha", "beta", "gamma")):
        store.add_version(sec.id, text, status="done")
    win.prompts.confirm = lambda *a: True
    win.documents.outline.delete_section(2)
    assert [(s.title, s.text) for s in store.get(doc.id).sections] == [("A", "alpha"), ("C", "gamma")]


def test_draft_all_writes_five_sections_with_progress(qtbot, studio_window):
    """Draft all writes the five sections in order; the store has five done sections; the bar showed progress."""
    win = studio_window
    doc = _create(win)
    seen = []
    win.engine.jobEvent.connect(lambda _j, name, v: name == "section" and seen.append((v[1], win.studio.progress.isVisible())))
    doc_id, kind = _run(qtbot, win, win.documents.draft_all)
    assert (doc_id, kind) == (doc.id, "draft_all")
    sections = win.documents.store.get(doc.id).sections
    assert [s.status for s in sections] == ["done"] * 5 and all(s.text for s in sections)
    assert [sid for sid, _shown in seen] == [s.id for s in sections] and all(shown for _sid, shown in seen)
    assert not win.turns.busy and win.studio.draft_all_btn.isVisible() and not win.studio.stop_btn.isVisible()


def test_regenerate_adds_a_version_and_switching_changes_the_current_one(qtbot, studio_window):
    """Regenerate keeps the old text as 1/2; ‹ shows it and makes it the store's current version."""
    win = studio_window
    doc = _create(win, ["Intro"])
    _run(qtbot, win, win.documents.draft_section)
    _run(qtbot, win, win.documents.draft_section)
    store, view = win.documents.store, win.studio.section
    sec = store.section(doc.id, 1)
    versions = store.versions(sec.id)
    assert len(versions) == 2 and sec.current_version_id == versions[1].id and view.versions.text() == "2/2"
    qtbot.mouseClick(view.prev_btn, Qt.LeftButton)
    assert store.section(doc.id, 1).current_version_id == versions[0].id and view.versions.text() == "1/2"
    assert view.editor.toPlainText() == versions[0].text


def test_hand_edit_is_saved_as_a_version(qtbot, studio_window):
    """Typing into a section and pressing Save as version stores a new current version with that text."""
    win = studio_window
    doc = _create(win, ["Intro"])
    view = win.studio.section
    view.editor.setPlainText("我自己写的开头。")
    assert view.save_btn.isVisible()
    qtbot.mouseClick(view.save_btn, Qt.LeftButton)
    sec = win.documents.store.section(doc.id, 1)
    assert sec.text == "我自己写的开头。" and sec.version_count == 1 and sec.status == "done"
    assert view.versions.text() == "1/1" and not view.save_btn.isVisible()


def test_stop_during_draft_all_leaves_later_sections_empty(qtbot, studio_window):
    """Stop pressed while section 2 is written: the run ends and the sections after the stopped one stay empty."""
    win = studio_window
    win.documents.draft_max_tokens = 48
    doc = _create(win)
    store = win.documents.store
    second = store.get(doc.id).sections[1].id

    def stop_at_second(_job, name, value):
        if name == "section" and value[1] == second:
            qtbot.mouseClick(win.studio.stop_btn, Qt.LeftButton)

    win.engine.jobEvent.connect(stop_at_second)
    _run(qtbot, win, win.documents.draft_all)
    statuses = [s.status for s in store.get(doc.id).sections]
    assert statuses[0] == "done" and "stopped" in statuses
    after = statuses[statuses.index("stopped") + 1:]
    assert after and all(s == "empty" for s in after)
    assert all(s.version_count == 0 for s in store.get(doc.id).sections[statuses.index("stopped") + 1:])


def test_continue_writing_appends_to_the_section(qtbot, studio_window):
    """续写 keeps the section's text as the start of a new, longer version."""
    win = studio_window
    doc = _create(win, ["The lighthouse"])
    win.studio.section.editor.setPlainText("The old keeper climbed the stairs and")
    qtbot.mouseClick(win.studio.section.save_btn, Qt.LeftButton)
    win.studio.section.max_tokens.setValue(24)
    _run(qtbot, win, lambda: win.documents.continue_section(win.studio.section.max_tokens.value()))
    sec = win.documents.store.section(doc.id, 1)
    assert sec.version_count == 2 and sec.text.startswith("The old keeper climbed the stairs and")
    assert len(sec.text) > len("The old keeper climbed the stairs and")


def test_export_markdown_and_copy_the_article(qtbot, studio_window, tmp_path):
    """After drafting, Export writes Markdown with the title and numbered headings in order; Copy puts the same on the clipboard."""
    win = studio_window
    doc = _create(win)
    _run(qtbot, win, win.documents.draft_all)
    win.studio.toc.setChecked(True)
    win.studio.lead.setText("本文面向初学者。")
    target = tmp_path / "article.md"
    win.prompts.ask_save_path = lambda *a: str(target)
    with qtbot.wait_signal(win.documents.exported, timeout=10_000):
        qtbot.mouseClick(win.studio.export_btn, Qt.LeftButton)
    text = target.read_text(encoding="utf-8")
    assert text.startswith(f"# {TITLE}\n\n本文面向初学者。\n")
    positions = [text.index(f"## {i}. {t}\n") for i, t in enumerate(FIVE, start=1)]
    assert positions == sorted(positions) and f"\n1. {FIVE[0]}\n2. {FIVE[1]}\n" in text
    for sec in win.documents.store.get(doc.id).sections:
        assert sec.text.strip() in text
    qtbot.mouseClick(win.studio.copy_btn, Qt.LeftButton)
    assert QApplication.clipboard().text() == text


def test_chat_and_document_runs_do_not_overlap(qtbot, studio_window):
    """While a section is written the chat refuses to send; while a reply is written drafting is refused."""
    win = studio_window
    win.documents.draft_max_tokens = 64
    doc = _create(win, ["Intro"])
    with qtbot.wait_signal(win.documents.runFinished, timeout=300_000):
        assert win.documents.draft_section()
        assert win.turns.busy
        before = len(win.rt.store.list())
        win.turns.send("hello")  # refused: nothing is stored
        assert len(win.rt.store.list()) == before
    assert not win.turns.busy
    win.documents.show_chats()
    win.composer.edit.setPlainText("Say hi.")
    with qtbot.wait_signal(win.turnFinished, timeout=300_000):
        qtbot.keyClick(win.composer.edit, Qt.Key_Return)
        assert win.turns.busy and not win.documents.draft_section()
        win.turns.stop()  # the reply's length does not matter here
    assert win.documents.store.section(doc.id, 1).version_count == 1
    assert not win.turns.busy and win.documents.running is None


def test_new_document_with_a_proposed_outline(qtbot, studio_window):
    """New document with the model's outline: five sections proposed, shown in the outline, nothing drafted."""
    win = studio_window

    def answer(dialog):
        dialog.title.setText(TITLE)
        dialog.count.setValue(5)
        return True

    win.prompts.run_dialog = answer
    with qtbot.wait_signal(win.documents.runFinished, timeout=300_000) as blocker:
        win.new_document_action.trigger()
    doc_id, kind = blocker.args
    assert kind == "new" and doc_id == win.documents.current_id
    doc = win.documents.store.get(doc_id)
    assert doc.title == TITLE and 1 <= len(doc.sections) <= 5 and all(s.status == "empty" for s in doc.sections)
    assert win.studio.outline.list.count() == len(doc.sections)


def test_lead_contents_and_notes_are_kept_with_the_document(qtbot, studio_window):
    """The lead, the contents switch and a section's notes are stored, and come back when the document is reopened."""
    win = studio_window
    first = _create(win)
    studio = win.studio
    studio.lead.setText("本文面向初学者。")
    studio.lead.editingFinished.emit()
    studio.toc.setChecked(True)
    studio.section.notes.setText("定义、起源、典型应用")
    studio.section.notes.editingFinished.emit()
    kept = win.documents.store.get(first.id)
    assert (kept.lead, kept.toc, kept.sections[0].notes) == ("本文面向初学者。", True, "定义、起源、典型应用")
    assert "定义、起源、典型应用" in win.documents.store.get(first.id).sections[0].notes
    assert win.documents.create("第二篇", "", ["一"])
    assert (studio.lead.text(), studio.toc.isChecked(), studio.section.notes.text()) == ("", False, "")
    assert win.documents.open(first.id)
    assert (studio.lead.text(), studio.toc.isChecked(), studio.section.notes.text()) == \
        ("本文面向初学者。", True, "定义、起源、典型应用")


def test_choosing_a_section_from_code_moves_the_outline_too(qtbot, studio_window):
    """select_section(n) shows section n in the pane and highlights it in the outline (they never disagree)."""
    win = studio_window
    _create(win)
    win.documents.select_section(5)
    assert win.studio.outline.list.currentRow() == 4 and win.studio.section.section.index == 5
    win.documents.select_section(1)
    assert win.studio.outline.list.currentRow() == 0 and win.studio.section.section.index == 1


# -- found by a pass on the real window ---------------------------------------------------------


def _focused(qtbot, win):
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)


def test_empty_page_text_is_not_cut_off(qtbot, studio_window):
    """The empty studio's wrapped sentence gets the height its lines need (it was clipped to one line)."""
    win = studio_window
    win.documents.show_mode("documents")
    win.resize(1100, 760)
    label = win.studio.empty_label
    qtbot.waitUntil(label.isVisible)
    assert label.height() >= label.heightForWidth(label.width()) > label.fontMetrics().height()


def test_f2_renames_in_the_outline_and_the_document_list(qtbot, studio_window):
    """F2 opens the focused list's editor instead of firing the window's Rename conversation."""
    win = studio_window
    doc = _create(win)
    _focused(qtbot, win)
    for lst in (win.studio.outline.list, win.sidebar.documents.list):
        lst.setFocus()
        qtbot.waitUntil(lst.hasFocus)
        qtbot.keyClick(lst, Qt.Key_F2)
        assert lst.state() == lst.State.EditingState
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key_Escape)
        qtbot.waitUntil(lambda lst=lst: lst.state() != lst.State.EditingState)
    assert [s.title for s in win.documents.store.get(doc.id).sections] == FIVE


def test_draft_buttons_hand_the_focus_to_stop_and_back(qtbot, studio_window):
    """Draft all and a section's Draft put the focus on their Stop (not the lead field) and, when done, back."""
    win = studio_window
    _create(win, ["Intro"])
    _focused(qtbot, win)
    studio, view = win.studio, win.studio.section
    focus_while = []
    win.engine.jobEvent.connect(lambda _j, name, _v: name == "section" and focus_while.append(QApplication.focusWidget()))
    for start, stop in ((studio.draft_all_btn, studio.stop_btn), (view.draft_btn, view.stop_btn)):
        start.setFocus()
        qtbot.waitUntil(start.hasFocus)
        _run(qtbot, win, lambda start=start: (qtbot.keyClick(start, Qt.Key_Space), win.documents.running)[1])
        assert focus_while[-1] is stop and QApplication.focusWidget() is start


def test_writing_does_not_widen_the_studio(qtbot, studio_window):
    """The article bar while writing needs no more width than at rest, so the sidebar does not jump."""
    win = studio_window
    _create(win)
    studio = win.studio
    idle = studio.minimumSizeHint().width()
    studio.set_busy(True, 5)
    studio.show_progress(0, 5, "正在写第 1 / 5 节…")
    assert studio.minimumSizeHint().width() <= idle
    studio.set_busy(False)


def test_the_section_being_written_shows_as_writing_in_the_outline(qtbot, studio_window):
    """A section a run starts shows Writing… in the outline even before the store marks it."""
    win = studio_window
    doc = _create(win)
    third = win.documents.store.get(doc.id).sections[2]
    win.documents.running = "draft_all"
    try:
        win.documents._on_section_started((doc.id, third.id))
        item = win.studio.outline.list.item(2)
        assert item.toolTip().endswith("Writing…") and win.studio.outline.list.currentRow() == 2
    finally:
        win.documents.running = None


def test_a_disabled_primary_button_looks_disabled(qtbot, studio_window):
    """While a run writes, the section's Draft button is drawn greyed out, not in the accent colour."""
    win = studio_window
    _create(win, ["Intro"])
    btn = win.studio.section.draft_btn
    qtbot.waitUntil(btn.isVisible)
    middle = btn.rect().center()
    enabled = btn.grab().toImage().pixelColor(middle.x(), middle.y() - 4)
    win.studio.section.set_busy(True)
    disabled = btn.grab().toImage().pixelColor(middle.x(), middle.y() - 4)
    win.studio.section.set_busy(False)
    assert enabled != disabled


def test_the_first_outline_shows_progress_and_stop(qtbot, studio_window):
    """Proposing the first document's outline shows what happens and a Stop on the empty page."""
    win = studio_window
    studio = win.studio
    win.documents.show_mode("documents")
    shown = []

    def look(*_a):
        shown.append((studio.stack.currentIndex(), studio.empty_stop_btn.isVisible(),
                      studio.empty_new_btn.isVisible(), studio.empty_progress.text()))

    with qtbot.wait_signal(win.documents.runFinished, timeout=300_000):
        assert win.documents.create(TITLE, "面向初学者", None, 3)
        look()
    assert shown == [(0, True, False, "The model is proposing an outline…")]
    assert not studio.empty_stop_btn.isVisible()


def test_search_shortcut_from_the_studio_goes_to_the_chats_search(qtbot, studio_window):
    """Ctrl+F while the studio shows switches to Chats and puts the cursor in the search box."""
    win = studio_window
    _create(win)
    assert win.stack.currentWidget() is win.studio
    win.search_action.trigger()
    assert win.stack.currentWidget() is win.chat_pane and win.sidebar.search.isVisibleTo(win)


def test_the_document_list_icons_follow_the_theme(qtbot, studio_window):
    """After View → Dark theme the document list's icons are redrawn in the dark palette's colours."""
    win = studio_window
    _create(win)
    lst = win.sidebar.documents.list

    def icon_image():
        return lst.item(0).icon().pixmap(16, 16).toImage()

    win.apply_theme("light")
    light = icon_image()
    win.apply_theme("dark")
    try:
        assert icon_image() != light
    finally:
        win.apply_theme("light")


def test_a_rated_version_shows_its_thumb_pressed(qtbot, studio_window):
    """A version rated 👍 shows the 👍 button drawn differently from an unrated one (it looked the same)."""
    win = studio_window
    doc = _create(win, ["Intro"])
    store, view = win.documents.store, win.studio.section
    store.add_version(store.section(doc.id, 1).id, "text", status="done")
    win.documents.reload()
    qtbot.waitUntil(view.up_btn.isVisible)
    before = view.up_btn.grab().toImage()
    qtbot.mouseClick(view.up_btn, Qt.LeftButton)
    assert store.section(doc.id, 1).rating == "up" and view.up_btn.isChecked()
    view.up_btn.setAttribute(Qt.WA_UnderMouse, False)
    assert view.up_btn.grab().toImage() != before


def test_draft_all_also_rewrites_a_stopped_section_and_notes_lock_while_writing(qtbot, studio_window):
    """A stopped section is not finished: Draft all writes it again (its partial text stays a version);
    the notes field is locked while a run writes."""
    win = studio_window
    doc = _create(win, ["一", "二"])
    store = win.documents.store
    first = store.get(doc.id).sections[0]
    store.add_version(first.id, "半截", status="stopped")
    store.add_version(store.get(doc.id).sections[1].id, "写完了", status="done")
    win.documents.reload()
    with qtbot.wait_signal(win.documents.runFinished, timeout=300_000):
        assert win.documents.draft_all()
        assert not win.studio.section.notes.isEnabled()
    again = store.get(doc.id).sections[0]
    assert again.status == "done" and again.version_count == 2
    assert store.versions(again.id)[0].text == "半截"
    assert win.studio.section.notes.isEnabled()


def test_the_section_prompt_can_be_edited_for_a_document(qtbot, studio_window):
    """Section prompt… shows the built-in prompt and a preview; an edited one is kept and drafts the next
    version (with the other sections still named as exclusions); a prompt without {section} cannot be saved."""
    from aigc_desktop.ui.writing.prompt_dialog import PromptDialog

    win = studio_window
    doc = _create(win)
    seen = {}

    def answer(dialog):
        seen["default"] = dialog.edit.toPlainText()
        dialog.edit.setPlainText("不要{section}")
        dialog.edit.setPlainText("《{title}》之“{section}”：请写三段，不能涉及到{exclude}。")
        seen["preview"] = dialog.preview.toPlainText()
        return True

    win.prompts.run_dialog = answer
    qtbot.mouseClick(win.studio.prompt_btn, Qt.LeftButton)
    assert "不能涉及到{exclude}" in seen["default"] and "{section}" in seen["default"]
    assert seen["preview"].startswith(f"《{TITLE}》之“基本概念”") and "技术实现" in seen["preview"]
    assert win.documents.store.get(doc.id).prompt_template.startswith("《{title}》")
    _run(qtbot, win, win.documents.draft_section)
    sec = win.documents.store.section(doc.id, 1)
    assert sec.prompt.startswith(f"《{TITLE}》之“基本概念”：请写三段") and "未来发展" in sec.prompt
    dialog = PromptDialog(win, win.documents.store.get(doc.id), lambda t: t)
    qtbot.addWidget(dialog)
    dialog.edit.setPlainText("一篇没有小节名的提示")
    assert not dialog.ok_btn.isEnabled() and "{section}" in dialog.error.text()
    dialog.reset()
    assert dialog.ok_btn.isEnabled() and dialog.template() == ""  # the built-in one: nothing of its own
