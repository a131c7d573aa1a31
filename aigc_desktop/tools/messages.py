"""Tool calls in the history a model is sent, in the form each engine reads.

The canonical form is OpenAI's: an assistant message with ``tool_calls`` (``{"id", "type":
"function", "function": {"name", "arguments"}}``) followed by one ``tool`` message per call
(``tool_call_id``, ``name``, ``content``). :func:`expand_reply` builds it from a stored reply
(``messages.tool_calls``: the calls in order, each with the ``step`` it was made at and the
``text_before`` it), so later turns show the model what it did, not only what it said.

:func:`for_engine` then adapts a history to the engine that will read it:

- a server (``engine.kind == "remote"``) with tools offered this turn reads it natively
  (``arguments`` as a JSON string, as the API wants);
- a local model whose chat template knows tool calls (Qwen, Hermes, Llama 3.1+ templates
  mention ``tool_calls``) gets the same messages with ``arguments`` as an object, which is
  what those templates serialise with ``tojson``;
- anything else (a template without tool roles, or a server with no tools offered this turn)
  gets a faithful text form: the call as Hermes ``<tool_call>{…}</tool_call>`` text at the end
  of the assistant's message, the result as a user message in ``<tool_response>`` tags.

:func:`tools_prompt` is the Hermes/Qwen system-prompt block that offers tools to a local model
whose template does not render ``tools`` itself.
"""

from __future__ import annotations

import json

TOOL_RESPONSE = "<tool_response>\n{content}\n</tool_response>"


def _args_text(arguments) -> str:
    return arguments if isinstance(arguments, str) else json.dumps(arguments or {}, ensure_ascii=False)


def _args_obj(arguments) -> dict:
    if isinstance(arguments, dict):
        return arguments
    try:
        value = json.loads(arguments or "{}")
    except ValueError:
        return {"_raw": arguments}
    return value if isinstance(value, dict) else {"_value": value}


def expand_reply(content: str, calls: list[dict]) -> list[dict]:
    """A stored reply as the messages the model exchanged: per step its text and calls, each call's
    result, then the answer. Calls that could not be read (no tool name) are left out."""
    out: list[dict] = []
    steps: dict[int, list[dict]] = {}
    for i, call in enumerate(calls or []):
        if not call.get("tool"):
            continue
        steps.setdefault(int(call.get("step", i)), []).append(call)
    for step in sorted(steps):
        group = steps[step]
        out.append({"role": "assistant", "content": group[0].get("text_before", "") or "",
                    "tool_calls": [{"id": c.get("id") or f"call_{step}_{j}", "type": "function",
                                    "function": {"name": c["tool"], "arguments": _args_text(c.get("arguments"))}}
                                   for j, c in enumerate(group)]})
        for j, c in enumerate(group):
            out.append({"role": "tool", "tool_call_id": c.get("id") or f"call_{step}_{j}", "name": c["tool"],
                        "content": str(c.get("result", ""))})
    if content or not out:
        out.append({"role": "assistant", "content": content})
    return out


def template_knows_tools(template: str) -> bool:
    return "tool_calls" in (template or "")


def template_renders_tools(template: str) -> bool:
    return "tools" in (template or "")


def _has_tools(messages) -> bool:
    return any(m.get("tool_calls") or m.get("role") == "tool" for m in messages)


def for_engine(engine, messages: list[dict], *, tools_offered: bool) -> list[dict]:
    """``messages`` (canonical) in the form ``engine`` reads (see the module docstring)."""
    if not _has_tools(messages):
        return list(messages)
    if getattr(engine, "kind", "") == "remote":
        return native(messages) if tools_offered else as_text(messages)
    model = getattr(engine, "model", None)
    if template_knows_tools(getattr(model, "chat_template", "")):
        return structured(messages)
    return as_text(messages)


def _drop_orphans(messages: list[dict]) -> list[dict]:
    """Tool results whose call was cut off by fitting the history are left out (a server refuses them)."""
    out, open_ids = [], set()
    for m in messages:
        if m.get("tool_calls"):
            open_ids = {c.get("id") for c in m["tool_calls"]}
        elif m.get("role") == "tool" and m.get("tool_call_id") not in open_ids:
            continue
        out.append(m)
    return out


def native(messages: list[dict]) -> list[dict]:
    out = []
    for m in _drop_orphans(messages):
        if m.get("tool_calls"):
            m = {**m, "tool_calls": [{**c, "function": {**c["function"],
                                                        "arguments": _args_text(c["function"].get("arguments"))}}
                                     for c in m["tool_calls"]]}
        out.append(m)
    return out


def structured(messages: list[dict]) -> list[dict]:
    out = []
    for m in _drop_orphans(messages):
        if m.get("tool_calls"):
            m = {**m, "tool_calls": [{**c, "function": {**c["function"],
                                                        "arguments": _args_obj(c["function"].get("arguments"))}}
                                     for c in m["tool_calls"]]}
        out.append(m)
    return out


def as_text(messages: list[dict]) -> list[dict]:
    """The text form: calls as ``<tool_call>`` JSON in the assistant's text, results as ``<tool_response>``
    user messages (consecutive results merged into one message)."""
    out: list[dict] = []
    for m in _drop_orphans(messages):
        if m.get("tool_calls"):
            blocks = [json.dumps({"name": c["function"]["name"], "arguments": _args_obj(c["function"].get("arguments"))},
                                 ensure_ascii=False) for c in m["tool_calls"]]
            text = (m.get("content") or "").rstrip()
            calls = "\n".join(f"<tool_call>\n{b}\n</tool_call>" for b in blocks)
            out.append({"role": "assistant", "content": (text + "\n" if text else "") + calls})
        elif m.get("role") == "tool":
            block = TOOL_RESPONSE.format(content=m.get("content", ""))
            if out and out[-1].get("role") == "user" and out[-1].get("content", "").endswith("</tool_response>"):
                out[-1] = {"role": "user", "content": out[-1]["content"] + "\n" + block}
            else:
                out.append({"role": "user", "content": block})
        else:
            out.append({"role": m["role"], "content": m.get("content") or ""})
    return out


def tools_prompt(tools: list[dict]) -> str:
    """The Hermes / Qwen 2.5 tools block (the wording those models were trained on)."""
    lines = "\n".join(json.dumps(t, ensure_ascii=False) for t in tools)
    return ("# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
            "You are provided with function signatures within <tools></tools> XML tags:\n<tools>\n"
            f"{lines}\n</tools>\n\nFor each function call, return a json object with function name and arguments "
            "within <tool_call></tool_call> XML tags:\n<tool_call>\n"
            '{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>')


def with_tools_prompt(messages: list[dict], tools: list[dict]) -> list[dict]:
    """``messages`` with the tools block at the end of the system message (one is added if there is none)."""
    block = tools_prompt(tools)
    if messages and messages[0].get("role") == "system":
        first = messages[0]
        return [{**first, "content": (first.get("content") or "").rstrip() + "\n\n" + block}, *messages[1:]]
    return [{"role": "system", "content": block}, *messages]
