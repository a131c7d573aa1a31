"""LaTeX's own math delimiters, ``\\(…\\)`` inline and ``\\[…\\]`` display, as markdown-it rules.

Qwen, DeepSeek and GPT-style models write these as often as dollars. The rules produce
the same tokens as mdit-py-plugins' dollarmath (``math_inline``, ``math_inline_double``,
``math_block``), so ``render/html.py`` and the exporters draw them unchanged; each token's
``markup`` keeps its opening delimiter so that a formula shown as its source keeps it too.

Inline, the rules are texmath's (mdit-py-plugins' ``texmath`` port of markdown-it-texmath)
via its ``make_inline_func``: registered before markdown-it's ``escape`` rule, so ``\\(``
is math rather than an escaped parenthesis, while a code span (the ``backticks`` rule has
already taken it) and an escaped backslash (``\\\\(``: the escape rule takes the pair
first) stay literal. ``\\[…\\]`` inside a sentence is a display formula there, as
``$$…$$`` is (dollarmath's ``double_inline``).

The display block is written here, because texmath's ``brackets`` block rule was
measured to drop the text after ``\\]`` on its line, keep blockquote ``> `` markers in the
formula, run past a blank line into a following code fence, and not interrupt a
paragraph ("公式如下：" then ``\\[`` on the next line). This rule follows dollarmath's
block rule instead: it starts at ``\\[`` at the start of a line, ends on the first line
whose text ends with ``\\]``, stops at a blank line, reads each line without its container
prefix, and leaves a line with text after ``\\]`` to the inline rule.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from mdit_py_plugins.texmath.index import make_inline_func
from mdit_py_plugins.utils import is_code_block

OPEN, CLOSE = "\\[", "\\]"

_INLINE = {"name": "math_inline", "rex": re.compile(r"^\\\((.+?)\\\)", re.DOTALL), "tag": "\\("}
_INLINE_DISPLAY = {"name": "math_inline_double", "rex": re.compile(r"^\\\[(.+?)\\\]", re.DOTALL), "tag": "\\["}

# The closing delimiter for a token's markup (dollars close with themselves).
CLOSING = {"\\(": "\\)", "\\[": "\\]"}


def tex_brackets_plugin(md: MarkdownIt) -> None:
    """Add ``\\(…\\)`` and ``\\[…\\]``; the display block may interrupt a paragraph, as a fence may."""
    md.inline.ruler.before("escape", "math_inline_paren", make_inline_func(_INLINE))
    md.inline.ruler.before("escape", "math_inline_bracket", make_inline_func(_INLINE_DISPLAY))
    md.block.ruler.before(
        "fence", "math_block_bracket", math_block_bracket, {"alt": ["paragraph", "reference", "blockquote", "list"]}
    )


def math_block_bracket(state, start_line: int, end_line: int, silent: bool) -> bool:
    if is_code_block(state, start_line):
        return False
    start = state.bMarks[start_line] + state.tShift[start_line]
    line_end = state.eMarks[start_line]
    first = state.src[start:line_end]
    if not first.startswith(OPEN):
        return False
    rest = first[len(OPEN) :].rstrip()
    if rest.endswith(CLOSE) and len(rest) > len(CLOSE):
        last, close_at = start_line, start + len(OPEN) + len(rest) - len(CLOSE)
    elif CLOSE in rest:
        return False  # text after the formula on its line: the inline rule's
    else:
        last = start_line + 1
        while True:
            if last >= end_line:
                return False
            text = state.src[state.bMarks[last] + state.tShift[last] : state.eMarks[last]]
            if not text.strip() or state.sCount[last] < state.blkIndent:
                return False  # a blank line or a dedent ends the block, as in LaTeX
            stripped = text.rstrip()
            if stripped.endswith(CLOSE):
                close_at = state.bMarks[last] + state.tShift[last] + len(stripped) - len(CLOSE)
                break
            if CLOSE in text:
                return False
            last += 1
    if silent:
        return True
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = _content(state, start_line, start + len(OPEN), last, close_at)
    token.markup = OPEN
    token.map = [start_line, last + 1]
    state.line = last + 1
    return True


def _content(state, first: int, begin: int, last: int, end: int) -> str:
    """The formula's lines without their container prefixes (``> ``, list indent)."""
    if first == last:
        return state.src[begin:end]
    parts = [state.src[begin : state.eMarks[first]]]
    for line in range(first + 1, last):
        parts.append(state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]])
    parts.append(state.src[state.bMarks[last] + state.tShift[last] : end])
    return "\n".join(parts)
