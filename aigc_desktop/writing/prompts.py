"""The prompts of the writing studio, after the blog post's three techniques.

1. A plain question about the topic (the outline request).
2. A structured request: "请从 N 个方面进行介绍，要求突出重点，表达清晰。"
3. A precise request with exclusions, so each section stays on its topic:
   "…注意在阐述的过程中不能涉及到{其他各节}…"

A section prompt puts what all sections of a document share first and the section
itself last, so drafting section 2 after section 1 reads only the differing tail
(llama.cpp keeps the common token prefix in its KV cache).

The templates are prompt text for the model, in the document's language (not
interface strings, so they are not marked for translation); a later templates
library makes them editable. Variables use ``str.format`` names: ``{title}``,
``{brief}``, ``{section}``, ``{n}``, ``{exclude}``, ``{notes}``.
"""

from __future__ import annotations

import re

ASPECTS = 3  # "从三个方面": the post's structured request

# What every section of a document shares comes first (title, brief, the instructions),
# the section and its exclusions last: the engine keeps the evaluated prefix between
# sections, so only the differing tail is read again. On SmolLM2, sections of a
# 5-section Chinese document share 216 of 326 tokens (95 of 302 with the section
# named before the instructions); bench/writing_bench.py measures the effect.
SECTION_ZH = (
    "我正在写一篇题为《{title}》的文章。{brief_line}"
    "我想要的是一篇层次分点鲜明的文章，而不是一大段笼统的报告！"
    "每一部分都请从{n_zh}个方面进行介绍，要求突出重点，表达清晰，直接给出正文，不要重复标题。"
    "现在请为我撰写其中“{section}”这一部分。{notes_line}"
    "注意在阐述的过程中不能涉及到{exclude}，因为它们属于文章的其他部分。"
)
SECTION_EN = (
    "I am writing an article titled \"{title}\". {brief_line}"
    "I want each section to stay on its own topic: cover it in {n} points, highlight what matters, "
    "keep it clear, and give only the section's text, without repeating its heading. "
    "Write the section \"{section}\". {notes_line}Do not touch on {exclude}: those are other sections "
    "of the article."
)
OUTLINE_ZH = (
    "我要写一篇题为《{title}》的文章。{brief_line}请为它列出{n_zh}个部分的标题，"
    "每行一个，用“1.”这样的编号，只写标题，不要解释。"
)
OUTLINE_EN = (
    "I am writing an article titled \"{title}\". {brief_line}List {n} section titles for it, "
    "one per line, numbered \"1.\", titles only, no explanations."
)

_CN_NUMERALS = "零一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1..99 as Chinese numerals (三, 十二, 二十五), else the digits."""
    if 0 <= n <= 10:
        return _CN_NUMERALS[n]
    if n < 20:
        return "十" + _CN_NUMERALS[n - 10]
    if n < 100:
        tens, ones = divmod(n, 10)
        return _CN_NUMERALS[tens] + "十" + (_CN_NUMERALS[ones] if ones else "")
    return str(n)


def is_chinese(*texts: str) -> bool:
    """The document is Chinese when its title or brief has CJK characters."""
    return any(re.search(r"[\u3400-\u9fff]", t or "") for t in texts)


def join_names(names: list[str], chinese: bool) -> str:
    """「A、B和C」 or "A, B and C"."""
    if not names:
        return ""
    if len(names) == 1:
        return names[0]
    if chinese:
        return "、".join(names[:-1]) + "和" + names[-1]
    return ", ".join(f"\"{n}\"" for n in names[:-1]) + f" and \"{names[-1]}\""


#: The variables a document's own section prompt may use (the built-ins use these too).
SECTION_VARIABLES = ("title", "brief", "brief_line", "section", "n", "n_zh", "notes", "notes_line", "exclude")


def default_section_template(title: str, brief: str = "") -> str:
    """The built-in section prompt for a document, in its language."""
    return SECTION_ZH if is_chinese(title, brief) else SECTION_EN


def check_section_template(body: str) -> None:
    """A person's section prompt must name the section and use only known variables."""
    from aigc_desktop.errors import UserError
    from aigc_desktop.i18n import _
    from aigc_desktop.writing.templates import variables

    unknown = [v for v in variables(body) if v not in SECTION_VARIABLES]
    if unknown:
        raise UserError(_("Unknown variables in the prompt: {names}. Known: {known}.").format(
            names=", ".join("{" + v + "}" for v in unknown),
            known=", ".join("{" + v + "}" for v in SECTION_VARIABLES)))
    if "section" not in variables(body):
        raise UserError(_("The prompt must contain {section}, or every section gets the same prompt."))


def section_prompt(title: str, brief: str, section: str, others: list[str], *, notes: str = "",
                   aspects: int = ASPECTS, template: str | None = None) -> str:
    """The prompt that drafts ``section``, naming every other section as an exclusion.

    ``template`` is a document's own (edited) prompt; its ``{name}`` variables are filled
    and any other brace is left as written."""
    from aigc_desktop.writing.templates import substitute

    zh = is_chinese(title, brief, section)
    template = template or (SECTION_ZH if zh else SECTION_EN)
    if zh:
        brief_line = f"写作要求：{brief.strip().rstrip('。')}。" if brief.strip() else ""
        notes_line = f"这一部分的要点：{notes.strip()}。" if notes.strip() else ""
        exclude = join_names([f"{t}" for t in others], True) if others else "文章其他部分的内容"
    else:
        brief_line = f"Brief: {brief.strip().rstrip('.')}. " if brief.strip() else ""
        notes_line = f"Notes for this section: {notes.strip()} " if notes.strip() else ""
        exclude = join_names(others, False) if others else "the other parts of the article"
    return substitute(template, dict(title=title, brief=brief, brief_line=brief_line, section=section, n=aspects,
                                     n_zh=chinese_number(aspects), notes=notes, notes_line=notes_line,
                                     exclude=exclude))


def outline_prompt(title: str, brief: str, n: int) -> str:
    """The prompt that asks the model for ``n`` section titles."""
    zh = is_chinese(title, brief)
    if zh:
        brief_line = f"写作要求：{brief.strip().rstrip('。')}。" if brief.strip() else ""
        return OUTLINE_ZH.format(title=title, brief_line=brief_line, n=n, n_zh=chinese_number(n))
    brief_line = f"Brief: {brief.strip().rstrip('.')}. " if brief.strip() else ""
    return OUTLINE_EN.format(title=title, brief_line=brief_line, n=n)


def continuation_text(title: str, section: str, text: str) -> str:
    """Raw text for 续写: the article so far, as plain text a base model can carry on."""
    return f"{title}\n\n{section}\n\n{text}"
