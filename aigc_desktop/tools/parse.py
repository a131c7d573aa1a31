"""Tool calls written as text by a local model, and holding them back while they stream.

llama-cpp-python 0.3.36 returns structured ``tool_calls`` only when one function is forced;
otherwise a model's call is plain text in its reply (abetlen/llama-cpp-python #1784, #1338).
So reading it is ours. :func:`parse_tool_calls` reads, tolerantly:

- Hermes / Qwen 2.5 / Qwen3: ``<tool_call>{"name": …, "arguments": {…}}</tool_call>`` (one or
  several; ``arguments`` may be a JSON string, or be called ``parameters``; a missing closing
  tag at the end of the reply and stray braces after the object are forgiven);
- Qwen3-Coder: ``<function=name><parameter=x>value</parameter></function>``, inside
  ``<tool_call>`` or not (a value that is JSON is read as JSON, else kept as text);
- a bare JSON object ``{"name", "arguments"}`` (or a list of them) that is the whole reply,
  perhaps in a ```json fence, when its name is one of the offered tools (so an answer that
  happens to be JSON is not taken for a call).

A call that cannot be read becomes an error in words (``Parsed.errors``), never an exception.

:class:`CallHolder` sits on the streamed answer: text is shown as it comes until a call may be
starting (``<tool_call>``, ``<function=``, a prefix of them at the end of a chunk, or a reply
that opens with ``{``, ``[`` or a code fence); from there it is held back, so the person never
sees half a call as the answer. At the end, if no call was there after all, the held text is
released. Written by hand: the formats are the models' own habits, which no library follows.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field

from aigc_desktop.i18n import _

MARKERS = ("<tool_call>", "<function=")
_FUNCTION = re.compile(r"<function=([^>\s]+)\s*>(.*?)(?:</function>|$)", re.DOTALL)
_PARAMETER = re.compile(r"<parameter=([^>\s]+)\s*>(.*?)(?:</parameter>|(?=<parameter=)|$)", re.DOTALL)
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*(?:```)?\s*$", re.DOTALL)
SNIPPET = 160
_FENCE_OPEN = "```json"


def new_call_id() -> str:
    return "call_" + uuid.uuid4().hex[:12]


@dataclass(frozen=True)
class ParsedCall:
    name: str
    arguments: dict
    id: str = field(default_factory=new_call_id)


@dataclass(frozen=True)
class Parsed:
    """``text``: the answer before the first call; ``calls`` in order; ``errors``: calls that could not be read."""

    text: str
    calls: list[ParsedCall] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _snippet(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= SNIPPET else text[: SNIPPET - 1] + "…"


def _arguments(value) -> dict | None:
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except ValueError:
            return None
    return value if isinstance(value, dict) else None


def _json_call(body: str) -> tuple[ParsedCall | None, str | None]:
    """One ``{"name", "arguments"}`` object from ``body`` (stray text after it is forgiven)."""
    start = body.find("{")
    if start < 0:
        return None, _("no JSON object")
    try:
        obj, _end = json.JSONDecoder().raw_decode(body[start:])
    except ValueError as exc:
        return None, _("not valid JSON: {reason}").format(reason=getattr(exc, "msg", exc))
    if isinstance(obj, dict) and "function" in obj and isinstance(obj["function"], dict):
        obj = obj["function"]  # an OpenAI-shaped call written out as text
    name = obj.get("name") if isinstance(obj, dict) else None
    if not isinstance(name, str) or not name.strip():
        return None, _("no tool name")
    args = _arguments(obj.get("arguments", obj.get("parameters")))
    if args is None:
        return None, _("the arguments are not a JSON object")
    return ParsedCall(name.strip(), args), None


def _xml_value(raw: str):
    value = raw.strip("\n")
    try:
        return json.loads(value)
    except ValueError:
        return value


def _xml_calls(body: str) -> list[ParsedCall]:
    calls = []
    for name, inner in _FUNCTION.findall(body):
        args = {key: _xml_value(val) for key, val in _PARAMETER.findall(inner)}
        calls.append(ParsedCall(name.strip(), args))
    return calls


def _bare(text: str, known: set[str] | None) -> list[ParsedCall] | None:
    """The whole reply as a bare JSON call (or list of calls) naming offered tools, else None."""
    if not known:
        return None
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group(1)
    if not stripped.startswith(("{", "[")):
        return None
    try:
        value = json.loads(stripped)
    except ValueError:
        return None
    items = value if isinstance(value, list) else [value]
    calls = []
    for item in items:
        if not isinstance(item, dict):
            return None
        call, problem = _json_call(json.dumps(item))
        if call is None or call.name not in known:
            return None
        calls.append(call)
    return calls or None


def parse_tool_calls(text: str, known: set[str] | None = None) -> Parsed:
    """The calls in a whole reply (see the module docstring); ``known`` are the offered tools' names."""
    first = min((i for i in (text.find(m) for m in MARKERS) if i >= 0), default=-1)
    if first < 0:
        bare = _bare(text, known)
        return Parsed("", bare) if bare else Parsed(text)
    before, rest = text[:first], text[first:]
    calls: list[ParsedCall] = []
    errors: list[str] = []
    if rest.startswith("<function="):
        blocks = [rest]
    else:
        blocks = [b.split("</tool_call>", 1)[0] for b in rest.split("<tool_call>")[1:]]
    for block in blocks:
        if "<function=" in block:
            found = _xml_calls(block)
            if found:
                calls.extend(found)
                continue
        if not block.strip():
            continue
        call, problem = _json_call(block)
        if call is not None:
            calls.append(call)
        else:
            errors.append(_("The model wrote a tool call that could not be read ({reason}): {text}").format(
                reason=problem, text=_snippet(block)))
    return Parsed(before, calls, errors)


def _partial_marker(text: str) -> int:
    """How many characters at the end of ``text`` could be the start of a marker."""
    for n in range(min(len(text), max(len(m) for m in MARKERS) - 1), 0, -1):
        tail = text[-n:]
        if any(m.startswith(tail) for m in MARKERS):
            return n
    return 0


class CallHolder:
    """Shows a streamed answer as it comes, holding back what may be a tool call (see the module docstring)."""

    def __init__(self, known: set[str] | None = None) -> None:
        self.known = known
        self._shown: list[str] = []
        self._held = ""
        self._holding = False  # a marker (or a JSON-looking start) was seen: hold to the end

    def feed(self, text: str) -> str:
        """The part of ``text`` that can be shown now."""
        if not text:
            return ""
        self._held += text
        if self._holding:
            return ""
        if self.known and not "".join(self._shown).strip():  # a bare JSON call is the whole reply
            start = self._held.lstrip()
            if not start or (_FENCE_OPEN.startswith(start) and start != _FENCE_OPEN):
                return ""  # too early to tell
            if start[:1] in ("{", "[") or start.startswith(_FENCE_OPEN):
                self._holding = True
                return ""
        idx = min((i for i in (self._held.find(m) for m in MARKERS) if i >= 0), default=-1)
        if idx >= 0:
            out, self._held, self._holding = self._held[:idx], self._held[idx:], True
        else:
            keep = _partial_marker(self._held)
            out, self._held = self._held[: len(self._held) - keep], self._held[len(self._held) - keep:]
        self._shown.append(out)
        return out

    def finish(self) -> tuple[str, Parsed]:
        """(text still to show, what the whole reply holds). With no call, the held text is shown after all."""
        shown = "".join(self._shown)
        parsed = parse_tool_calls(shown + self._held, self.known)
        if not parsed.calls and not parsed.errors:
            release, self._held = self._held, ""
            return release, Parsed(shown + release)
        # the text before the first call may have been held (a JSON-looking start that was prose)
        release = parsed.text[len(shown):] if parsed.text.startswith(shown) else ""
        self._held = ""
        return release, parsed
