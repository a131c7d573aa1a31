"""The studio's stop banner in Chinese: no space after a full-width full stop ("已停止。 这一节…" had one);
English keeps its space."""

from __future__ import annotations

import pytest

from aigc_desktop import i18n
from aigc_desktop.ui.writing.run_notes import after_run

STOPPED = {"statuses": ["stopped"], "runs": [{"version_id": 7, "section_id": 1}]}
FAILED = {"statuses": ["error"], "runs": [{"version_id": None}], "error": "模型出错了。"}


@pytest.fixture
def zh():
    i18n.install("zh_CN")
    yield
    i18n.install("en")


def test_chinese_sentences_run_on_without_a_space(zh):
    assert after_run("draft", STOPPED, None) == ("info", "已停止。这一节显示结束前写出的文字。")
    assert after_run("draft", FAILED, None) == ("error", "模型出错了。结束前没有写出文字；这一节保持原样。")


def test_english_sentences_keep_their_space():
    assert after_run("draft", STOPPED, None) == ("info", "Stopped. The section shows the text written before it ended.")
    assert after_run("draft", {**FAILED, "error": "Model failed."}, None)[1].startswith("Model failed. Nothing")


def test_sentences_joins_as_each_language_writes():
    assert i18n.sentences("已停止。", "这一节。") == "已停止。这一节。"
    assert i18n.sentences("Stopped.", "The section.") == "Stopped. The section."
    assert i18n.sentences("", "只有这一句。") == "只有这一句。"
    assert i18n.sentences("（完）", "下一句") == "（完）下一句"
