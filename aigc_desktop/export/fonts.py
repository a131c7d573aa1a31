"""Which font files the PDF export embeds (it embeds a subset: only the glyphs used).

The platform's own Chinese font comes first, so a PDF looks like the person's other
documents: Windows Microsoft YaHei (then SimSun, DengXian), macOS PingFang SC (then
Songti, Hiragino Sans GB), Linux whatever fontconfig lists for ``zh-cn`` (Noto Sans CJK
SC, Source Han Sans SC, WenQuanYi …), then a few known paths. Where none is found — a
fresh Linux install, a container — the Noto Sans SC that ships with the app
(``pylopdf-fonts-zh-cn``, SIL OFL, ~8 MB of its ~20 MB) is used; it is also every PDF's
fallback for characters the platform font lacks. A face inside a collection (``.ttc``)
is picked by name: index 0 of Noto Sans CJK is the Japanese face, and a Japanese face
copies 入 and 人 out of a PDF as the Kangxi radicals ⼊ ⼈ in some readers.

Code uses a monospace font of the platform (Consolas, Menlo, DejaVu Sans Mono …) when
there is one, with the Chinese font behind it; otherwise code is set in the Chinese font.
Two faces always ship with the app (``manimgx-fonts``, SIL OFL): Noto Sans for Latin
punctuation in Latin context (a Chinese font's ’ is full-width) and the monochrome Noto
Emoji (see :mod:`.glyphs`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class FontFace:
    path: Path
    index: int = 0  # the face inside a .ttc/.otc collection
    source: str = "system"  # "system" or "bundled"


def _windows_fonts() -> Path:
    return Path(os.environ.get("WINDIR", r"C:\Windows")) / "Fonts"


# (path, family to look for inside a collection, or "" for the first face)
def known_cjk_paths() -> list[tuple[Path, str]]:
    if sys.platform == "win32":
        w = _windows_fonts()
        return [(w / "msyh.ttc", "Microsoft YaHei"), (w / "msyh.ttf", ""), (w / "simsun.ttc", "SimSun"),
                (w / "Deng.ttf", "")]
    if sys.platform == "darwin":
        return [(Path("/System/Library/Fonts/PingFang.ttc"), "PingFang SC"),
                (Path("/System/Library/Fonts/Supplemental/Songti.ttc"), "Songti SC"),
                (Path("/System/Library/Fonts/Hiragino Sans GB.ttc"), "Hiragino Sans GB")]
    return [(Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"), "Noto Sans CJK SC"),
            (Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"), "Noto Sans CJK SC"),
            (Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"), "Noto Sans CJK SC"),
            (Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"), ""),
            (Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"), "WenQuanYi Micro Hei")]


def known_mono_paths() -> list[Path]:
    if sys.platform == "win32":
        return [_windows_fonts() / "consola.ttf", _windows_fonts() / "cour.ttf"]
    if sys.platform == "darwin":
        return [Path("/System/Library/Fonts/Menlo.ttc"), Path("/System/Library/Fonts/Monaco.ttf")]
    return [Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf"),
            Path("/usr/share/fonts/dejavu/DejaVuSansMono.ttf"),
            Path("/usr/share/fonts/truetype/liberation/LiberationMono-Regular.ttf")]


_PREFERRED = ("Noto Sans CJK SC", "Source Han Sans SC", "Noto Sans SC", "WenQuanYi Micro Hei",
              "WenQuanYi Zen Hei", "Droid Sans Fallback")


def _fontconfig_cjk() -> list[FontFace]:
    """What fontconfig lists for Simplified Chinese, preferred families first (Regular)."""
    exe = shutil.which("fc-list")
    if not exe:
        return []
    try:
        out = subprocess.run([exe, ":lang=zh-cn", "file", "index", "family", "style"], capture_output=True,
                             text=True, timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found: list[tuple[int, FontFace]] = []
    for line in out.splitlines():
        path, _, rest = line.partition(": ")
        fields = dict(f.split("=", 1) for f in rest.split(":") if "=" in f)
        families = [f.strip() for f in rest.split(":")[0].split(",")]
        style = fields.get("style", "")
        if "Regular" not in style and style or not path.lower().endswith((".ttf", ".ttc", ".otf", ".otc")):
            continue
        if any("Mono" in f for f in families):
            continue
        rank = min((i for i, name in enumerate(_PREFERRED) if name in families), default=len(_PREFERRED))
        found.append((rank, FontFace(Path(path), int(fields.get("index", "0") or 0))))
    return [face for _, face in sorted(found, key=lambda x: x[0])]


def _face_index(path: Path, family: str) -> int | None:
    """The index of ``family`` (regular) inside a collection, or None if it is not there."""
    if not family or path.suffix.lower() not in (".ttc", ".otc"):
        return 0
    from fontTools.ttLib import TTCollection

    try:
        collection = TTCollection(str(path), lazy=True)
        for i, font in enumerate(collection.fonts):
            names = font["name"]
            if names.getBestFamilyName() == family and (names.getBestSubFamilyName() or "Regular") == "Regular":
                return i
    except Exception:  # noqa: BLE001 - an unreadable system font is simply not used
        return None
    return None


def bundled_cjk() -> FontFace:
    import pylopdf_fonts_zh_cn

    return FontFace(Path(pylopdf_fonts_zh_cn.sans_path()), 0, "bundled")


@lru_cache(maxsize=4)
def system_cjk() -> FontFace | None:
    """The platform's Simplified Chinese font, or None."""
    if sys.platform.startswith("linux"):
        faces = _fontconfig_cjk()
        if faces:
            return faces[0]
    for path, family in known_cjk_paths():
        if path.is_file():
            index = _face_index(path, family)
            if index is not None:
                return FontFace(path, index)
    return None


def cjk_font(use_system: bool = True) -> FontFace:
    return (system_cjk() if use_system else None) or bundled_cjk()


@lru_cache(maxsize=4)
def mono_font() -> FontFace | None:
    for path in known_mono_paths():
        if path.is_file():
            return FontFace(path, 0)
    return None


def _noto(name: str) -> FontFace:
    import manimgx_fonts

    return FontFace(Path(manimgx_fonts.__file__).with_name(name), 0, "bundled")


def latin_font() -> FontFace:
    """Noto Sans (shipped with the app, ``manimgx-fonts``): Latin punctuation in Latin context."""
    return _noto("NotoSans[wght].ttf")


def emoji_font() -> FontFace:
    """Noto Emoji, the monochrome one (shipped with the app): colour emoji fonts hold no
    outlines a PDF can embed."""
    return _noto("NotoEmoji[wght].ttf")
