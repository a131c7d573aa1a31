"""Keeping the translation catalogs in step with the code (Babel's extraction).

    python -m aigc_desktop.i18n_catalog update     add new strings to every .po, drop unused ones
    python -m aigc_desktop.i18n_catalog check      list strings without a translation (exit 1)

The test suite runs the same check, so a string added without its Chinese fails a test.
"""

from __future__ import annotations

import sys
from pathlib import Path

from aigc_desktop.i18n import DOMAIN, po_file

SOURCE = Path(__file__).resolve().parent
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
LANGS = ("zh_CN",)


def extract():
    """A Babel catalog of every string marked in the package."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(project="AIGC Desktop", domain=DOMAIN)
    method_map = [("**.py", "python")]
    for filename, lineno, message, comments, context in extract_from_dir(
            str(SOURCE), method_map, keywords=KEYWORDS, comment_tags=("Translators:",)):
        catalog.add(message, None, [(f"aigc_desktop/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def read(language: str):
    from babel.messages.pofile import read_po

    path = po_file(language)
    if not path.exists():
        from babel.messages.catalog import Catalog

        return Catalog(locale=language, domain=DOMAIN)
    with open(path, "rb") as fh:
        return read_po(fh, locale=language)


def write(language: str, catalog) -> None:
    from babel.messages.pofile import write_po

    path = po_file(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        write_po(fh, catalog, width=100, no_location=True, sort_output=False, include_previous=False)


def update() -> None:
    template = extract()
    for language in LANGS:
        catalog = read(language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        write(language, catalog)


def translate(language: str, pairs: dict[str, str]) -> int:
    """Set translations (``{english: chinese}``) in ``language``'s catalog; returns how many were set."""
    catalog = read(language)
    n = 0
    for msgid, text in pairs.items():
        msg = catalog.get(msgid)
        if msg is not None:
            msg.string, msg.flags = text, set()
            n += 1
    write(language, catalog)
    return n


def missing(language: str) -> list[str]:
    """Marked strings with no translation (or a fuzzy one) in ``language``."""
    template = extract()
    catalog = read(language)
    out = []
    for msg in template:
        if not msg.id:
            continue
        have = catalog.get(msg.id, context=msg.context)
        text = have.string if have is not None else None
        if have is None or have.fuzzy or not text or (isinstance(text, tuple) and not all(text)):
            out.append(msg.id if isinstance(msg.id, str) else msg.id[0])
    return out


def main(argv: list[str]) -> int:
    if argv[:1] == ["update"]:
        update()
        return 0
    if argv[:1] == ["check"]:
        gaps = {lang: missing(lang) for lang in LANGS}
        for lang, ids in gaps.items():
            for text in ids:
                print(f"{lang}: untranslated: {text}")
        return 1 if any(gaps.values()) else 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
