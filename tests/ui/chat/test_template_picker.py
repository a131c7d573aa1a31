"""`/` in the composer: the template picker, its filter and keys, the form, and Manage templates…."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QVBoxLayout, QWidget


@pytest.fixture
def win(make_window):
    """The main window with the person's templates given to the composer, as the window's attach() does."""
    w = make_window(load_model=False)
    w.composer.set_templates(w.rt.templates)
    w.resize(1000, 700)
    w.composer.edit.setFocus()
    return w


def _commit(text: str) -> QInputMethodEvent:
    event = QInputMethodEvent()
    event.setCommitString(text)
    return event


def _sent(composer) -> list:
    sent = []
    composer.sendRequested.connect(sent.append)
    return sent


def test_slash_filter_enter_form_fills_the_composer_and_sends_nothing(qtbot, win):
    """/ opens the picker, typing filters it, Enter opens the form, OK puts the filled text in the box unsent."""
    composer, edit = win.composer, win.composer.edit
    sent = _sent(composer)
    qtbot.keyClicks(edit, "/")
    assert composer.picker_visible() and composer.picker.matches() >= 18
    qtbot.keyClicks(edit, "precise")
    assert [t.key for t in composer.picker.visible_templates()] == ["precise.en", "precise.zh"]
    qtbot.keyClick(edit, Qt.Key_Down)
    qtbot.keyClick(edit, Qt.Key_Return)
    assert not composer.picker_visible() and sent == []
    form = composer.form
    assert form is not None and form.template.key == "precise.zh"
    ok = form.buttons.button(QDialogButtonBox.Ok)
    assert not ok.isEnabled()  # nothing filled yet
    form.fields["topic"].setText("AIGC")
    form.fields["exclude"].setText("AIGC的技术实现、优势和不足、潜在的问题和未来的发展")
    assert form.fields["exclude"].placeholderText().startswith("Separate the items with 、")
    qtbot.mouseClick(ok, Qt.LeftButton)
    assert composer.text() == ("请为我阐述AIGC的概念是什么，注意在阐述的过程中不能涉及到AIGC的技术实现、优势和不足、"
                               "潜在的问题和未来的发展，因为我想要的是一篇层次分点鲜明的文章，而不是一大段的有关AIGC的报告！")
    assert sent == [] and win.rt.store.list() == []


def test_text_and_n_fields(qtbot, win):
    """{text} is a multi-line box and {n} a spin box starting at 3."""
    from PySide6.QtWidgets import QPlainTextEdit, QSpinBox

    qtbot.keyClicks(win.composer.edit, "/summarise.zh")
    qtbot.keyClick(win.composer.edit, Qt.Key_Return)
    form = win.composer.form
    assert isinstance(form.fields["text"], QPlainTextEdit) and isinstance(form.fields["n"], QSpinBox)
    assert form.fields["n"].value() == 3
    form.fields["text"].setPlainText("第一行\n第二行")
    form.accept()
    assert win.composer.text() == "请用3句话总结下面这段文字的要点：\n\n第一行\n第二行"


def test_escape_closes_the_picker_keeps_the_text_and_stops_nothing(qtbot, win):
    """Esc closes the list (not the window's Stop), keeps "/", and the list does not come back while typing."""
    edit = win.composer.edit
    qtbot.keyClicks(edit, "/")
    assert win.composer.picker_visible()
    qtbot.keyClick(edit, Qt.Key_Escape)
    assert not win.composer.picker_visible() and win.composer.text() == "/"
    qtbot.keyClicks(edit, "usr")
    assert not win.composer.picker_visible()
    edit.clear()
    qtbot.keyClicks(edit, "/")
    assert win.composer.picker_visible()


def test_no_match_hides_the_picker_so_enter_is_the_composer_s(qtbot, win):
    """A / text that matches no template (a path, say) shows no list."""
    qtbot.keyClicks(win.composer.edit, "/usr/bin/zzz")
    assert not win.composer.picker_visible()


def test_a_click_chooses_and_a_template_without_variables_fills_at_once(qtbot, win):
    """Clicking a row chooses it; a template with no variables goes straight into the box."""
    win.rt.templates.add("Greeting", "Hello there, please be brief.", "en")
    qtbot.keyClicks(win.composer.edit, "/greet")
    picker = win.composer.picker
    assert [t.name for t in picker.visible_templates()] == ["Greeting"]
    rect = picker.list.visualRect(picker.proxy.index(0, 0))
    qtbot.mouseClick(picker.list.viewport(), Qt.LeftButton, pos=rect.center())
    assert win.composer.text() == "Hello there, please be brief." and win.composer.form is None


def test_input_method_slash_opens_and_its_enter_chooses_nothing(qtbot, win):
    """A Chinese input method's ／ opens the list; Enter while it composes pinyin neither chooses nor sends."""
    edit = win.composer.edit
    sent = _sent(win.composer)
    QApplication.sendEvent(edit, _commit("／"))
    assert win.composer.picker_visible()
    QApplication.sendEvent(edit, QInputMethodEvent("run", []))  # pinyin being composed
    qtbot.keyClick(edit, Qt.Key_Return)
    assert win.composer.picker_visible() and win.composer.form is None and sent == []


def test_manage_dialog_adds_a_template_that_then_appears_in_the_picker(qtbot, win):
    """Manage templates… (the last entry) adds a template; back in the picker it is listed and fills."""
    edit = win.composer.edit
    qtbot.keyClicks(edit, "/")
    qtbot.keyClick(edit, Qt.Key_Up)  # from the first row up to the last: Manage templates…
    assert win.composer.picker.current() is None
    qtbot.keyClick(edit, Qt.Key_Return)
    dialog = win.composer.templates_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.name.setText("会议纪要")
    dialog.body.setPlainText("请把下面的会议记录整理成{n}个要点：\n\n{text}")
    assert dialog.language.currentData() == "zh" and "{n} {text}" in dialog.vars_label.text()
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert [r.name for r in win.rt.templates.list()] == ["会议纪要"]
    dialog.reject()
    assert win.composer.picker_visible()
    assert win.composer.picker.visible_templates()[0].name == "会议纪要"
    QApplication.sendEvent(edit, _commit("会议"))  # typed through an input method
    assert [t.name for t in win.composer.picker.visible_templates()] == ["会议纪要"]


def test_builtins_are_read_only_but_can_be_duplicated_and_deleted_copies(qtbot, win):
    """A built-in cannot be saved over; Duplicate makes an editable copy, which Delete removes after asking."""
    win.prompts.confirm = lambda title, text: True
    win.composer.manage_templates()
    dialog = win.composer.templates_dialog
    builtin_row = next(i for i in range(dialog.list.count()) if dialog.list.item(i).data(Qt.UserRole + 1).builtin)
    dialog.list.setCurrentRow(builtin_row)
    assert dialog.name.isReadOnly() and not dialog.save_button.isEnabled() and not dialog.delete_button.isEnabled()
    qtbot.mouseClick(dialog.duplicate_button, Qt.LeftButton)
    copy = dialog.current()
    assert not copy.builtin and copy.name.endswith("(copy)") and not dialog.name.isReadOnly()
    dialog.body.setPlainText(copy.body + " {extra}")
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert win.rt.templates.get(copy.id).body.endswith("{extra}")
    dialog.name.setText("")
    qtbot.mouseClick(dialog.save_button, Qt.LeftButton)
    assert "needs a name" in dialog.note.text() and win.rt.templates.get(copy.id).name == copy.name
    qtbot.mouseClick(dialog.delete_button, Qt.LeftButton)
    assert win.rt.templates.list() == []
    dialog.reject()


def test_composer_without_templates_offers_the_builtins(qtbot):
    """With no store given, / still lists the built-ins, and there is no Manage entry."""
    from aigc_desktop.ui.chat.composer import Composer

    host = QWidget()
    qtbot.addWidget(host)
    host.resize(800, 500)
    layout = QVBoxLayout(host)
    layout.addStretch(1)
    composer = Composer()
    layout.addWidget(composer)
    host.show()
    qtbot.keyClicks(composer.edit, "/")
    picker = composer.picker
    assert composer.picker_visible() and picker.matches() == 18
    assert picker.proxy.rowCount() == 19  # and the other language's heading
    assert picker.geometry().bottom() < composer.geometry().top() + composer.frame.y()  # above the box


def test_builtins_in_the_window_s_language_come_first_and_the_others_under_a_heading(qtbot, zh_window):
    """In Chinese the Chinese built-ins come first; the English ones, which share their names, follow under
    "英文模板", in the picker (where Up and Down step over the heading) and in Manage templates…."""
    from aigc_desktop.ui.chat.template_picker import HEADING_ROLE, TEMPLATE_ROLE

    w = zh_window(load_model=False)
    w.composer.set_templates(w.rt.templates)
    w.rt.templates.add("会议纪要", "请把下面的会议记录整理成纪要：{text}", "zh")
    w.resize(1000, 700)
    edit = w.composer.edit
    edit.setFocus()
    qtbot.keyClicks(edit, "/")
    picker = w.composer.picker
    rows = [picker.proxy.index(r, 0) for r in range(picker.proxy.rowCount())]
    headings = [r for r, index in enumerate(rows) if index.data(HEADING_ROLE)]
    assert len(headings) == 1 and rows[headings[0]].data() == "英文模板"
    kinds = [index.data(TEMPLATE_ROLE) for index in rows]
    before, after = kinds[:headings[0]], [t for t in kinds[headings[0] + 1:] if t is not None]
    assert before[0].name == "会议纪要" and {t.language for t in before[1:]} == {"zh"} and len(before) == 10
    assert {t.language for t in after} == {"en"} and len(after) == 9
    assert [t.name for t in before[1:]] == [t.name for t in after]  # why the heading is needed
    picker.list.setCurrentIndex(picker.proxy.index(headings[0] - 1, 0))
    qtbot.keyClick(edit, Qt.Key_Down)
    assert picker.current().key == after[0].key  # stepped over the heading
    qtbot.keyClick(edit, Qt.Key_Up)
    assert picker.current().key == before[-1].key
    QApplication.sendEvent(edit, _commit("润色"))  # a filter (typed through an input method): the heading stays
    # only above a match
    assert [t.key for t in picker.visible_templates()] == ["polish.zh", "polish.en"]
    assert [picker.proxy.index(r, 0).data(HEADING_ROLE) for r in range(picker.proxy.rowCount())].count(True) == 1
    picker.grab().save("/tmp/template_picker_zh.png")
    qtbot.keyClick(edit, Qt.Key_Escape)

    w.composer.manage_templates()
    dialog = w.composer.templates_dialog
    labels = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    cut = labels.index("英文模板")
    assert dialog.list.item(cut).flags() == Qt.NoItemFlags
    assert all("中文" in label for label in labels[1:cut]) and all("英文" in label for label in labels[cut + 1:])
    dialog.grab().save("/tmp/templates_dialog_zh.png")
    dialog.reject()
