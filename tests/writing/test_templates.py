"""Prompt templates: variables found with the format parser, filled, refused when one is missing."""

from __future__ import annotations

import pytest

from aigc_desktop.writing import templates as tpl
from aigc_desktop.writing.templates import MissingVariable, builtins, fill, variables

SAMPLES = {"topic": "AIGC", "n": 3, "exclude": "技术实现、优势和不足", "text": "一段需要处理的文字。",
           "target": "英文"}


def test_variables_are_found_once_in_order():
    """Each {name} is a variable, listed once, in order of first use."""
    assert variables("请介绍{topic}，请从{n}个方面进行介绍，关于{topic}。") == ("topic", "n")


def test_fill_puts_the_values_in():
    """The post's structured request fills to the sentence it quoted."""
    body = builtins("zh_CN")[1].body
    assert fill(body, {"topic": "AIGC", "n": "三"}) == "请介绍AIGC，请从三个方面进行介绍，要求突出重点，表达清晰。"


def test_missing_variable_is_refused_with_its_name():
    """A variable without a value (or a blank one) is refused, naming it."""
    with pytest.raises(MissingVariable) as err:
        fill("{topic}是什么？不要涉及{exclude}", {"topic": "AIGC", "exclude": "  "})
    assert err.value.names == ("exclude",) and "{exclude}" in str(err.value)


@pytest.mark.parametrize("body, expected", [
    ('返回 JSON：{"title": "…", "points": []}，主题是{topic}', '返回 JSON：{"title": "…", "points": []}，主题是X'),
    ("{} {0} {topic!r} {topic:>9} {a.b} {a[0]} {{topic}} {topic}",
     "{} {0} {topic!r} {topic:>9} {a.b} {a[0]} {{topic}} X"),
    ("if (x) { return {topic}; }", "if (x) { return X; }"),
    ("a lone } and a lone { around {topic}", "a lone } and a lone { around X"),
    ("{topic", "{topic"),
])
def test_unknown_braces_are_left_as_written(body, expected):
    """Only plain {name} fields are variables; JSON, {}, {0}, escapes and lone braces stay untouched."""
    assert fill(body, {"topic": "X"}) == expected


def test_pieces_give_the_body_back():
    """Splitting a body into pieces and joining them loses no character."""
    for body in ("x }} y {", "}{", "{t:{w}} {t}", "{{", "", "a {b {c}"):
        assert "".join(raw for raw, _ in tpl._pieces(body)) == body


@pytest.mark.parametrize("t", builtins("en"), ids=lambda t: t.key)
def test_every_builtin_fills_with_sample_values(t):
    """Every built-in, Chinese and English, fills completely with sample values."""
    out = t.fill({**SAMPLES, **t.defaults})
    assert t.variables and "{" not in out and "}" not in out
    assert set(t.variables) <= set(SAMPLES)


def test_the_post_s_three_techniques_are_built_in_in_both_languages():
    """what-is, structured and precise exist in zh and en with the post's variables."""
    by_key = {t.key: t for t in builtins("en")}
    assert by_key["what-is.zh"].body == "{topic}是什么？"
    assert by_key["precise.zh"].variables == ("topic", "exclude") == by_key["precise.en"].variables
    for base in ("what-is", "structured", "precise", "polish", "expand", "shorten", "summarise", "translate",
                 "titles"):
        assert {f"{base}.zh", f"{base}.en"} <= set(by_key)


def test_chinese_builtins_come_first_in_a_chinese_ui():
    """The UI language decides which built-ins lead the list."""
    assert builtins("zh_CN")[0].language == "zh" and builtins("en")[0].language == "en"


def test_find_by_key_and_unknown_key():
    """A built-in is found by its key; an unknown key is a clear UserError."""
    assert tpl.find("polish.en").name == "Polish"
    with pytest.raises(tpl.UserError):
        tpl.find("nope.zh")
