"""A reply or a section grounded in knowledge-base passages: retrieval, the numbered passages in the
prompt, and the citations kept with what is written.

The passages go into the turn's user message (not the stored one: the history keeps what the
person wrote), numbered [1]…[n] in order of relevance, as many as fit the context budget: the
context less the reply's room, the rest of the prompt and a margin. The instruction to cite
them as [n] is in the question's language (Chinese when it has Chinese). The citations are all
the passages given, by their numbers, so a reply's [2] always resolves to passage 2.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from aigc_desktop.kb.citations import from_hit

log = logging.getLogger(__name__)

TOP_K = 8
CHAR_BUDGET = 6000  # passages' characters when no local tokenizer can count (a provider's model)
MARGIN = 48  # tokens kept free for the template's own wrapping

INTRO_ZH = "以下是从知识库中检索到的资料，按编号列出：\n\n"
RULE_ZH = ("请依据上面的资料回答下面的问题。用到某条资料时，在相应句子后用方括号标注它的编号，例如 [1] 或 [2][3]；"
           "资料中没有提到的内容，请直接说明资料中没有相关信息，不要编造出处。\n\n问题：")
INTRO_EN = "Here are passages retrieved from the knowledge base, numbered:\n\n"
RULE_EN = ("Answer the question below from these passages. Where you use a passage, cite its number in square "
           "brackets after the sentence, like [1] or [2][3]; if the passages do not cover something, say so "
           "rather than inventing a source.\n\nQuestion: ")
SECTION_RULE_ZH = ("写作时请依据下面编号的资料；用到某条资料时，在相应句子后用方括号标注它的编号，例如 [1]。"
                   "资料中没有的内容不要编造出处。\n\n")
SECTION_RULE_EN = ("Write from the numbered passages below; where you use one, cite its number in square brackets "
                   "after the sentence, like [1]. Do not invent sources for what they do not cover.\n\n")


def is_chinese(text: str) -> bool:
    return bool(re.search(r"[\u3400-\u9fff]", text or ""))


def passage_block(citation: dict) -> str:
    name = Path(citation["file"]).name
    where = name + (f" p.{citation['page']}" if citation.get("page") else "")
    if citation.get("heading"):
        where += f" · {citation['heading']}"
    return f"[{citation['n']}] ({where})\n{citation['text'].strip()}\n\n"


@dataclass
class Grounding:
    """The passages a turn was given (as citations) and the text that carries them."""

    citations: list[dict] = field(default_factory=list)
    passages: str = ""  # the numbered passages, as put in the prompt
    chinese: bool = False

    def question(self, text: str) -> str:
        """The user's message as the model sees it: the passages, the rule, then the question."""
        if not self.citations:
            return text
        if self.chinese:
            return INTRO_ZH + self.passages + RULE_ZH + text
        return INTRO_EN + self.passages + RULE_EN + text

    def grounded(self, text: str) -> str | None:
        """:meth:`question`, or None when there are no passages (the message goes as stored)."""
        return self.question(text) if self.citations else None

    def section_note(self) -> str:
        """The passages and the rule for a section prompt (the writing studio)."""
        if not self.citations:
            return ""
        rule = SECTION_RULE_ZH if self.chinese else SECTION_RULE_EN
        return rule + self.passages


def retrieve(kb_service, uids, query: str, *, chinese: bool | None = None, fits=None, k: int = TOP_K) -> Grounding:
    """The top passages of these bases for ``query``, numbered, as many as ``fits(passages_text)`` allows
    (default: :data:`CHAR_BUDGET` characters). Bases deleted since are passed over; no base, no passages."""
    chinese = is_chinese(query) if chinese is None else chinese
    if kb_service is None or not uids or not query.strip():
        return Grounding(chinese=chinese)
    kbs = kb_service.known(list(uids))
    if not kbs:
        return Grounding(chinese=chinese)
    hits = kb_service.search([kb.uid for kb in kbs], query, k=k)
    fits = fits or (lambda text: len(text) <= CHAR_BUDGET)
    citations, text = [], ""
    for hit in hits:
        c = from_hit(hit, len(citations) + 1)
        block = passage_block(c)
        if not fits(text + block):
            break
        citations.append(c)
        text += block
    return Grounding(citations, text, chinese)


def _budget(engine, max_tokens: int, render):
    """``fits(passages)`` for ``engine``'s context: the messages ``render(passages)`` gives must leave the
    reply its room (``llm.context.reply_budget``) and a margin; None when no local model can count
    (a provider's: :data:`CHAR_BUDGET` characters then)."""
    model = getattr(engine, "model", None)
    if model is None or not getattr(engine, "loaded", False) or not hasattr(engine, "count_tokens"):
        return None
    from aigc_desktop.llm.context import reply_budget

    budget = model.n_ctx - reply_budget(model.n_ctx, max_tokens) - MARGIN
    return lambda passages: engine.count_tokens(render(passages)) <= budget


def _safely(kb_service, kb_uids, query: str, chinese: bool, fits) -> Grounding:
    try:
        return retrieve(kb_service, kb_uids, query, chinese=chinese, fits=fits)
    except Exception:  # a broken index must not cost the person their answer: logged, answered without
        log.exception("knowledge-base retrieval failed; going on without passages")
        return Grounding(chinese=chinese)


def ground_turn(kb_service, conv, question: str, engine, max_tokens: int) -> Grounding:
    """Passages for a turn of ``conv`` (a ConversationRecord: its ``kbs`` and system prompt) within the
    context budget of ``engine``: the context, less the reply's room, the system prompt and the
    question, less a margin."""
    chinese = is_chinese(question)
    kb_uids = conv.kbs
    if kb_service is None or not kb_uids:
        return Grounding(chinese=chinese)
    system = [{"role": "system", "content": conv.system_prompt}] if (conv.system_prompt or "").strip() else []

    def render(passages: str) -> list[dict]:
        return system + [{"role": "user", "content": Grounding([{}], passages, chinese).question(question)}]

    return _safely(kb_service, kb_uids, question, chinese, _budget(engine, max_tokens, render))


def ground_section(kb_service, kb_uids, title: str, notes: str, prompt: str, engine, max_tokens: int, *,
                   chinese: bool) -> Grounding:
    """Passages for a writing-studio section: retrieved with its title and notes, within the context
    left beside its prompt (:func:`section_prompt` puts them after it)."""
    if kb_service is None or not kb_uids:
        return Grounding(chinese=chinese)

    def render(passages: str) -> list[dict]:
        return [{"role": "user", "content": section_prompt(prompt, Grounding([{}], passages, chinese))}]

    query = f"{title}\n{notes}".strip()
    return _safely(kb_service, kb_uids, query, chinese, _budget(engine, max_tokens, render))


def section_prompt(prompt: str, grounding: Grounding) -> str:
    """A section's prompt with its passages after it: sections still share their prompt's start."""
    note = grounding.section_note()
    return f"{prompt}\n\n{note}".rstrip() if note else prompt
