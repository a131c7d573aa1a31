"""Reasoning with the local engine: a template that opens <think> makes the whole reply reasoning."""

from __future__ import annotations

import pytest

from aigc_desktop.llm.reasoning import ThinkSplitter, prompt_opens_thinking, split_stored
from tests.llm.gguf_copy import with_template

# SmolLM2's own ChatML, with the generation prompt ending inside <think>, as DeepSeek-R1 distills do.
THINK_TEMPLATE = (
    "{% for message in messages %}<|im_start|>{{ message['role'] }}\n{{ message['content'] }}<|im_end|>\n"
    "{% endfor %}{% if add_generation_prompt %}<|im_start|>assistant\n<think>\n{% endif %}"
)


@pytest.fixture(scope="module")
def thinking_model(starter_model, tmp_path_factory):
    """A copy of the starter GGUF whose chat template opens <think>."""
    return with_template(starter_model, tmp_path_factory.mktemp("thinking") / "smollm2-think.gguf", THINK_TEMPLATE)


def test_everything_the_model_writes_is_reasoning_and_the_reply_is_cut_while_thinking(thinking_model, store):
    from aigc_desktop.chat.service import ChatService
    from aigc_desktop.llm.engine import LlamaEngine
    from aigc_desktop.llm.sampling import SamplingParams

    engine = LlamaEngine()
    engine.load(thinking_model, n_ctx=1024)
    try:
        prompt = engine._formatter(messages=[{"role": "user", "content": "hi"}]).prompt
        assert prompt_opens_thinking(prompt)
        service = ChatService(store, engine)
        conv = service.new_conversation()
        said, thought = [], []
        result = service.send(conv.id, "Tell me about the sea.", on_delta=said.append, on_reasoning=thought.append,
                              sampling=SamplingParams(max_tokens=24, temperature=0, seed=1))
    finally:
        engine.unload()
    reply = result.reply
    # SmolLM2 never writes </think>: all 24 tokens are thinking, kept, and the answer is empty.
    assert reply.reasoning and "".join(thought).strip() == reply.reasoning
    assert reply.content == "" and said == []
    assert reply.stats["cut_while_thinking"] is True and reply.stats["finish_reason"] == "length"
    assert reply.status == "done"


@pytest.mark.parametrize("chunks", [
    ["<think>\n想", "一想\n</think>\n\n答"],
    ["<", "think>想一想</", "think>", "答"],
    ["  <think>想一想</thi", "nk>\n答"],
])
def test_split_tags_in_any_chunking(chunks):
    splitter = ThinkSplitter()
    answer = reasoning = ""
    for chunk in chunks:
        a, r = splitter.feed(chunk)
        answer, reasoning = answer + a, reasoning + r
    a, r = splitter.flush()
    assert (answer + a, (reasoning + r).strip()) == ("答", "想一想")


def test_an_answer_about_tags_stays_an_answer():
    splitter = ThinkSplitter()
    assert splitter.feed("用 <think> 标签包住思考") == ("用 <think> 标签包住思考", "")
    assert split_stored("答：<think>x</think>") == ("答：<think>x</think>", "")
