"""The banner: notes that clear themselves, errors that stay, core errors in Chinese."""

from __future__ import annotations


def test_b8_an_information_note_clears_itself(qtbot, make_window):
    """B8: an "Exported to…" style note fades on its own; an error stays."""
    from aigc_desktop.ui.kit import banner as banner_mod

    win = make_window(load_model=False)
    win.banner.show_info("Exported to /tmp/x.md")
    assert win.banner.isVisible() and win.banner._fade.isActive()
    win.banner._fade.timeout.emit()
    assert not win.banner.isVisible()
    win.banner.show_error("Disk full")
    assert not win.banner._fade.isActive() and banner_mod.INFO_SECONDS > 0


def test_a_core_error_in_the_banner_is_chinese(qtbot, zh_window, tmp_path):
    """Loading a file that is not GGUF shows the core's refusal in Chinese, and says which model stays."""
    win = zh_window()
    bad = tmp_path / "notes.gguf"
    bad.write_text("hello")
    win.model_choice.load(bad)
    qtbot.waitUntil(win.banner.isVisible, timeout=30_000)
    text = win.banner.text()
    assert "不是 GGUF 模型文件" in text and "仍在使用" in text, text
