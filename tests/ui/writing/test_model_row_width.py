"""The studio's document model box: a name that fits shows whole, a long one is cut in the middle with
"…" (it was clipped at "SmolLM2-135M-Instruct" with no mark), whole in the tooltip."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QWidget

from aigc_desktop.ui.kit.elide import elide
from aigc_desktop.ui.writing.model_row import MAX_WIDTH, DocumentModelRow

LOCAL = "SmolLM2-135M-Instruct.Q4_K_M"
REMOTE = "my-provider/Qwen/Qwen3-30B-A3B-Instruct-2507-GGUF:Q4_K_M"


def _title_row(qtbot, width):
    page = QWidget()
    qtbot.addWidget(page)
    row = DocumentModelRow(page)
    lay = QHBoxLayout(page)
    lay.addWidget(QLabel("灯塔的故事"), 1)
    lay.addWidget(row)
    page.resize(width, 60)
    page.show()
    qtbot.waitExposed(page)
    row.page = page
    return row


def _face_room(box) -> int:
    """The width the closed box draws its text in (as ElidedComboBox.paintEvent measures it)."""
    from PySide6.QtWidgets import QStyle, QStyleOptionComboBox

    opt = QStyleOptionComboBox()
    box.initStyleOption(opt)
    return box.style().subControlRect(QStyle.CC_ComboBox, opt, QStyle.SC_ComboBoxEditField, box).width() - 4


def test_a_local_name_shows_whole_where_there_is_room(qtbot):
    row = _title_row(qtbot, 1000)
    row.show_choices([(LOCAL, "a"), (REMOTE, "b")], "a", False)
    QApplication.processEvents()
    box = row.model
    assert box.width() <= MAX_WIDTH
    assert elide(LOCAL, box.font(), _face_room(box)) == LOCAL
    assert box.full_tip().startswith(LOCAL + "\n")


def test_a_long_name_is_cut_in_the_middle_with_the_whole_in_the_tooltip(qtbot):
    row = _title_row(qtbot, 420)
    row.show_choices([(LOCAL, "a"), (REMOTE, "b")], "b", False)
    QApplication.processEvents()
    box = row.model
    shown = elide(REMOTE, box.font(), _face_room(box))
    assert "…" in shown and shown.startswith("my-") and shown.endswith("K_M")
    assert box.full_tip().startswith(REMOTE + "\n")
    grabbed = box.grab()  # the face paints (ElidedComboBox.paintEvent) without complaint
    assert not grabbed.isNull()
