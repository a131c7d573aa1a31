"""Help → About AIGC Desktop: version, licence, where the data lives, the llama.cpp build.

The llama.cpp build (version, CPU features, GPU backend) is what a bug report about speed
or the GPU needs first, so it is selectable and one Copy button puts the whole dialog's
text on the clipboard. It comes from ``llm/buildinfo.py`` (cached after the first read),
fetched through ``ui/tasks.op`` because the first read imports llama_cpp; this module
imports no llama_cpp itself.

Every text here is plain text (no rich text, no links): the dialog names addresses and
files, it never opens them. The third-party licences are the project's own notes under
``resources/`` (today ``resources/icons/LICENSES.md``), shown as they are written, after a
short list of what the bundle ships.

``install_help_menu(window)`` adds the Help menu to a main window.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
)

from aigc_desktop import __version__
from aigc_desktop.i18n import N_, _
from aigc_desktop.ui.kit.style import TYPE, ui_font
from aigc_desktop.ui.kit.tasks import op

RESOURCES = Path(__file__).resolve().parents[3] / "resources"  # beside the package
LICENCE = "Apache License 2.0"  # pyproject.toml: license = "Apache-2.0"

#: What the bundle ships besides the project, with the licence each is under (names stay as
#: they are; what each is for is shown through _()).
COMPONENTS = (
    ("llama.cpp / llama-cpp-python", "MIT"),
    ("Qt 6 / PySide6", "LGPL-3.0"),
    (N_("SmolLM2-135M-Instruct (starter model)"), "Apache-2.0"),
    (N_("Noto Sans SC (PDF font)"), "SIL OFL 1.1"),
    (N_("STIX Two Math (formulas, via ziamath)"), "SIL OFL 1.1"),
    (N_("Phosphor Icons (via QtAwesome)"), "MIT"),
    ("SQLAlchemy, Alembic, huggingface_hub, markdown-it-py, Pygments, fpdf2, python-docx", "MIT / BSD / Apache-2.0"),
)


def licence_notes(resources: Path = RESOURCES) -> list[tuple[str, str]]:
    """``(path relative to resources/, text)`` of every licence note kept under ``resources/``."""
    notes = []
    for path in sorted(resources.rglob("*")):
        if path.is_file() and path.stem.upper() in ("LICENSE", "LICENSES", "LICENCE", "NOTICE", "THIRD_PARTY"):
            try:
                notes.append((str(path.relative_to(resources)), path.read_text(encoding="utf-8")))
            except (OSError, UnicodeDecodeError):
                continue
    return notes


def _build_lines() -> list[str]:
    """Runs on a worker thread (``ui/tasks``): the build info, read once per process."""
    from aigc_desktop.llm.buildinfo import build_info, describe

    return describe(build_info())


def _plain_label(text: str) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.PlainText)
    label.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
    label.setWordWrap(True)
    return label


class AboutDialog(QDialog):
    """Modal, no signals of its own: ``build_text`` is filled in when the build info
    arrives from the worker thread (through the ``Op``'s queued slots)."""

    def __init__(self, parent, paths) -> None:
        super().__init__(parent)
        self.setObjectName("aboutDialog")
        self.setWindowTitle(_("About AIGC Desktop"))
        self.setMinimumWidth(640)
        title = _plain_label(_("AIGC Desktop {version}").format(version=__version__))
        title.setObjectName("aboutTitle")
        font = ui_font(TYPE["title"] + 4)
        font.setBold(True)
        title.setFont(font)
        summary = _plain_label(_("Chat with language models on this computer, offline. "
                                 "Licensed under the {licence}.").format(licence=LICENCE))

        self.path_rows = [(_("Data"), paths.data), (_("Database"), paths.database),
                          (_("Settings"), paths.settings_file), (_("Log"), paths.log_file),
                          (_("Models"), paths.models)]
        places = QGroupBox(_("Where your data lives"))
        form = QFormLayout(places)
        for name, path in self.path_rows:
            form.addRow(name, _plain_label(str(path)))

        build = QGroupBox(_("llama.cpp build"))
        self.build_text = QPlainTextEdit(_("Reading the llama.cpp build…"))
        self.build_text.setObjectName("buildInfo")
        self.build_text.setReadOnly(True)
        self.build_text.setTextInteractionFlags(Qt.TextSelectableByMouse | Qt.TextSelectableByKeyboard)
        self.build_text.setFixedHeight(150)
        QVBoxLayout(build).addWidget(self.build_text)

        licences = QGroupBox(_("Third-party licences"))
        self.licence_text = QPlainTextEdit(self._licence_text())
        self.licence_text.setObjectName("licenceText")
        self.licence_text.setReadOnly(True)
        self.licence_text.setFixedHeight(150)
        QVBoxLayout(licences).addWidget(self.licence_text)

        buttons = QDialogButtonBox(QDialogButtonBox.Close)
        self.copy_button = QPushButton(_("Copy"))
        self.copy_button.setObjectName("copyAbout")
        self.copy_button.setToolTip(_("Copy the version, the folders and the llama.cpp build, for a bug report"))
        buttons.addButton(self.copy_button, QDialogButtonBox.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addWidget(title)
        lay.addWidget(summary)
        lay.addWidget(places)
        lay.addWidget(build)
        lay.addWidget(licences)
        lay.addWidget(buttons)
        op(self, _build_lines).success(self._show_build).failure(self._show_build_error).run()

    def _licence_text(self) -> str:
        parts = [_("This app: {licence}").format(licence=LICENCE), ""]
        parts += [f"{_(name)}: {licence}" for name, licence in COMPONENTS]
        for rel, text in licence_notes():
            parts += ["", f"— resources/{rel} —", text.strip()]
        return "\n".join(parts)

    @Slot(object)
    def _show_build(self, lines: list[str]) -> None:
        self.build_text.setPlainText("\n".join(lines))

    @Slot(str)
    def _show_build_error(self, message: str) -> None:
        self.build_text.setPlainText(_("The llama.cpp library could not be read: {error}").format(error=message))

    def report_text(self) -> str:
        """What Copy puts on the clipboard: version, folders, build."""
        lines = [_("AIGC Desktop {version}").format(version=__version__)]
        lines += [f"{name}: {path}" for name, path in self.path_rows]
        lines.append(self.build_text.toPlainText())
        return "\n".join(lines)

    @Slot()
    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text())


class HelpMenu(QObject):
    """The Help menu's actions, as slots of a window child (the window keeps it as ``help_menu``)."""

    def __init__(self, window) -> None:
        super().__init__(window)
        self.win = window
        self.menu = window.menuBar().addMenu(_("&Help"))
        self.about_action = self.menu.addAction(_("About AIGC Desktop"))
        self.about_action.setObjectName("aboutAction")
        self.about_action.triggered.connect(self.show_about)

    @Slot()
    def show_about(self) -> None:
        rt = getattr(self.win, "rt", None)
        if rt is not None:
            paths = rt.paths
        else:  # the window is shown before the runtime is attached
            from aigc_desktop.paths import app_paths

            paths = app_paths()
        dialog = AboutDialog(self.win, paths)
        self.win.prompts.run_dialog(dialog)
        dialog.deleteLater()


def install_help_menu(window) -> HelpMenu:
    """Add Help → About AIGC Desktop to ``window.menuBar()``; returns the menu's controller."""
    window.help_menu = HelpMenu(window)
    return window.help_menu
