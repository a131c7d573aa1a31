"""Qt's file dialog in Chinese: "Look in:" and "Files of type:" were English beside translated labels
(Qt 6 added mnemonics to them; qtbase_zh_CN.qm has only the old strings), and the type column said
"Folder"."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QFileInfo
from PySide6.QtWidgets import QApplication, QFileDialog, QFileIconProvider

from aigc_desktop.ui.kit import qt_translations


@pytest.fixture
def qt_zh(qapp):
    installed = qt_translations.install(qapp, "zh_CN")
    if not installed:
        pytest.skip("this Qt has no qtbase_zh_CN.qm")
    yield
    for translator in installed:
        qapp.removeTranslator(translator)


def test_the_file_dialog_labels_are_chinese(qtbot, qt_zh, tmp_path):
    dialog = QFileDialog(None, "导出", str(tmp_path / "x.md"), "Markdown (*.md)")
    dialog.setOption(QFileDialog.DontUseNativeDialog, True)
    dialog.setAcceptMode(QFileDialog.AcceptSave)
    qtbot.addWidget(dialog)
    assert dialog.labelText(QFileDialog.LookIn) == "查找范围(&L)："
    assert dialog.labelText(QFileDialog.FileType) == "文件类型(&T)："
    assert dialog.labelText(QFileDialog.FileName) == "文件名称(&N)："  # translated by qtbase itself


def test_file_kinds_are_chinese(qt_zh, tmp_path):
    provider = QFileIconProvider()
    assert provider.type(QFileInfo(str(tmp_path))) == "文件夹"


def test_other_strings_are_left_to_qt(qt_zh):
    assert QApplication.translate("QFileDialog", "&Look in:") == "查找范围(&L)："
    assert QApplication.translate("QFileDialog", "Detail View") == "详情视图"
    assert QApplication.translate("NoSuchContext", "Hello") == "Hello"  # not "": the source text
    assert QApplication.translate("QAbstractFileIconProvider", "No such kind") == "No such kind"


def test_the_mnemonic_is_written_the_chinese_way():
    assert qt_translations.with_mnemonic("查找范围：", "&Look in:") == "查找范围(&L)："
    assert qt_translations.with_mnemonic("文件夹", "Folder") == "文件夹"
    assert qt_translations.with_mnemonic("打开(&O)", "&Open") == "打开(&O)"
