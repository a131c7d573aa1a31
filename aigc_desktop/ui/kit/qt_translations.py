"""Qt's own strings (standard buttons, the file dialog) in the interface's language.

Qt's ``qtbase_<lang>.qm`` translates them, but Qt 6 renamed a few strings that the Chinese
catalog still holds under their old names, so those showed in English beside translated
ones: the file dialog's "&Look in:" and "Files of &type:" (mnemonics added; the catalog has
"Look in:" 查找范围 and "Files of type:" 文件类型) and the file kinds of its type column
("Folder", "File", "%1 File"…, moved from the ``QFileDialog`` context to
``QAbstractFileIconProvider``). Loading another catalog does not help (``qt_zh_CN.qm`` only
points at ``qtbase``), and Qt has no aliases, so :class:`RenamedStrings` is written here: a
translator consulted after qtbase's that looks a renamed string up under its old name.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QLibraryInfo, QTranslator

# (context, Qt 6's string) -> (context, the string the catalog translates)
RENAMED = {
    ("QFileDialog", "&Look in:"): ("QFileDialog", "Look in:"),
    ("QFileDialog", "Files of &type:"): ("QFileDialog", "Files of type:"),
    **{("QAbstractFileIconProvider", s): ("QFileDialog", s)
       for s in ("Folder", "File Folder", "Drive", "File", "%1 File", "Alias", "Shortcut", "Unknown")},
}


def with_mnemonic(text: str, source: str) -> str:
    """``text`` with the mnemonic of ``source`` ("&Look in:") as Chinese writes it: "查找范围(&L)：". """
    key = re.search(r"&(\w)", source)
    if key is None or "&" in text:
        return text
    colon = re.search(r"[:：]\s*$", text)
    cut = colon.start() if colon else len(text)
    return f"{text[:cut]}(&{key.group(1).upper()}){text[cut:]}"


class RenamedStrings(QTranslator):
    """Answers Qt 6's renamed strings from ``catalog`` (the loaded qtbase translator)."""

    def __init__(self, catalog: QTranslator, parent=None) -> None:
        super().__init__(parent)
        self.catalog = catalog

    def translate(self, context, source, disambiguation=None, n=-1) -> str | None:  # noqa: ARG002 - Qt's
        """The renamed string's translation; None (a null string: Qt goes on to the source text) for
        any other. An empty string would be taken as the translation."""
        old = RENAMED.get((context, source))
        text = self.catalog.translate(*old) if old is not None else ""
        return with_mnemonic(text, source) if text else None

    def isEmpty(self) -> bool:  # noqa: N802 - Qt's name
        return False


def install(app, language: str) -> list[QTranslator]:
    """Install Qt's catalog for ``language`` and the renamed strings on ``app``; returns the
    translators (to keep alive with the app). None for English or a language Qt has no catalog for."""
    if language == "en":
        return []
    catalog = QTranslator(app)
    if not catalog.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.TranslationsPath)):
        return []
    renamed = RenamedStrings(catalog, app)
    app.installTranslator(renamed)  # first: the last installed is asked first, so this one only after qtbase
    app.installTranslator(catalog)
    return [catalog, renamed]
