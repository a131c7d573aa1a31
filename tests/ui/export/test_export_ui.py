"""File → Export in the window: the format from the save dialog, export-all with a format, long images."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QImage

from aigc_desktop.ui.export.controller import EXPORT_FILTERS


def _window_with_chat(make_window, n: int = 2):
    win = make_window(load_model=False)
    store = win.rt.store if hasattr(win, "rt") and win.rt is not None else None
    conv = store.create("导出 UI")
    for i in range(n):
        store.add_message(conv.id, "user" if i % 2 == 0 else "assistant", f"第 {i} 条消息：你好，世界。" + ("\n\n```python\nprint(1)\n```" if i % 2 else ""))
    win.conversations.refresh_sidebar()
    win.conversations.open(conv.id)
    return win, conv


def _answer_save(win, path: Path, filter_key: str) -> None:
    label = dict(EXPORT_FILTERS)[filter_key]

    def ask(caption, suggested, filt, selected=""):
        assert label in filt.split(";;")  # every format is offered
        win.prompts.selected_filter = label
        return str(path)

    win.prompts.ask_save_path = ask


def test_export_picks_format_from_chosen_file_type(qtbot, make_window, tmp_path):
    """No extension typed: the chosen file type decides (Word), and the extension is added."""
    win, _conv = _window_with_chat(make_window)
    _answer_save(win, tmp_path / "chat", "docx")
    with qtbot.wait_signal(win.exporter.exported, timeout=30_000) as blocker:
        win.export_action.trigger()
    out = Path(blocker.args[0])
    assert out == tmp_path / "chat.docx"
    assert out.read_bytes()[:2] == b"PK"


def test_export_typed_extension_wins(qtbot, make_window, tmp_path):
    """A typed .pdf is a PDF even when the Markdown file type was left selected."""
    win, _conv = _window_with_chat(make_window)
    _answer_save(win, tmp_path / "chat.pdf", "md")
    with qtbot.wait_signal(win.exporter.exported, timeout=60_000):
        win.export_action.trigger()
    assert (tmp_path / "chat.pdf").read_bytes()[:5] == b"%PDF-"
    assert not list(tmp_path.glob("*.tmp"))


def test_export_all_with_a_format(qtbot, make_window, tmp_path):
    """Export all asks for a format and writes one HTML file per conversation, in the background."""
    win, _conv = _window_with_chat(make_window)
    win.rt.store.create("second")
    win.prompts.ask_choice = lambda title, label, items, current=0: dict(EXPORT_FILTERS)["html"]
    win.prompts.ask_folder = lambda caption: str(tmp_path)
    task = win.exporter.export_everything()
    qtbot.waitUntil(lambda: len(list(tmp_path.glob("*.html"))) == 2 and not win.task_progress.running, timeout=30_000)
    assert task is not None
    assert all("<script" not in p.read_text(encoding="utf-8") for p in tmp_path.glob("*.html"))


def test_long_image_height_and_split(qtbot, make_window, tmp_path):
    """One image for a short chat; the same chat past the height limit splits into several, same total height."""
    from aigc_desktop.ui.export.image import PAD, LongImage

    win, conv = _window_with_chat(make_window, n=16)
    messages = win.rt.store.branch(conv.id)
    one = LongImage(messages, "t", max_height=100_000, scale=1.0)
    [path] = one.save(tmp_path / "one.png")
    single = QImage(str(path))
    heights = [one._height_of(m) for m in messages]
    assert single.height() == one.header_height() + sum(heights) + PAD
    assert single.width() == one.width
    # Messages with code are taller than those without: the image follows the content.
    assert heights[1] > heights[0]

    limit = one.header_height() + sum(heights) // 3
    split = LongImage(messages, "t", max_height=limit, scale=1.0)
    paths = split.save(tmp_path / "split.png")
    assert len(paths) >= 3 and [p.name for p in paths][:2] == ["split-1.png", "split-2.png"]
    images = [QImage(str(p)) for p in paths]
    assert split.max_height == limit and all(img.height() <= limit for img in images)
    covered = sum(b - a for page in split.pages() for _i, a, b in page)
    assert covered == sum(heights)


def test_save_conversation_as_image_from_menu(qtbot, make_window, tmp_path):
    """File → Save conversation as image writes a PNG of the open chat."""
    win, _conv = _window_with_chat(make_window)
    win.prompts.ask_save_path = lambda *a, **k: str(tmp_path / "chat.png")
    win.export_image_action.trigger()
    img = QImage(str(tmp_path / "chat.png"))
    assert not img.isNull() and img.height() > 100
