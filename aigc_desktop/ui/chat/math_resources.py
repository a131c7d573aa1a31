"""What a message document may load: a formula's image at the screen's pixel ratio, and
nothing else.

``render/math.py`` typesets a formula to a shapes-only SVG (no Qt there); this module
is the Qt half: ``MessageBody.loadResource`` asks ``message_resource`` for every
resource, which hands a ``math:`` image to ``formula_image``. That rasterises the SVG with QtSvg at ``width × ratio`` pixels and
marks the image with that ratio, so a formula is as sharp as the text on a HiDPI screen.
Images are kept in a small LRU: a streaming reply re-renders its message 20 times a
second and each time Qt asks again for every formula in it.
"""

from __future__ import annotations

import math
from collections import OrderedDict

from PySide6.QtCore import QByteArray, QUrl, Qt
from PySide6.QtGui import QImage, QPainter, QTextDocument
from PySide6.QtSvg import QSvgRenderer

from aigc_desktop.render.math import SCHEME, formula_for_url

CACHE_SIZE = 512
_images: OrderedDict[tuple[str, float], QImage] = OrderedDict()


def message_resource(type_: int, name: QUrl, ratio: float) -> QImage | None:
    """A formula's image for a ``math:`` address; otherwise nothing. Other images get a
    null image, not None: on None Qt itself decodes ``data:`` addresses and reads
    ``file:`` ones."""
    if name.scheme() == SCHEME:
        return formula_image(name, ratio)
    return QImage() if type_ == QTextDocument.ImageResource else None


def formula_image(url: QUrl, ratio: float) -> QImage:
    """The formula's image; a null image (Qt then draws nothing) if it cannot be drawn."""
    key = (url.toString(), ratio)
    image = _images.get(key)
    if image is not None:
        _images.move_to_end(key)
        return image
    formula = formula_for_url(key[0])
    if formula is None:
        return QImage()
    image = QImage(
        math.ceil(formula.width * ratio), math.ceil(formula.height * ratio), QImage.Format_ARGB32_Premultiplied
    )
    image.fill(Qt.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.Antialiasing)
    QSvgRenderer(QByteArray(formula.svg)).render(painter)
    painter.end()
    image.setDevicePixelRatio(ratio)
    _images[key] = image
    if len(_images) > CACHE_SIZE:
        _images.popitem(last=False)
    return image
