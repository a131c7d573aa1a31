"""Emoji in the window on a machine with no emoji font: the monochrome Noto Emoji the PDF export
embeds (``manimgx-fonts``, found by :func:`aigc_desktop.export.fonts.emoji_font`) is registered
with Qt and made a fallback of the window's font, so 🚀👍 draw as glyphs, not □.

Registered once, after the window shows (``ui/app.py``): reading a 2 MB font is no part of
start-up. Where the system has an emoji font of its own (a colour one, usually) nothing is
done: a monochrome fallback would only stand in front of it.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QFontDatabase

from aigc_desktop.ui.kit import style

log = logging.getLogger(__name__)

_registered: list[str] = []  # the family, once registered
_font_ids: list[int] = []


def system_has_emoji() -> bool:
    return any("emoji" in family.lower() for family in QFontDatabase.families())


def register(app, *, force: bool = False) -> str | None:
    """Register Noto Emoji and add it to the fonts' fallbacks; returns its family (None when the system
    has an emoji font, unless ``force``, or the font cannot be read). Safe to call again."""
    if _registered:
        return _registered[0]
    if not force and system_has_emoji():
        return None
    from aigc_desktop.export.fonts import emoji_font

    try:
        path = emoji_font().path
    except (ImportError, OSError) as exc:  # the fonts package is missing: emoji stay as they were
        log.warning("no emoji font to register: %s", exc)
        return None
    font_id = QFontDatabase.addApplicationFont(str(path))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    if not families:
        log.warning("Qt could not load the emoji font %s", path)
        return None
    family = families[0]
    _registered.append(family)
    _font_ids.append(font_id)
    if hasattr(QFontDatabase, "addApplicationEmojiFontFamily"):  # Qt 6.9: asked first for emoji
        QFontDatabase.addApplicationEmojiFontFamily(family)
    style.add_fallback_family(family)
    from aigc_desktop.ui.kit.theme import install_font

    install_font(app)  # the application font now ends with it (and keeps it on a theme change)
    return family


def unregister(app) -> None:
    """Undo :func:`register` (for tests: the fonts are the process's)."""
    from aigc_desktop.ui.kit.theme import install_font

    for family in _registered:
        if hasattr(QFontDatabase, "removeApplicationEmojiFontFamily"):
            QFontDatabase.removeApplicationEmojiFontFamily(family)
        style.remove_fallback_family(family)
    for font_id in _font_ids:
        QFontDatabase.removeApplicationFont(font_id)
    _registered.clear()
    _font_ids.clear()
    install_font(app)
