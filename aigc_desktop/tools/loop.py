"""The tool loop of one reply: model → calls → approve → run → results back → model again.

:class:`ToolLoop` wraps an engine's stream for :func:`aigc_desktop.chat.record.record_stream`:
it yields the answer's text (and reasoning) as one stream while, between the model's steps,
it runs the calls the model asked for:

1. the model streams a step. A server's calls arrive natively (``tool_calls`` deltas, assembled
   by ``providers/remote.py``); a local model's are text, held back and read by
   :class:`~aigc_desktop.tools.parse.CallHolder`, so the person never sees half a call;
2. each call is announced (``on_tool({"phase": "call", "call": …})``), put to the approver
   through :class:`~aigc_desktop.tools.approval.ApprovalPolicy`, run on its server if allowed
   (:class:`~aigc_desktop.tools.client.ToolHub`) and announced again with its result
   (``"phase": "result"``). A denial, an unknown tool, a call that could not be read, a failure
   and a timeout all become an error result the model reads, and the chat goes on;
3. the assistant's calls and a ``tool`` message per result are added to the messages
   (``tools/messages.py`` puts them in the form the engine reads), and the model goes again.

It ends when a step asks for nothing, after :data:`MAX_STEPS` steps that called tools (a
ninth asking is not run; the reply says the loop was stopped), when the model repeats a call
it already made with the same arguments twice (the first repeat is answered with an error
that says so), or on Stop (the ``cancel`` event) at any point: while the model writes, while
the approver asks (it must return "deny" when cancelled) or while a tool runs.

What is kept (``calls``, stored in ``messages.tool_calls`` on the final reply): per call
``{"id", "step", "server", "tool", "arguments", "status": "done"|"denied"|"error"|"timeout",
"result" (capped, see ``tools/client.py``), "is_error", "seconds", "text_before"}``; the
reply's ``content`` is the text after the last call (:attr:`final_text`). Tool output is
untrusted text: it is stored and fed back as text, never run.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Callable, Iterator

from aigc_desktop.i18n import _
from aigc_desktop.llm.protocol import Delta
from aigc_desktop.tools.approval import ApprovalPolicy, Approver, ToolRequest
from aigc_desktop.tools.client import ToolHub, ToolInfo, cap
from aigc_desktop.tools.messages import for_engine, template_renders_tools, with_tools_prompt
from aigc_desktop.tools.parse import CallHolder, ParsedCall, new_call_id

MAX_STEPS = 8


@dataclasses.dataclass
class ToolContext:
    """What a turn with tools needs: the servers' connections, the remembered approvals, the
    approver of this turn, the live-card callback and the conversation (for "allow for this chat")."""

    hub: ToolHub
    policy: ApprovalPolicy
    approve: Approver
    tools: list[ToolInfo]
    conversation_id: int | None = None
    on_tool: Callable[[dict], None] | None = None
    problems: list[str] = dataclasses.field(default_factory=list)  # servers that could not start, in words


def _canonical(arguments: dict) -> str:
    return json.dumps(arguments, sort_keys=True, ensure_ascii=False)


class ToolLoop:
    """One reply's loop (see the module docstring). Iterate :meth:`stream`; then read ``calls`` and ``final_text``."""

    def __init__(self, engine, ctx: ToolContext, *, force_tool: str | None = None) -> None:
        self.engine = engine
        self.ctx = ctx
        self.force_tool = force_tool  # the first step must call this tool (a local engine constrains it)
        self.calls: list[dict] = []
        self.final_text: str | None = None  # set when the loop ends; None while it runs (or if it failed)
        self.step_text = ""  # what the current step has shown so far (the answer if the loop fails mid-step)
        self.steps = 0
        self._by_name = {}
        for info in ctx.tools:
            self._by_name.setdefault(info.name, info)
        self._seen: set[tuple[str, str]] = set()
        self._repeats = 0

    @property
    def specs(self) -> list[dict]:
        return [t.openai() for t in self._by_name.values()]

    def _emit(self, phase: str, call: dict) -> None:
        if self.ctx.on_tool is not None:
            self.ctx.on_tool({"phase": phase, "call": dict(call)})

    # -- one model step -------------------------------------------------------------
    def _step(self, messages, sampling, cancel, cache_key, on_progress, step_out: dict) -> Iterator[Delta]:
        remote = getattr(self.engine, "kind", "") == "remote"
        template = getattr(getattr(self.engine, "model", None), "chat_template", "")
        msgs = for_engine(self.engine, messages, tools_offered=True)
        if not remote and not template_renders_tools(template):
            msgs = with_tools_prompt(msgs, self.specs)  # the template cannot offer tools: the Hermes block
        kwargs: dict = {"cache_key": cache_key, "on_progress": on_progress, "tools": self.specs}
        if self.force_tool and self.steps == 0:
            kwargs["tool_choice"] = {"type": "function", "function": {"name": self.force_tool}}
        # A server's calls are native; but a server whose chat template is not applied to tools (llama-server
        # without --jinja, some LM Studio set-ups) returns them as text, so its text is held and read too.
        holder = CallHolder(set(self._by_name))
        stats = None
        for delta in self.engine.stream_chat(msgs, sampling, cancel, **kwargs):
            if delta.done:
                stats = delta.stats
                break
            text = holder.feed(delta.text) if delta.text else ""
            self.step_text += text
            if text or delta.reasoning:
                yield Delta(text, reasoning=delta.reasoning)
        release, parsed = holder.finish()
        if release:
            self.step_text += release
            yield Delta(release)
        native = getattr(stats, "tool_calls", ()) or ()
        if not native:
            step_out.update(text=parsed.text, calls=parsed.calls, errors=parsed.errors)
        else:
            calls, errors = [], []
            for c in native:
                if isinstance(c.get("arguments"), dict):
                    calls.append(ParsedCall(c["name"], c["arguments"], c["id"] or new_call_id()))
                else:
                    errors.append(_("The model's call of “{name}” has arguments that are not a JSON object: "
                                    "{text}").format(name=c["name"], text=str(c.get("arguments"))[:160]))
            step_out.update(text=parsed.text, calls=calls, errors=errors)
        step_out["stats"] = stats

    # -- the loop ---------------------------------------------------------------------
    def stream(self, messages: list[dict], sampling, cancel: threading.Event | None = None, *,
               cache_key: str | None = None, on_progress=None) -> Iterator[Delta]:
        cancel = cancel or threading.Event()
        messages = list(messages)
        totals = {"completion_tokens": 0, "total_seconds": 0.0}  # summed over the steps
        stats = first = None
        while True:
            out: dict = {}
            self.step_text = ""
            yield from self._step(messages, sampling, cancel, cache_key, on_progress, out)
            stats = out["stats"]
            first = first or stats
            if stats is not None:
                for key in totals:
                    totals[key] += getattr(stats, key) or 0
            calls, errors, text = out["calls"], out["errors"], out["text"]
            stopped = cancel.is_set() or (stats is not None and stats.finish_reason == "cancelled")
            if stopped or not (calls or errors):
                self.final_text = text
                break
            if self.steps >= MAX_STEPS:
                note = _("Stopped after {n} rounds of tool calls; ask again to go on.").format(n=MAX_STEPS)
                self.final_text = (text + "\n\n" if text.strip() else "") + note
                yield Delta(("\n\n" if text.strip() else "") + note)
                break
            results = self._run_step(self.steps, text, calls, errors, cancel)
            self.steps += 1
            messages.extend(results)
            if cancel.is_set():
                self.final_text = ""
                break
            if self._repeats >= 2:
                note = _("Stopped: the model asked for the same tool call again.")
                self.final_text = note
                yield Delta(note)
                break
        if stats is not None:
            # the last step's prompt is the whole exchange (the context it took); the tokens written and the
            # time are the steps' sums; the first token came in the first step
            extra = {k: v for k, v in totals.items() if hasattr(stats, k)}
            clean = {"tool_calls": ()} if hasattr(stats, "tool_calls") else {}
            stats = dataclasses.replace(stats, **extra, **clean,
                                        time_to_first_token=getattr(first, "time_to_first_token", None))
            if cancel.is_set():
                stats = dataclasses.replace(stats, finish_reason="cancelled")
        yield Delta(done=True, stats=stats)

    def _run_step(self, step: int, text: str, calls: list[ParsedCall], errors: list[str],
                  cancel: threading.Event) -> list[dict]:
        """Run one step's calls; the assistant message and tool messages that record it."""
        records = []
        for i, call in enumerate(calls):
            record = {"id": call.id, "step": step, "server": "", "tool": call.name, "arguments": call.arguments,
                      "status": "error", "result": "", "is_error": True, "seconds": 0.0,
                      "text_before": text if i == 0 else ""}
            self._one(record, cancel)
            records.append(record)
        for problem in errors:
            record = {"id": new_call_id(), "step": step, "server": "", "tool": "", "arguments": {},
                      "status": "error", "result": cap(problem), "is_error": True, "seconds": 0.0,
                      "text_before": text if not records else ""}
            self._emit("call", record)
            self._emit("result", record)
            records.append(record)
        self.calls.extend(records)
        named = [r for r in records if r["tool"]]
        out: list[dict] = []
        if named:
            out.append({"role": "assistant", "content": text, "tool_calls": [
                {"id": r["id"], "type": "function", "function": {"name": r["tool"], "arguments": r["arguments"]}}
                for r in named]})
            out.extend({"role": "tool", "tool_call_id": r["id"], "name": r["tool"], "content": r["result"]}
                       for r in named)
        unread = [r["result"] for r in records if not r["tool"]]
        if unread:  # a call that could not be read: the model is told in words, as the person is
            out.append({"role": "assistant", "content": text} if not named else {})
            out.append({"role": "user", "content": "\n".join(unread) + "\n" + _(
                "Write the tool call again as valid JSON, or answer without it.")})
        return [m for m in out if m]

    def _one(self, record: dict, cancel: threading.Event) -> None:
        """Approve and run one call, filling ``record`` (see the module docstring)."""
        info = self._by_name.get(record["tool"])
        if info is None:
            record["result"] = _("There is no tool named “{name}”. The tools are: {names}.").format(
                name=record["tool"], names=", ".join(self._by_name) or _("none"))
            self._emit("call", record)
            self._emit("result", record)
            return
        record["server"] = info.server
        key = (info.name, _canonical(record["arguments"]))
        self._emit("call", record)
        if key in self._seen:
            self._repeats += 1
            record["result"] = _("This exact call was already made in this reply; its result is above. Use it, "
                                 "or call something else.")
            self._emit("result", record)
            return
        self._seen.add(key)
        server = self.ctx.hub.config.get(info.server)
        request = ToolRequest(info.server, info.name, info.description, dict(record["arguments"]), info.read_only,
                              server.fingerprint(), self.ctx.conversation_id, server.describe())
        decision = "deny" if cancel.is_set() else self.ctx.policy.decide(request, self.ctx.approve)
        if cancel.is_set() or decision == "deny":
            record.update(status="denied", result=_("The person denied this tool call."))
            self._emit("result", record)
            return
        result = self.ctx.hub.call(info.server, info.name, record["arguments"], cancel=cancel)
        record.update(status=result.status, result=result.text, is_error=result.is_error, seconds=result.seconds)
        self._emit("result", record)
