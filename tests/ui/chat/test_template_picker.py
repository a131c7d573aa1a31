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
    assert composer.picker_visible() and picker.proxy.rowCount() == picker.matches() == 18
    assert picker.geometry().bottom() < composer.geometry().top() + composer.frame.y()  # above the box
