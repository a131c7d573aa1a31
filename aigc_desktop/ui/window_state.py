"""The main window comes back where and as large as it was (Qt's own saveGeometry,
kept base64 in ``Settings.window_geometry``, written through the settings store).

A geometry that no longer fits a screen (a monitor unplugged) is placed back on one
by ``QWidget.restoreGeometry`` itself; a value that cannot be read is ignored.
"""

from __future__ import annotations

import base64
import binascii

from PySide6.QtCore import QByteArray


def restore_geometry(window, settings_store) -> bool:
    saved = settings_store.current().window_geometry
    if not saved:
        return False
    try:
        data = base64.b64decode(saved, validate=True)
    except (binascii.Error, ValueError):
        return False
    return bool(window.restoreGeometry(QByteArray(data)))


def save_geometry(window, settings_store) -> None:
    value = base64.b64encode(bytes(window.saveGeometry())).decode("ascii")
    if value != settings_store.current().window_geometry:
        settings_store.update(window_geometry=value)
