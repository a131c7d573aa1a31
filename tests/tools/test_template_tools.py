"""A local model whose chat template knows tools (Qwen 2.5's, on the starter model's weights): the tools
reach the template itself, and a past exchange is rendered by it (call arguments as an object, the result
in its own tool turn), with no second tools block of ours. Rendering only, no generation."""

from __future__ import annotations

import json

import pytest

from aigc_desktop.llm.engine import LlamaEngine
from aigc_desktop.tools.messages import expand_reply, for_engine, template_renders_tools
from tests.llm.gguf_copy import with_template

QWEN25 = (
    "{%- if tools %}{{- '<|im_start|>system\\n' }}"
    "{%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] }}"
    "{%- else %}{{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}{%- endif %}"
    "{{- \"\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\n"
    "You are provided with function signatures within <tools></tools> XML tags:\\n<tools>\" }}"
    "{%- for tool in tools %}{{- \"\\n\" }}{{- tool | tojson }}{%- endfor %}"
    "{{- \"\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within "
    "<tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\\"name\\\": <function-name>, \\\"arguments\\\": "
    "<args-json-object>}\\n</tool_call><|im_end|>\\n\" }}"
    "{%- else %}{%- if messages[0]['role'] == 'system' %}"
    "{{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}"
    "{%- else %}{{- '<|im_start|>system\\nYou are a helpful assistant.<|im_end|>\\n' }}{%- endif %}{%- endif %}"
    "{%- for message in messages %}"
    "{%- if (message.role == 'user') or (message.role == 'system' and not loop.first) or "
    "(message.role == 'assistant' and not message.tool_calls) %}"
    "{{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}"
    "{%- elif message.role == 'assistant' %}{{- '<|im_start|>' + message.role }}"
    "{%- if message.content %}{{- '\\n' + message.content }}{%- endif %}"
    "{%- for tool_call in message.tool_calls %}"
    "{%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}"
    "{{- '\\n<tool_call>\\n{\"name\": \"' }}{{- tool_call.name }}{{- '\", \"arguments\": ' }}"
    "{{- tool_call.arguments | tojson }}{{- '}\\n</tool_call>' }}{%- endfor %}{{- '<|im_end|>\\n' }}"
    "{%- elif message.role == 'tool' %}"
    "{%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != 'tool') %}{{- '<|im_start|>user' }}{%- endif %}"
    "{{- '\\n<tool_response>\\n' }}{{- message.content }}{{- '\\n</tool_response>' }}"
    "{%- if loop.last or (messages[loop.index0 + 1].role != 'tool') %}{{- '<|im_end|>\\n' }}{%- endif %}"
    "{%- endif %}{%- endfor %}"
    "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\\n' }}{%- endif %}"
)

SPEC = {"type": "function", "function": {"name": "echo", "description": "Say it back.",
                                         "parameters": {"type": "object", "properties": {"text": {"type": "string"}}}}}


@pytest.fixture(scope="module")
def qwen_engine(starter_model, tmp_path_factory):
    path = with_template(starter_model, tmp_path_factory.mktemp("qwen") / "smollm2-qwen-template.gguf", QWEN25)
    engine = LlamaEngine()
    engine.load(path, n_ctx=1024, n_threads=1)
    yield engine
    engine.unload()


def test_tools_and_a_past_exchange_render_through_the_template(qwen_engine):
    assert template_renders_tools(qwen_engine.model.chat_template)
    call = {"id": "c1", "step": 0, "server": "t", "tool": "echo", "arguments": {"text": "你好"}, "status": "done",
            "result": "echo:好你", "is_error": False, "seconds": 0.1, "text_before": "我来试试。"}
    history = [{"role": "user", "content": "回声"}, *expand_reply("完成了。", [call]),
               {"role": "user", "content": "再来"}]
    prompt = qwen_engine.render(for_engine(qwen_engine, history, tools_offered=True), tools=[SPEC]).prompt
    assert "<tools>\n" + json.dumps(SPEC, ensure_ascii=False) + "\n</tools>" in prompt
    assert prompt.count("# Tools") == 1
    assert '我来试试。\n<tool_call>\n{"name": "echo", "arguments": {"text": "你好"}}\n</tool_call>' in prompt
    assert "<|im_start|>user\n<tool_response>\necho:好你\n</tool_response><|im_end|>" in prompt
    assert "<|im_start|>assistant\n完成了。<|im_end|>" in prompt
