"""Formulas in messages (``$…$`` inline, ``$$…$$`` display) → SVG.

Why ziamath: it typesets LaTeX math in pure Python (latex2mathml turns the TeX into
MathML, ziamath lays that out with the STIX Two Math font it ships) and needs no TeX
install. matplotlib's mathtext was measured too: it brings ~75 MB (matplotlib, Pillow,
fontTools, kiwisolver, contourpy) against ~3 MB here, takes ~1 s to import and ~0.8 s for
its first formula, and refuses the environments chat models write most (``pmatrix``,
``cases``, ``aligned``); ziamath draws those and is about twice as fast per formula
(5–30 ms). Its price: it turns an unknown macro into its own name instead of failing, and
it copies ``\\text{…}`` into the MathML unescaped, so the MathML is checked here before
it is laid out (see below).

The formula source is model output, so it stays inert: ziamath only draws glyph outlines
and rules (no TeX runs, no file or URL is opened), and on top of that a formula is shown
as its source in inline code (by ``render/html.py``) when its MathML holds anything but
known MathML elements, a link (``\\href``), an unknown macro (``\\includegraphics``), a
character the math font has no glyph for (it would be a box), or when the SVG holds
anything but shapes. Qt never parses an SVG from here with references in it.

The SVG is sized in logical pixels; the window rasterises it at the screen's pixel ratio
(``ui/chat/math_resources.py``). An inline formula is padded so that its baseline meets the
text's, because Qt's rich text can only align an image by its middle
(``vertical-align: middle``, see ``BASELINE_LIFT``) or its bottom, never by a depth. The whole formula travels in
its ``math:`` URL, so the window needs no registry to draw it; results are cached.
"""

from __future__ import annotations

import base64
import binascii
import math
import unicodedata
import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache, lru_cache

INLINE_PX = 16.0  # math font size next to the 14 px body text (STIX Two runs small)
DISPLAY_PX = 18.0
MAX_SOURCE = 2000  # longer "formulas" are shown as code: layout time grows with size
SCHEME = "math"
# Qt's rich text puts a ``vertical-align: middle`` image with its ascent exceeding its
# descent by half the font's x-height (measured on Qt 6.11); the 14 px body font's is ~7.5.
BASELINE_LIFT = 3.75

_MML = "{http://www.w3.org/1998/Math/MathML}"
_MATHML_TAGS = frozenset(
    "math mrow mi mn mo ms mtext mspace mfrac msqrt mroot mstyle merror mpadded mphantom "
    "mfenced menclose msub msup msubsup munder mover munderover mmultiscripts mprescripts "
    "none mtable mtr mlabeledtr mtd semantics annotation".split()
)
_SVG_TAGS = frozenset("svg g path rect line polyline polygon circle ellipse".split())


@dataclass(frozen=True)
class Formula:
    svg: bytes  # standalone SVG 1.1, shapes only
    width: int  # logical pixels
    height: int


def formula_url(tex: str, display: bool, color: str) -> str:
    """The image address for one formula: mode, colour and the source itself."""
    code = base64.urlsafe_b64encode(tex.encode("utf-8")).decode("ascii")
    return f"{SCHEME}:{'d' if display else 'i'}{color.lstrip('#')}/{code}"


def formula_source(url: str) -> tuple[str, bool, str] | None:
    """A ``formula_url`` parsed back: (TeX source, display, colour); None for anything else."""
    if not url.startswith(SCHEME + ":"):
        return None
    head, _, code = url[len(SCHEME) + 1 :].partition("/")
    if len(head) != 7 or head[0] not in "di":
        return None
    try:
        tex = base64.urlsafe_b64decode(code.encode("ascii")).decode("utf-8")
    except (binascii.Error, UnicodeError, ValueError):
        return None
    return tex, head[0] == "d", "#" + head[1:]


def formula_for_url(url: str) -> Formula | None:
    """Parse a ``formula_url`` back and render it (cached); None for anything else."""
    source = formula_source(url)
    return render_formula(*source) if source else None


@cache
def _ziamath():
    """Imported on the first formula, not at start-up: loading its font takes ~0.3 s."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # its use of importlib.resources.path
        import ziamath
        from ziamath.tex import tex2mml
    # One global switch of the library: SVG 1.1 output (paths drawn in place) instead of
    # SVG 2 <symbol>/<use href>, which Qt's SVG renderer draws as nothing.
    ziamath.config.svg2 = False
    return ziamath, tex2mml


@lru_cache(maxsize=1024)
def render_formula(tex: str, display: bool, color: str) -> Formula | None:
    """Typeset one formula, or None if it cannot be drawn faithfully and inertly."""
    tex = tex.strip()
    if not tex or len(tex) > MAX_SOURCE:
        return None
    ziamath, tex2mml = _ziamath()
    try:
        mathml = tex2mml(tex, inline=not display)
        if "<!" in mathml or "<?" in mathml:
            return None  # a doctype or processing instruction smuggled in through \text
        root = ET.fromstring(mathml)
        if not _mathml_is_plain(root):
            return None
        root.attrib["mathcolor"] = color
        for table in root.iter(_MML + "mtable"):
            # ziamath's default 0.3em runs the columns of a matrix or cases together;
            # LaTeX puts about 1em between them.
            table.attrib.setdefault("columnspacing", "1em")
        expr = ziamath.Math(root, size=DISPLAY_PX if display else INLINE_PX)
        if not _has_glyphs(root, expr.font):
            return None
        svg = expr.svgxml()
    except Exception:  # noqa: BLE001 - any failure of the library means "show the source"
        return None
    if not _svg_is_shapes(svg):
        return None
    return _fit(svg, inline=not display)


def _mathml_is_plain(root: ET.Element) -> bool:
    for el in root.iter():
        tag = el.tag[len(_MML) :] if el.tag.startswith(_MML) else None
        if tag not in _MATHML_TAGS:
            return False  # not MathML: markup copied from \text{…}
        if any("href" in name or name.startswith("xlink") for name in el.attrib):
            return False  # \href: a link has no place in a picture
        if tag in ("mi", "mo", "mtext") and (el.text or "").startswith("\\"):
            return False  # latex2mathml keeps a macro it does not know as its name
    return True


def _has_glyphs(root: ET.Element, font) -> bool:
    for el in root.iter():
        for ch in el.text or "":
            if ch.isascii() or unicodedata.category(ch) in ("Zs", "Cf", "Mn"):
                continue
            if font.glyphindex(ch) == 0:
                return False
    return True


def _svg_is_shapes(svg: ET.Element) -> bool:
    for el in svg.iter():
        if el.tag not in _SVG_TAGS:
            return False
        for name, value in el.attrib.items():
            if "href" in name or "url(" in value or name.startswith("on"):
                return False
    return True


def _fit(svg: ET.Element, inline: bool) -> Formula:
    """Round the box up to whole pixels and, inline, pad it so that the baseline (y = 0)
    lands where Qt puts a middle-aligned image's baseline."""
    x0, y0, w, h = (float(v) for v in svg.attrib["viewBox"].split())
    if inline:
        ascent = max(-y0, y0 + h + BASELINE_LIFT)
        y0, h = -ascent, 2 * ascent - BASELINE_LIFT
    width, height = math.ceil(w), math.ceil(h)
    y0 -= (height - h) / 2
    svg.attrib["viewBox"] = f"{x0:.3f} {y0:.3f} {width} {height}"
    svg.attrib["width"] = str(width)
    svg.attrib["height"] = str(height)
    return Formula(ET.tostring(svg, encoding="utf-8"), width, height)
