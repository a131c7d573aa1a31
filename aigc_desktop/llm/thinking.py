"""Thinking on or off, and which models think: one place for the local engine, the remote one and the windows.

**Which models think.** A model "thinks" when it writes a chain of thought before its answer:
always (DeepSeek-R1 and its distills, QwQ: a *reasoning* model) or when asked (Qwen3, SmolLM3: a
*hybrid* one). The catalog says so for its entries (``hub/catalog.py`` ``reasoning``); for any
other model the name tells (R1, QwQ, Qwen3, SmolLM3, "think"), or the chat template, which opens
``<think>`` itself (R1 distills) or reads ``enable_thinking`` (hybrids).

**Switching it.** :attr:`SamplingParams.thinking <aigc_desktop.llm.sampling.SamplingParams>` is
True, False or None (the model's own default). Locally it reaches the template as the
``enable_thinking`` variable (Qwen3's templates read it); a hybrid model whose template ignores the
variable gets Qwen3's soft switch ``/no_think`` at the end of the last user message instead. A
server gets ``chat_template_kwargs: {"enable_thinking": …}`` (``providers/remote.py``).

**Budget.** Thinking counts toward max tokens, so a model that thinks gets a larger default
(:data:`REASONING_MAX_TOKENS`) wherever the person has not set one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

REASONING_MAX_TOKENS = 4096  # a chain of thought is often 1–3k tokens before the answer starts
NO_THINK = "/no_think"  # Qwen3's soft switch, honoured by its hybrid models in the user's message
TEMPLATE_SWITCH = "enable_thinking"
_ALWAYS = re.compile(r"qwq|(?:^|[-_/ .])r1(?:[-_. ]|$)|think", re.IGNORECASE)
_HYBRID = re.compile(r"qwen[-_ .]?3(?!.*instruct[-_ .]?2507)|smollm[-_ .]?3", re.IGNORECASE)


def _no_catalog(_file_name: str) -> bool | str | None:
    return None


_catalog_lookup: Callable[[str], bool | str | None] = _no_catalog


def use_catalog(lookup: Callable[[str], bool | str | None]) -> None:
    """Let the catalog's ``reasoning`` flags decide for the files it lists.

    Injected by the composition root (``runtime.open_runtime`` passes
    ``hub.catalog.reasoning_flag``) because ``llm/`` never imports ``hub/``; until then,
    and for files the catalog does not list, the name and the template decide."""
    global _catalog_lookup
    _catalog_lookup = lookup


def catalog_flag(file_name: str) -> bool | str | None:
    """The catalog's ``reasoning`` flag for a model file it lists (True, False, "hybrid"), else None."""
    try:
        return _catalog_lookup(file_name)
    except Exception:  # an unreadable catalog decides nothing
        return None


def is_hybrid(name: str, template: str = "", flag: bool | str | None = None) -> bool:
    """Thinking can be switched on or off: the catalog says "hybrid", the template reads
    ``enable_thinking``, or the name is a hybrid family's (Qwen3 apart from its 2507 Instruct)."""
    if flag is not None:
        return flag == "hybrid"
    return TEMPLATE_SWITCH in (template or "") or bool(_HYBRID.search(name or ""))


def thinks(name: str, template: str = "", flag: bool | str | None = None) -> bool:
    """The model writes a chain of thought, always or by default (a reasoning or hybrid model)."""
    if flag is not None:
        return flag is True or flag == "hybrid"
    # A template that writes <think> itself (R1 distills open it in the generation prompt) is a thinker's.
    return is_hybrid(name, template) or bool(_ALWAYS.search(name or "")) or "<think>" in (template or "")


def model_thinks(model) -> bool:
    """:func:`thinks` for a :class:`~aigc_desktop.llm.protocol.LoadedModel` (None: no)."""
    if model is None:
        return False
    name = f"{model.name} {Path(str(model.path)).name}"
    return thinks(name, model.chat_template or "", catalog_flag(Path(str(model.path)).name))


def model_is_hybrid(model) -> bool:
    if model is None:
        return False
    name = f"{model.name} {Path(str(model.path)).name}"
    return is_hybrid(name, model.chat_template or "", catalog_flag(Path(str(model.path)).name))


def ref_thinks(ref: str) -> bool:
    """:func:`thinks` for a model reference as settings hold it (a path, a name or ``provider/model``)."""
    return thinks(ref, flag=catalog_flag(Path(ref).name))


def default_max_tokens(model, plain: int) -> int:
    """``plain``, or :data:`REASONING_MAX_TOKENS` when ``model`` (a LoadedModel) thinks."""
    return max(plain, REASONING_MAX_TOKENS) if model_thinks(model) else plain


def template_kwargs(thinking: bool | None) -> dict:
    """Extra variables for the chat template: ``enable_thinking`` when the switch is set."""
    return {} if thinking is None else {TEMPLATE_SWITCH: bool(thinking)}


def soft_switched(messages: Sequence[dict], thinking: bool | None, model) -> list[dict]:
    """``messages`` with ``/no_think`` after the last user message when thinking is off for a hybrid
    model whose template does not read ``enable_thinking`` (so the variable alone would do nothing)."""
    msgs = [dict(m) for m in messages]  # copies: a tool exchange's own keys (tool_calls, tool_call_id) stay
    if thinking is not False or model is None or TEMPLATE_SWITCH in (model.chat_template or ""):
        return msgs
    if not model_is_hybrid(model):
        return msgs
    for m in reversed(msgs):
        if m["role"] == "user":
            if NO_THINK not in m["content"]:
                m["content"] = f"{m['content'].rstrip()} {NO_THINK}"
            break
    return msgs
