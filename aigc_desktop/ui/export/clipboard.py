"""Copy Markdown so that it pastes formatted: the clipboard gets both ``text/html`` (the
window's rendering, :func:`aigc_desktop.export.rich_text.clipboard_html`) and
``text/plain`` (the Markdown as written).

A rich editor (WeChat 公众号, Word, a mail) takes the HTML, a plain-text box or a code
editor the Markdown. Used by a message's Copy, Copy last reply and the studio's Copy article.
"""

from __future__ import annotations

from PySide6.QtCore import QMimeData
from PySide6.QtGui import QGuiApplication


def markdown_mime(markdown: str) -> QMimeData:
    """Mime data holding ``markdown`` as plain text and as rendered HTML."""
    from aigc_desktop.export.rich_text import clipboard_html  # the renderer loads on first copy, not at start-up

    data = QMimeData()
    data.setText(markdown)
    data.setHtml(clipboard_html(markdown))
    return data


def copy_markdown(markdown: str) -> None:
    """Put ``markdown`` on the clipboard, formatted and as written."""
    QGuiApplication.clipboard().setMimeData(markdown_mime(markdown))
