"""Formula images in the message view: drawn at the pixel ratio, and nothing else loads."""

from __future__ import annotations

import re
from datetime import datetime, timezone

from PySide6.QtCore import QUrl
from PySide6.QtGui import QColor, QImage, QTextDocument

from aigc_desktop.render.html import DARK, LIGHT
from aigc_desktop.render.math import formula_for_url, formula_url
from aigc_desktop.store.conversations import MessageRecord
from aigc_desktop.ui.chat.view import ChatView
from aigc_desktop.ui.chat.math_resources import formula_image, message_resource

T0 = datetime(2026, 1, 2, tzinfo=timezone.utc)
PNG_1PX = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="


def _inked(image: QImage, color: str) -> int:
    """How many pixels are close to the given colour (the formula's ink)."""
    want = QColor(color)
    return sum(
        1
        for y in range(image.height())
        for x in range(image.width())
        if (c := image.pixelColor(x, y)).alpha() > 200 and abs(c.red() - want.red()) < 40 and abs(c.green() - want.green()) < 40
    )


def test_formula_image_is_drawn_at_the_pixel_ratio(qapp):
    """A formula becomes an image of width × ratio pixels, marked with that ratio, in its colour."""
    url = formula_url(r"\frac{a}{b} + \sqrt{x}", False, DARK.text)
    f = formula_for_url(url)
    for ratio in (1.0, 2.0):
        img = formula_image(QUrl(url), ratio)
        assert not img.isNull() and img.devicePixelRatio() == ratio
        assert (img.width(), img.height()) == (round(f.width * ratio), round(f.height * ratio))
        assert _inked(img, DARK.text) > 20


def test_only_formulas_load(qapp):
    """data:, file:, http: and broken math: images give a null image, never their content."""
    assert not message_resource(QTextDocument.ImageResource, QUrl(formula_url("x^2", False, LIGHT.text)), 1.0).isNull()
    for bad in (PNG_1PX, "file:///etc/hostname", "http://127.0.0.1:9/x.png", "math:i000000/%%%", "math:nonsense"):
        assert message_resource(QTextDocument.ImageResource, QUrl(bad), 1.0).isNull(), bad
    assert message_resource(QTextDocument.StyleSheetResource, QUrl("http://127.0.0.1:9/x.css"), 1.0) is None


def test_message_shows_formulas_and_blocks_other_images(qtbot):
    """A message with inline and display math gets its formula images from the view's
    document, while a data: image put in the same document stays unloaded."""
    view = ChatView()
    qtbot.addWidget(view)
    view.set_theme(LIGHT)
    text = "Euler: $e^{i\\pi}+1=0$\n$$\n\\sum_{n=0}^\\infty \\frac{x^n}{n!}\n$$\n> and $\\sqrt{2}$"
    view.set_messages([MessageRecord(1, 1, None, "assistant", text, "done", T0, "m", {})])
    body = view.widgets[0].body
    doc = body.document()
    srcs = re.findall(r'src="(math:[^"]+)"', body.toHtml())
    assert len(srcs) == 3
    for src in srcs:
        img = doc.resource(QTextDocument.ImageResource, QUrl(src))
        assert isinstance(img, QImage) and not img.isNull()
    body.setHtml(f'<p><img src="{PNG_1PX}" width="10" height="10"></p>')
    leaked = doc.resource(QTextDocument.ImageResource, QUrl(PNG_1PX))
    assert leaked is None or (isinstance(leaked, QImage) and leaked.isNull())
