"""Formulas: typesetting, the math: address, and what stays inert (no Qt here)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from aigc_desktop.render.math import BASELINE_LIFT, formula_for_url, formula_url, render_formula

HOSTILE = [
    r"\href{http://127.0.0.1:9/x}{click}",
    r"\url{http://127.0.0.1:9/x}",
    r"\includegraphics{/etc/passwd}",
    r"\text{<img src='http://127.0.0.1:9/x.png'/>}",
    r"\text{<a href='http://127.0.0.1:9/'>x</a>}",
    r"\text{]]><!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>&e;}",
    r"\input{/etc/passwd}",
    r"\write18{rm -rf /}",
]


def test_inline_and_display_formulas_typeset():
    """Common formulas (fractions, sums, matrices, cases, aligned) become SVG with a size."""
    for tex in [r"E = mc^2", r"\sum_{i=1}^{n} i = \frac{n(n+1)}{2}", r"\begin{pmatrix}1&2\\3&4\end{pmatrix}",
                r"f(x)=\begin{cases}x & x>0\\ 0 & \text{otherwise}\end{cases}", r"\begin{aligned}a&=b\\c&=d\end{aligned}"]:
        for display in (False, True):
            f = render_formula(tex, display, "#1f2328")
            assert f is not None, tex
            assert f.width > 5 and f.height > 5 and f.svg.startswith(b"<svg")


def test_inline_formula_baseline_meets_the_text_baseline():
    """An inline formula's box rises BASELINE_LIFT more above its baseline (y = 0) than
    it falls below, where Qt's vertical-align: middle puts the text baseline."""
    for tex in (r"y_i", r"x^2", r"\frac{a}{b}", r"\sum_{i=1}^n", "x"):
        root = ET.fromstring(render_formula(tex, False, "#000000").svg)
        y0, h = (float(v) for v in root.attrib["viewBox"].split()[1::2])
        assert abs(-y0 - (y0 + h) - BASELINE_LIFT) < 0.01, tex
        assert root.attrib["height"] == str(round(h))


@pytest.mark.parametrize("tex", [r"\frac{1}{", r"\foo{x}", r"x^{", r"\text{速度} = v", "", "x" * 3000])
def test_unrenderable_formula_is_none(tex):
    """Syntax errors, unknown macros, glyphs the math font lacks and huge input give None
    (the caller shows the source), never an exception."""
    assert render_formula(tex, False, "#000000") is None


@pytest.mark.parametrize("tex", HOSTILE)
def test_hostile_formula_draws_nothing_active(tex):
    """Links, file includes and markup smuggled into a formula are refused; nothing in
    the result could link, load or run."""
    f = render_formula(tex, False, "#000000")
    if f is not None:  # drawn as glyphs only
        assert b"href" not in f.svg and b"<image" not in f.svg and b"<a" not in f.svg and b"<script" not in f.svg


def test_markup_looking_formula_is_only_shapes():
    """'<script>' typed as math is drawn as the symbols < s c r …, an SVG of paths."""
    f = render_formula("<script>alert(1)</script>", False, "#000000")
    assert f is not None
    tags = {el.tag.rpartition("}")[2] for el in ET.fromstring(f.svg).iter()}
    assert tags <= {"svg", "g", "path", "rect", "line", "polyline", "polygon"}


def test_url_round_trip_and_colour():
    """The math: address carries mode, colour and source; anything else parses to None."""
    url = formula_url(r"\frac{1}{2} + 中", True, "#e6edf3")
    assert url.startswith("math:d")
    assert formula_for_url(formula_url(r"\alpha", False, "#e6edf3")) == render_formula(r"\alpha", False, "#e6edf3")
    assert b"#e6edf3" in formula_for_url(formula_url(r"\alpha", False, "#e6edf3")).svg
    assert b"#1f2328" in formula_for_url(formula_url(r"\alpha", False, "#1f2328")).svg
    for bad in ("math:", "math:x000000/eA==", "math:i000000/%%%", "http://x/", "math:i00/eA=="):
        assert formula_for_url(bad) is None
