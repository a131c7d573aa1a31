"""Thinking on or off with the local engine: ``enable_thinking`` reaches the GGUF's own template, and a
hybrid model whose template ignores it gets ``/no_think``; which models think; the stored switch."""

from __future__ import annotations

import pytest

from aigc_desktop.errors import UserError
from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.llm.thinking import NO_THINK, REASONING_MAX_TOKENS, is_hybrid, thinks
from tests.llm.gguf_copy import with_template

# ChatML as SmolLM2's, with Qwen3's switch: thinking off writes an empty think block after the header.
SWITCH_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n"
    "{% if enable_thinking is defined and enable_thinking is false %}<think>\n\n</think>\n\n{% endif %}"
    "[thinking={{ enable_thinking if enable_thinking is defined else 'unset' }}]{% endif %}"
)
PLAIN_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)


def _copy(starter_model, out, template: str):
    """A copy of the starter GGUF with another chat template."""
    return with_template(starter_model, out, template)


@pytest.fixture(scope="module")
def switch_model(starter_model, tmp_path_factory):
    return _copy(starter_model, tmp_path_factory.mktemp("switch") / "smollm2-switch.gguf", SWITCH_TEMPLATE)


@pytest.fixture(scope="module")
def qwen3_named_model(starter_model, tmp_path_factory):
    """The starter's weights under a Qwen3 name, with a template that ignores enable_thinking."""
    return _copy(starter_model, tmp_path_factory.mktemp("qwen3") / "Qwen3-mini-Q8_0.gguf", PLAIN_TEMPLATE)


def test_enable_thinking_reaches_the_template(switch_model):
    from aigc_desktop.llm.engine import LlamaEngine

    engine = LlamaEngine()
    engine.load(switch_model, n_ctx=512)
    try:
        msgs = [{"role": "user", "content": "hi"}]
        assert "[thinking=unset]" in engine.render(msgs).prompt
        off = engine.render(msgs, thinking=False).prompt
        assert off.endswith("<think>\n\n</think>\n\n[thinking=False]") and NO_THINK not in off
        assert engine.render(msgs, thinking=True).prompt.endswith("assistant\n[thinking=True]")
        # and through a real reply: the prompt evaluated holds the switched template's tokens
        off_tokens = engine.format_prompt(msgs, False)
        assert len(off_tokens) > len(engine.format_prompt(msgs, True))
        reply = list(engine.stream_chat(msgs, SamplingParams(max_tokens=2, temperature=0, thinking=False)))
        assert reply[-1].done and reply[-1].stats.prompt_tokens == len(off_tokens)
    finally:
        engine.unload()


def test_a_hybrid_model_whose_template_ignores_the_variable_gets_no_think(qwen3_named_model):
    from aigc_desktop.llm.engine import LlamaEngine

    engine = LlamaEngine()
    engine.load(qwen3_named_model, n_ctx=512)
    try:
        msgs = [{"role": "system", "content": "s"}, {"role": "user", "content": "你好"}]
        assert f"你好 {NO_THINK}<|im_end|>" in engine.render(msgs, thinking=False).prompt
        assert NO_THINK not in engine.render(msgs, thinking=True).prompt
        assert NO_THINK not in engine.render(msgs).prompt
    finally:
        engine.unload()


def test_a_model_that_thinks_gets_a_larger_default_max_tokens(qwen3_named_model, store):
    from aigc_desktop.chat.service import ChatService
    from aigc_desktop.llm.engine import LlamaEngine

    engine = LlamaEngine()
    engine.load(qwen3_named_model, n_ctx=512)
    try:
        service = ChatService(store, engine)
        conv = service.new_conversation()
        assert service.sampling_for(conv.id, engine=engine).max_tokens == REASONING_MAX_TOKENS
        mine = service.new_conversation(sampling={"max_tokens": 100})
        assert service.sampling_for(mine.id, engine=engine).max_tokens == 100
    finally:
        engine.unload()


@pytest.mark.parametrize(("name", "hybrid", "thinking"), [
    ("Qwen3-4B-Q4_K_M.gguf", True, True),
    ("Qwen_Qwen3-4B-Instruct-2507-Q4_K_M.gguf", False, False),
    ("DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf", False, True),
    ("qwq-32b-q4_k_m.gguf", False, True),
    ("SmolLM3-3B-Q4_K_M.gguf", True, True),
    ("Qwen2.5-3B-Instruct-Q4_K_M.gguf", False, False),
])
def test_which_models_think_by_name(name, hybrid, thinking):
    assert (is_hybrid(name), thinks(name)) == (hybrid, thinking)


def test_catalog_flag_decides_over_the_name():
    assert thinks("Qwen3-4B", flag=False) is False and is_hybrid("x", flag="hybrid")
    assert thinks("plain", template="{{ '<think>\\n' }}") is True


def test_the_switch_is_stored_only_when_set():
    assert "thinking" not in SamplingParams().to_dict()
    assert SamplingParams.from_dict({"thinking": False}).to_dict()["thinking"] is False
    assert SamplingParams.from_dict({"thinking": "on"}).thinking is True
    with pytest.raises(UserError, match="on or off"):
        SamplingParams.from_dict({"thinking": "perhaps"})


def test_the_catalogs_flag_decides_once_the_runtime_has_opened():
    """llm/ never imports hub/: the runtime hands the catalog's flags to the thinking rules."""
    from aigc_desktop.hub.catalog import load_catalog
    from aigc_desktop.llm import thinking
    from aigc_desktop.runtime import open_runtime

    entry = next(e for e in load_catalog() if e.reasoning is False)
    rt = open_runtime()
    try:
        assert thinking.catalog_flag(entry.file) is False
        assert thinking.catalog_flag("not-in-the-catalog.gguf") is None
    finally:
        rt.close()
