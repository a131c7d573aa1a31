"""One real local run: the starter model (SmolLM2, whose template has no tools) forced to call the test
server's echo tool. The tools reach it as the Hermes block in the system prompt, the grammar keeps its
arguments to the tool's schema, the call is read by the parser, run on the stdio server, and the result
goes back as text for a second step."""

from __future__ import annotations

import sys
from pathlib import Path

from aigc_desktop.llm.sampling import SamplingParams
from aigc_desktop.tools.loop import ToolLoop
from aigc_desktop.tools.service import ToolService

SERVER = str(Path(__file__).with_name("mcp_server.py"))


def test_starter_model_forced_call_runs_and_its_result_comes_back(real_engine, app_home):
    svc = ToolService.open(app_home / "data", call_timeout=30)
    svc.config.add_stdio("t", sys.executable, [SERVER])
    asked = []
    try:
        ctx = svc.context(["t"], lambda r: asked.append(r) or "once")
        loop = ToolLoop(real_engine, ctx, force_tool="echo")
        deltas = list(loop.stream([{"role": "user", "content": "Use the echo tool to say hello."}],
                                  SamplingParams(max_tokens=32, temperature=0.0, seed=1)))
    finally:
        svc.close()
    [call] = loop.calls
    assert call["tool"] == "echo" and call["status"] == "done" and isinstance(call["arguments"]["text"], str)
    assert call["result"] == "echo:" + call["arguments"]["text"][::-1]
    assert [r.tool for r in asked] == ["echo"] and loop.steps == 1
    shown = "".join(d.text for d in deltas if not d.done)
    assert "<tool_call>" not in shown and '"arguments"' not in shown  # the call itself was never shown
    assert deltas[-1].done and deltas[-1].stats.completion_tokens > 0
