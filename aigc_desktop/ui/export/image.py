"""A conversation (or some of its messages) as long PNG images, drawn like the window.

This is how people share a chat in WeChat: one tall picture. Each message is laid out
offscreen in a ``QTextDocument`` from the same HTML and stylesheet as the window's
message view (``render/html.py``, ``style.message_css``), with the person's messages in
the window's bubble colour, and painted onto a ``QImage``. Nothing is loaded from
outside: formulas come from their own source as in the window (``math_resources``).

Memory stays bounded for any length: a first pass only measures (one document at a
time, then dropped), the messages are cut into images of at most ``max_height`` pixels
(a message taller than that is sliced across images), and each image is painted, saved
and freed before the next one. Chat apps shrink very tall pictures, so the default
limit is 8,000 logical pixels at twice the resolution (an image of ≤ 1,520 × 16,000).
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from PySide6.QtCore import QRectF, QUrl
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QTextDocument

from aigc_desktop.export.document import THINKING_LABEL
from aigc_desktop.i18n import N_, _
from aigc_desktop.render.html import document_html, render_markdown
from aigc_desktop.ui.kit import style
from aigc_desktop.ui.chat.math_resources import message_resource

WIDTH = 760  # logical pixels, about the window's reading column
MAX_HEIGHT = 8000
SCALE = 2.0
PAD = 24  # outer margin
BUBBLE_PAD = 14
GAP = 18  # between messages
LABEL_H = 22
_COPY_LINK = re.compile(r'(?:&nbsp;)*<a href="copy:\d+"[^>]*>[^<]*</a>')  # "Copy" in any language
ROLE_LABELS = {"user": N_("User"), "assistant": N_("Assistant"), "system": N_("System")}


class _Doc(QTextDocument):
    """A message document that loads nothing but formulas drawn from their source."""

    def __init__(self, ratio: float) -> None:
        super().__init__()
        self._ratio = ratio

    def loadResource(self, type_: int, name: QUrl):  # noqa: N802 - Qt override
        return message_resource(type_, name, self._ratio)


class LongImage:
    """Lays out ``messages`` (records with ``role`` and ``content``) and saves PNGs."""

    def __init__(self, messages, title: str = "", palette: style.Palette | None = None,
                 width: int = WIDTH, max_height: int = MAX_HEIGHT, scale: float = SCALE,
                 reasoning: bool = False) -> None:
        self.messages = list(messages)
        self.reasoning = reasoning  # draw a reply's thinking (if any) in a shaded box before its answer
        self.title = title
        self.palette = palette or style.current()
        self.theme = _theme_for(self.palette)
        self.width = width
        self.max_height = max(max_height, 400)
        self.scale = scale

    # -- layout ---------------------------------------------------------------------------
    def _document(self, msg) -> QTextDocument:
        doc = _Doc(self.scale)
        doc.setDefaultStyleSheet(style.message_css(self.palette))
        doc.setDefaultFont(style.ui_font())
        doc.setDocumentMargin(0)
        body = _COPY_LINK.sub("", render_markdown(msg.content, self.theme).html)  # no Copy in a picture
        thought = (getattr(msg, "reasoning", "") or "").strip() if self.reasoning else ""
        if thought:
            body = self._thinking_html(thought) + body
        doc.setHtml(document_html(body, self.theme))
        doc.setTextWidth(self._body_width(msg))
        return doc

    def _thinking_html(self, reasoning: str) -> str:
        """The thinking as a one-cell table (QTextDocument's only shaded box) with its title."""
        p = self.palette
        inner = _COPY_LINK.sub("", render_markdown(reasoning, self.theme).html)
        return (f'<table width="100%" cellspacing="0" cellpadding="10" bgcolor="{p.bubble}" '
                f'style="margin-bottom: 10px;"><tr><td>'
                f'<p style="color: {p.muted}; font-weight: 600; font-size: small;">'
                f'{html.escape(_(THINKING_LABEL))}</p>'
                f'<div style="color: {p.muted};">{inner}</div></td></tr></table>')

    def _body_width(self, msg) -> int:
        inner = self.width - 2 * PAD
        return inner - 2 * BUBBLE_PAD if msg.role == "user" else inner

    def _height_of(self, msg) -> int:
        doc = self._document(msg)
        body = int(doc.size().height() + 0.999)
        pad = 2 * BUBBLE_PAD if msg.role == "user" else 0
        return LABEL_H + body + pad + GAP

    def header_height(self) -> int:
        return PAD + (40 if self.title else 0)

    def pages(self) -> list[list[tuple[int, int, int]]]:
        """The images to draw: each a list of (message index, from y, to y) slices."""
        pages: list[list[tuple[int, int, int]]] = []
        current: list[tuple[int, int, int]] = []
        used = self.header_height()
        for i, msg in enumerate(self.messages):
            h = self._height_of(msg)
            start = 0
            while start < h:
                room = self.max_height - PAD - used
                if room < min(h - start, 120) and current:
                    pages.append(current)
                    current, used = [], PAD
                    continue
                take = min(h - start, max(room, 1))
                current.append((i, start, start + take))
                used += take
                start += take
        if current or not pages:
            pages.append(current)
        return pages

    # -- painting -------------------------------------------------------------------------
    def save(self, path: Path) -> list[Path]:
        """Write ``path`` (one image) or ``path-1.png``, ``path-2.png`` … ; returns them."""
        path = Path(path)
        if path.suffix.lower() != ".png":
            path = path.with_suffix(".png")
        pages = self.pages()
        out = []
        for n, slices in enumerate(pages, start=1):
            target = path if len(pages) == 1 else path.with_name(f"{path.stem}-{n}{path.suffix}")
            image = self._paint(slices, first=n == 1)
            if not image.save(str(target), "PNG"):
                from aigc_desktop.errors import UserError

                raise UserError(_("Could not write {path}").format(path=target))
            out.append(target)
            del image
        return out

    def _paint(self, slices, first: bool) -> QImage:
        top = self.header_height() if first else PAD
        height = top + sum(b - a for _, a, b in slices) + PAD
        image = QImage(int(self.width * self.scale), int(height * self.scale), QImage.Format_RGB32)
        image.setDevicePixelRatio(self.scale)
        image.fill(QColor(self.palette.window))
        p = QPainter(image)
        p.setRenderHint(QPainter.Antialiasing)
        p.setRenderHint(QPainter.TextAntialiasing)
        if first and self.title:
            font = QFont(p.font())
            font.setPixelSize(20)
            font.setBold(True)
            p.setFont(font)
            p.setPen(QColor(self.palette.text))
            p.drawText(QRectF(PAD, PAD - 4, self.width - 2 * PAD, 36), self.title)
        y = top
        for index, a, b in slices:
            self._paint_slice(p, self.messages[index], a, b, y)
            y += b - a
        p.end()
        return image

    def _paint_slice(self, p: QPainter, msg, a: int, b: int, y: int) -> None:
        """Draw rows ``a``..``b`` of one message's full drawing at ``y``."""
        full = self._height_of(msg)
        p.save()
        p.setClipRect(QRectF(0, y, self.width, b - a))
        p.translate(0, y - a)
        font = style.ui_font(12)
        font.setBold(True)
        p.setFont(font)
        p.setPen(QColor(self.palette.muted))
        label = ROLE_LABELS.get(msg.role)
        p.drawText(QRectF(PAD, 0, self.width - 2 * PAD, LABEL_H), _(label) if label else msg.role)
        doc = self._document(msg)
        x = PAD
        body_top = LABEL_H
        if msg.role == "user":
            p.setPen(QColor(0, 0, 0, 0))
            p.setBrush(QColor(self.palette.bubble))
            p.drawRoundedRect(QRectF(PAD, LABEL_H, self.width - 2 * PAD, full - LABEL_H - GAP), 14, 14)
            x += BUBBLE_PAD
            body_top += BUBBLE_PAD
        p.translate(x, body_top)
        doc.drawContents(p, QRectF(0, a - body_top - 2, doc.textWidth(), b - a + 4))
        p.restore()


def _theme_for(palette: style.Palette):
    from aigc_desktop.render.html import DARK, LIGHT

    return DARK if palette.name == "dark" else LIGHT


def save_long_image(messages, path: Path, title: str = "", **kwargs) -> list[Path]:
    return LongImage(messages, title, **kwargs).save(path)

