"""Long model ids in the status bar and the toolbar end in "…" in their middle, whole in the tooltip."""

from __future__ import annotations

from tests.ui.conftest import settle

LONG_REF = "my-provider/Qwen/Qwen3-30B-A3B-Instruct-2507-GGUF:Q4_K_M"


def test_the_status_bar_and_the_model_box_elide_a_long_id_in_a_small_window(qtbot, zh_window):
    win = zh_window(load_model=False)
    win.resize(800, 600)
    text = f"模型：{LONG_REF}（服务器）· 上下文 32,768 个词元"
    win.model_label.setText(text)
    win.model_combo.addItem(LONG_REF, LONG_REF)
    win.model_combo.setCurrentIndex(win.model_combo.count() - 1)
    settle(qtbot, win)
    win.resize(640, 480)  # the narrowest the window goes
    settle(qtbot, win)
    label = win.model_label
    assert label.text() == text  # callers read the whole text back
    shown = label.shown_text()
    assert "…" in shown and shown.startswith("模型：my-") and shown.endswith("个词元")
    assert label.toolTip() == text
    assert label.fontMetrics().horizontalAdvance(shown) <= label.contentsRect().width()
    right = label.mapTo(win, label.rect().topRight()).x()
    assert right < win.serve_toggle.mapTo(win, win.serve_toggle.rect().topLeft()).x()  # no overlap, not cut
    assert win.model_combo.width() == 280 and LONG_REF in win.model_combo.full_tip()
    win.resize(1400, 760)
    settle(qtbot, win)
    assert label.shown_text() == text and label.toolTip() == ""


def test_shorten_cuts_in_the_middle():
    from aigc_desktop.ui.kit.elide import shorten

    long_id = "Qwen/Qwen3-30B-A3B-Instruct-2507-GGUF:Q4_K_M"
    short = shorten(long_id, 32)
    assert len(short) == 32 and short.startswith("Qwen/Qwen3-30B") and short.endswith("GGUF:Q4_K_M") and "…" in short
    assert shorten("fk-plain", 32) == "fk-plain"


def test_the_composer_pill_elides_a_long_remote_model_name(qtbot):
    from aigc_desktop.ui.chat.composer import PILL_WIDTH, Composer

    composer = Composer()
    qtbot.addWidget(composer)
    name = "my-provider/Qwen/Qwen3-30B-A3B-Instruct-2507-GGUF:Q4_K_M (本机服务器)"
    composer.set_model_name(name)
    shown = composer.model_pill.text()
    assert "…" in shown and shown.startswith("my-provider") and shown.endswith("(本机服务器)")
    assert composer.model_pill.fontMetrics().horizontalAdvance(shown) <= PILL_WIDTH
    assert name in composer.model_pill.toolTip()
