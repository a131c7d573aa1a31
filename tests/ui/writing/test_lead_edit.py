"""The lead paragraph's field (导语) shows three lines, grows with its text up to a cap, then scrolls."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from aigc_desktop.ui.writing.lead_edit import MAX_LINES, MIN_LINES, LeadEdit, line_height

TWO_PARAGRAPHS = "第一段：灯塔是海上的指路明灯，几百年来守护着来往的船只。\n第二段：本文介绍灯塔的历史、结构与未来。"


def _form(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    lead = LeadEdit(page)
    lay = QVBoxLayout(page)
    lay.addWidget(lead)
    lay.addStretch(1)
    page.resize(900, 600)
    page.show()
    qtbot.waitExposed(page)
    lead.page = page  # the form lives as long as the field
    return lead


def _settle():
    for _ in range(5):
        QApplication.processEvents()


def test_a_two_paragraph_lead_shows_whole_without_a_scrollbar(qtbot):
    """At rest the field is three Chinese lines tall (it was one and a half: the Latin font's line
    height); both paragraphs of a two-paragraph lead show, with nothing to scroll."""
    lead = _form(qtbot)
    line = line_height(lead.font())
    assert lead.height() >= MIN_LINES * line
    lead.setText(TWO_PARAGRAPHS)
    _settle()
    assert lead.verticalScrollBar().maximum() == 0
    assert lead.height() < (MIN_LINES + 1) * line + 20


def test_the_field_grows_with_its_text_up_to_the_cap_then_scrolls(qtbot):
    lead = _form(qtbot)
    line = line_height(lead.font())
    rest = lead.height()
    lead.setText("\n".join(f"第{n}段：灯塔是海上的指路明灯。" for n in range(1, 5)))
    _settle()
    four = lead.height()
    assert four >= rest + line - 1 and lead.verticalScrollBar().maximum() == 0
    lead.setText("\n".join(f"第{n}段：灯塔是海上的指路明灯。" for n in range(1, 30)))
    _settle()
    assert lead.height() <= MAX_LINES * line + 20 and lead.verticalScrollBar().maximum() > 0
    lead.setText("")  # back to three lines
    _settle()
    assert lead.height() == rest


def test_typing_a_new_paragraph_grows_the_field(qtbot):
    lead = _form(qtbot)
    lead.setText(TWO_PARAGRAPHS + "\n第三段。")
    _settle()
    rest = lead.height()
    lead.setFocus()
    lead.moveCursor(lead.textCursor().MoveOperation.End)
    lead.insertPlainText("\n第四段。")
    _settle()
    assert lead.height() > rest and lead.verticalScrollBar().maximum() == 0
