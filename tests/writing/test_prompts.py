"""Section prompts: the post's structured request, with every other section excluded by name."""

from __future__ import annotations

from aigc_desktop.writing.prompts import chinese_number, outline_prompt, section_prompt

FIVE = ["基本概念", "技术实现", "优势与不足", "潜在问题", "未来发展"]


def test_chinese_prompt_names_every_other_section_as_an_exclusion():
    """The 基本概念 prompt states the title, asks 从三个方面…突出重点，表达清晰 and excludes the four others."""
    p = section_prompt("AIGC：从入门到精通", "面向初学者", "基本概念", FIVE[1:])
    assert "《AIGC：从入门到精通》" in p and "面向初学者" in p and "“基本概念”" in p
    assert "请从三个方面进行介绍，要求突出重点，表达清晰" in p
    exclusion = p.split("不能涉及到", 1)[1].split("，因为", 1)[0]
    assert exclusion == "技术实现、优势与不足、潜在问题和未来发展"


def test_english_prompt_excludes_the_other_sections():
    """An English document gets the English template, with the other titles quoted after "Do not touch on"."""
    p = section_prompt("Local LLMs", "for beginners", "Setup", ["Models", "Costs"])
    assert "\"Local LLMs\"" in p and "Brief: for beginners." in p and "3 points" in p
    assert "Do not touch on \"Models\" and \"Costs\"" in p


def test_outline_prompt_and_numbers():
    """The outline request asks for N numbered titles; numerals read as Chinese."""
    assert "五个部分" in outline_prompt("AIGC：从入门到精通", "", 5)
    assert [chinese_number(n) for n in (3, 10, 12, 20, 25)] == ["三", "十", "十二", "二十", "二十五"]


def test_sections_of_one_document_share_the_instructions_as_a_prefix():
    """Two sections' prompts are the same up to the section's name, so the KV cache keeps the instructions."""
    import os

    for title, brief, names in (("AIGC：从入门到精通", "面向初学者", FIVE), ("Local LLMs", "for beginners",
                                                                      ["Setup", "Models", "Costs"])):
        prompts = [section_prompt(title, brief, s, [o for o in names if o != s]) for s in names]
        shared = os.path.commonprefix(prompts)
        assert title in shared and brief in shared and ("三个方面" in shared or "3 points" in shared)
        assert not any(s in shared for s in names), shared
