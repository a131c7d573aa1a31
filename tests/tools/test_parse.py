"""tools/parse.py: the forms local models write calls in, and the streaming holder."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from aigc_desktop.tools.parse import CallHolder, parse_tool_calls

KNOWN = {"get_weather", "echo"}


def test_hermes_json_calls_several_and_unclosed():
    text = ('好的。\n<tool_call>\n{"name": "get_weather", "arguments": {"city": "北京"}}\n</tool_call>\n'
            '<tool_call>{"name": "echo", "arguments": "{\\"text\\": \\"hi\\"}"}}</tool_call>'
            '<tool_call>{"name": "echo", "parameters": {"text": "x"}}')
    parsed = parse_tool_calls(text, KNOWN)
    assert parsed.text == "好的。\n" and not parsed.errors
    assert [(c.name, c.arguments) for c in parsed.calls] == [
        ("get_weather", {"city": "北京"}), ("echo", {"text": "hi"}), ("echo", {"text": "x"})]
    assert len({c.id for c in parsed.calls}) == 3


def test_qwen3_coder_xml_form_with_and_without_wrapper():
    text = ("<tool_call>\n<function=get_weather>\n<parameter=city>\n上海\n</parameter>\n"
            "<parameter=days>\n3\n</parameter>\n</function>\n</tool_call>")
    [call] = parse_tool_calls(text, KNOWN).calls
    assert (call.name, call.arguments) == ("get_weather", {"city": "上海", "days": 3})
    [bare] = parse_tool_calls("看看<function=echo><parameter=text>a b</parameter></function>", KNOWN).calls
    assert bare.arguments == {"text": "a b"}


def test_bare_json_only_for_offered_tools():
    [call] = parse_tool_calls('```json\n{"name": "echo", "arguments": {"text": "x"}}\n```', KNOWN).calls
    assert call.name == "echo"
    assert parse_tool_calls('{"name": "other", "arguments": {}}', KNOWN).calls == []
    assert parse_tool_calls('{"name": "echo", "arguments": {}}', None).calls == []


def test_malformed_calls_are_said():
    for text in ('<tool_call>{"name": "echo", "arguments": {"text": </tool_call>', "<tool_call>[1, 2]</tool_call>",
                 '<tool_call>{"arguments": {}}</tool_call>', '<tool_call>{"name": "echo", "arguments": 3}</tool_call>'):
        parsed = parse_tool_calls(text, KNOWN)
        assert parsed.calls == [] and len(parsed.errors) == 1 and "could not be read" in parsed.errors[0], text


def _stream(pieces: list[str], known=KNOWN):
    holder = CallHolder(known)
    shown = [holder.feed(p) for p in pieces]
    release, parsed = holder.finish()
    return "".join(shown), release, parsed


def test_holder_never_shows_part_of_a_call():
    text = '我查一下天气。<tool_call>\n{"name": "get_weather", "arguments": {"city": "北京"}}\n</tool_call>'
    for size in (1, 2, 3, 5, 8):
        shown, release, parsed = _stream([text[i:i + size] for i in range(0, len(text), size)])
        assert shown == "我查一下天气。" and release == "" and parsed.calls[0].arguments == {"city": "北京"}


def test_holder_releases_text_that_was_not_a_call():
    shown, release, parsed = _stream(["a <tool", "_cal", "endar> b"])
    assert shown + release == "a <tool_calendar> b" and parsed.calls == []
    shown, release, parsed = _stream(["```", "python\nprint(1)\n```"])
    assert shown == "```python\nprint(1)\n```" and release == ""  # a code answer streams as it comes
    shown, release, parsed = _stream(['{"a": ', "1}"])
    assert shown == "" and release == '{"a": 1}' and parsed.text == '{"a": 1}'


@given(st.text(alphabet=st.characters(blacklist_characters="<{[`"), max_size=40),
       st.dictionaries(st.text(min_size=1, max_size=5), st.integers(), max_size=3),
       st.lists(st.integers(1, 7), min_size=1, max_size=30))
def test_holder_any_split(prefix, args, sizes):
    text = prefix + "<tool_call>" + json.dumps({"name": "echo", "arguments": args}, ensure_ascii=False) + "</tool_call>"
    pieces, i = [], 0
    for n in sizes * 40:
        if i >= len(text):
            break
        pieces.append(text[i:i + n])
        i += n
    pieces.append(text[i:])
    shown, release, parsed = _stream(pieces)
    assert "<" not in shown + release and (shown + release).strip() == prefix.strip()
    assert [(c.name, c.arguments) for c in parsed.calls] == [("echo", args)]
