"""One translation mechanism for the core, the CLI and the window: Python ``gettext``.

Why gettext (with Babel for extraction and compiling) rather than Qt Linguist:
the core and the CLI cannot import Qt, yet their messages (``UserError`` texts,
load failures, download errors) reach the window's banner and the terminal. One
``_()`` serves all three, one catalog per language lives in
``resources/translations/<lang>/LC_MESSAGES/aigc_desktop.po``, and a test
extracts every marked string and fails when one has no translation. Qt's own
standard buttons still come from Qt's ``qtbase_<lang>.qm`` (``ui/app.py``).

The ``.po`` file is compiled at first use (Babel, in memory, a few ms) so a fresh
clone needs no build step. Marking:
    _("text")                  translate now
    N_("text")                 mark a constant; translate where it is shown: _(CONSTANT)
    ngettext("one", "many", n)

The language: ``AIGC_DESKTOP_LANG`` (``zh_CN`` or ``en``) overrides the saved
setting (``system`` / ``zh_CN`` / ``en``), and ``system`` follows the locale.
"""

from __future__ import annotations

import gettext
import io
import locale
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

DOMAIN = "aigc_desktop"
LANG_ENV = "AIGC_DESKTOP_LANG"
TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "resources" / "translations"
LANGUAGES = {"zh_CN": "中文（简体）", "en": "English"}  # each in its own language, never translated

_current = "en"
_translations: gettext.NullTranslations = gettext.NullTranslations()


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    return message


def _(message: str) -> str:
    return _translations.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations.ngettext(singular, plural, n)


# Marks after which Chinese runs on with no space ("已停止。这一节…"); gettext has no notion of it.
_FULL_WIDTH_END = "。！？；：，、…）」』”"


def sentences(*parts: str) -> str:
    """Translated sentences joined as the language writes them: a space after "Stopped.", none after
    "已停止。" (a space after a full-width mark shows as a gap). Empty parts are left out."""
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        out += part if not out or out.endswith(tuple(_FULL_WIDTH_END)) else " " + part
    return out


def current_language() -> str:
    return _current


def system_language() -> str:
    """zh_CN when the system's language is Chinese, else en."""
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    try:
        loc = locale.getlocale()[0] or ""
    except ValueError:
        loc = ""
    return "zh_CN" if loc.lower().startswith(("zh", "chinese")) else "en"


def resolve_language(setting: str | None = None) -> str:
    """The language to use: the environment, then the setting, then the system."""
    forced = os.environ.get(LANG_ENV, "").strip()
    if forced:
        return normalise(forced)
    if setting and setting != "system":
        return normalise(setting)
    return system_language()


def normalise(value: str) -> str:
    v = value.replace("-", "_").lower()
    return "zh_CN" if v.startswith("zh") else "en"


def po_file(language: str) -> Path:
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load_catalog(language: str) -> gettext.NullTranslations:
    """The compiled catalog for ``language`` (English is the source: no catalog)."""
    if language == "en":
        return gettext.NullTranslations()
    path = po_file(language)
    try:
        from babel.messages.mofile import write_mo
        from babel.messages.pofile import read_po

        with open(path, "rb") as fh:
            catalog = read_po(fh, locale=language)
        buf = io.BytesIO()
        write_mo(buf, catalog, use_fuzzy=False)
        buf.seek(0)
        return gettext.GNUTranslations(buf)
    except (OSError, ValueError) as exc:  # a missing or broken catalog: English, never a crash
        log.warning("translations for %s unavailable (%s); using English", language, exc)
        return gettext.NullTranslations()


def install(language: str | None = None, setting: str | None = None) -> str:
    """Make ``language`` (or the resolved one) current for every ``_()``; returns it."""
    global _current, _translations
    chosen = normalise(language) if language else resolve_language(setting)
    _translations = load_catalog(chosen)
    _current = chosen
    return chosen
