"""Talking to MCP servers with the official ``mcp`` SDK (2.x ``Client``), never hanging the caller.

:class:`ToolHub` keeps one connection per configured server, opened when first needed and
reused by later calls (a stdio server is a child process that stays up, as in LM Studio). All
of it runs on one background thread with its own event loop (the SDK is async; the callers,
the engine thread and the CLI, are not). A caller waits on a future in short slices, so:

- **a server that does not start** within ``start_timeout`` (default 30 s: ``npx`` may fetch
  a package on its first run) is reported as such, with the last lines it wrote to stderr,
  and its start is cancelled in the background (the SDK closes stdin, then kills its process
  group); a command that is not found, or a server that exits at once, says so with its
  stderr tail;
- **a call** past ``call_timeout`` (default 120 s) comes back as a ``timeout`` result, and a
  server that crashes during a call as an ``error`` result with its stderr tail; the next call
  starts it again;
- **Stop** (the ``cancel`` event) ends the wait at once.

**A stdio child's environment** is an allow-list: the SDK's own (``HOME``, ``LOGNAME``,
``PATH``, ``SHELL``, ``TERM``, ``USER``; the Windows equivalents), the locale and temp-folder
variables in :data:`EXTRA_ENV`, and the ``env`` of its entry. Nothing else of the app's
environment (API keys of other programs, tokens) reaches it.

**Tool output is untrusted text**: each result is reduced to text (an image or a binary
resource is named, never decoded) and cut at :data:`RESULT_CAP` characters (8,000, about 2-4k
tokens: enough for a page of a file or a search result list, small enough that a 4k-context
model still has room to answer), with a note saying how much was cut. It is stored and shown
inert, never executed.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.tools.config import ServerConfig, ToolsConfig

log = logging.getLogger(__name__)

START_TIMEOUT = 30.0
CALL_TIMEOUT = 120.0
RESULT_CAP = 8000
STDERR_TAIL = 1200  # characters of a server's stderr shown with its failure
EXTRA_ENV = ("LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TMPDIR", "TEMP", "TMP", "TZ", "SYSTEMROOT", "COMSPEC",
             "XDG_RUNTIME_DIR", "SSL_CERT_FILE", "SSL_CERT_DIR")
_SLICE = 0.05  # how often a waiting caller looks at its cancel event


class ToolServerError(UserError):
    """A server could not be reached: not started, crashed, refused. The text names it and quotes its stderr."""


@dataclass(frozen=True)
class ToolInfo:
    server: str
    name: str
    description: str
    input_schema: dict
    read_only: bool

    def openai(self) -> dict:
        """The tool as OpenAI's ``tools`` entry (also what chat templates read)."""
        schema = dict(self.input_schema or {})
        schema.setdefault("type", "object")
        schema.setdefault("properties", {})
        return {"type": "function", "function": {"name": self.name, "description": self.description,
                                                 "parameters": schema}}


@dataclass(frozen=True)
class ToolResult:
    text: str
    status: str  # "done", "error" or "timeout"
    is_error: bool
    seconds: float


def cap(text: str, limit: int = RESULT_CAP) -> str:
    """``text`` cut at ``limit`` characters, with a note saying how much was left out."""
    if len(text) <= limit:
        return text
    return text[:limit] + "\n" + _("[… {n:,} more characters cut]").format(n=len(text) - limit)


def result_text(result) -> str:
    """A ``CallToolResult``'s content as plain text (see the module docstring)."""
    parts = []
    for block in result.content or ():
        kind = getattr(block, "type", "")
        if kind == "text":
            parts.append(block.text)
        elif kind in ("image", "audio"):
            parts.append(_("[{kind}: {mime}, {size:,} bytes, not shown]").format(
                kind=kind, mime=block.mime_type, size=len(block.data) * 3 // 4))
        elif kind == "resource":
            res = block.resource
            parts.append(getattr(res, "text", None) or _("[resource {uri}]").format(uri=res.uri))
        elif kind == "resource_link":
            parts.append(_("[resource {uri}]").format(uri=block.uri))
    if not parts and result.structured_content is not None:
        import json

        parts.append(json.dumps(result.structured_content, ensure_ascii=False))
    return "\n".join(parts)


def child_environment(server: ServerConfig, own: dict | None = None) -> dict[str, str]:
    """What a stdio server's process gets besides the SDK's defaults: the allow-list and its own env
    (``own``: the entry's variables with their secrets read from the keychain; the file's by default)."""
    env = {k: os.environ[k] for k in EXTRA_ENV if k in os.environ}
    env.update({k: str(v) for k, v in (server.env if own is None else own).items()})
    return env


class _Connection:
    """One server's live session, owned by the hub's event loop."""

    def __init__(self, server: ServerConfig, headers: dict) -> None:
        self.server = server
        self.headers = headers  # with secrets: the HTTP headers, or a stdio server's own environment
        self.client = None
        self.tools: list[ToolInfo] = []
        self.closing: asyncio.Event | None = None
        self.task: asyncio.Task | None = None
        self.dead: str | None = None  # why it ended
        fd, name = tempfile.mkstemp(prefix="aigc-mcp-", suffix=".stderr")
        os.close(fd)
        self.stderr_path = Path(name)

    def stderr_tail(self) -> str:
        try:
            text = self.stderr_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        text = text.strip()
        return text if len(text) <= STDERR_TAIL else "…" + text[-STDERR_TAIL:]

    async def run(self, ready: asyncio.Future, factory) -> None:
        self.closing = asyncio.Event()
        try:
            with open(self.stderr_path, "w", encoding="utf-8") as errlog:
                async with contextlib.AsyncExitStack() as stack:
                    client = await stack.enter_async_context(factory(self.server, self.headers, errlog, stack))
                    self.client = client
                    self.tools = await self._list(client)
                    if not ready.done():
                        ready.set_result(self.tools)
                    await self.closing.wait()
        except BaseException as exc:  # noqa: BLE001 - reported to the waiting caller, then re-raised if cancelled
            self.dead = _describe(exc)
            if not ready.done():
                ready.set_exception(exc if isinstance(exc, Exception) else ToolServerError(self.dead))
            if isinstance(exc, (asyncio.CancelledError, KeyboardInterrupt, SystemExit)):
                raise
        finally:
            self.client = None
            if self.dead is None:
                self.dead = _("closed")

    async def _list(self, client) -> list[ToolInfo]:
        tools, cursor = [], None
        for _page in range(50):
            page = await client.list_tools(cursor=cursor)
            for t in page.tools:
                hint = getattr(getattr(t, "annotations", None), "read_only_hint", None)
                tools.append(ToolInfo(self.server.name, t.name, t.description or "", dict(t.input_schema or {}),
                                      bool(hint)))
            cursor = page.next_cursor
            if not cursor:
                break
        return tools


def open_client(server: ServerConfig, headers: dict, errlog, stack: contextlib.AsyncExitStack):
    """The SDK ``Client`` for ``server`` (not yet entered): Streamable HTTP with ``headers``, or a stdio
    child with the allow-listed environment plus ``headers`` (then its own variables) and its stderr
    into ``errlog``."""
    from mcp import Client
    from mcp.client.stdio import StdioServerParameters, stdio_client

    if server.url:
        import httpx2
        from mcp.client.streamable_http import streamable_http_client

        http = httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30.0, read=300.0))
        stack.push_async_callback(http.aclose)
        return Client(streamable_http_client(server.url, http_client=http))
    params = StdioServerParameters(command=server.command, args=list(server.args),
                                   env=child_environment(server, headers))
    return Client(stdio_client(params, errlog=errlog))


def _describe(exc: BaseException) -> str:
    """One line for an exception from the SDK (exception groups unwrapped)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, FileNotFoundError):
        return _("the command was not found ({what})").format(what=exc.filename or exc)
    if isinstance(exc, asyncio.CancelledError):
        return _("stopped")
    text = str(exc).strip() or type(exc).__name__
    return text


class ToolHub:
    """The configured servers' connections (see the module docstring). Thread-safe; ``close()`` at exit."""

    def __init__(self, config: ToolsConfig, *, start_timeout: float = START_TIMEOUT,
                 call_timeout: float = CALL_TIMEOUT, guard=None) -> None:
        self.config = config
        self.start_timeout = start_timeout
        self.call_timeout = call_timeout
        self._guard = guard  # guard(server) raises when the offline switch forbids an HTTP server
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._connections: dict[str, _Connection] = {}
        self._stderr_files: list[Path] = []  # every connection's stderr file, removed at close()
        self._lock = threading.Lock()
        # How a connection's SDK client is made: open_client, or (tests) an in-process server's Client.
        self.client_factory = open_client

    # -- the loop -----------------------------------------------------------------
    def _event_loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                thread = threading.Thread(target=loop.run_forever, name="mcp-tools", daemon=True)
                thread.start()
                self._loop, self._thread = loop, thread
            return self._loop

    def _wait(self, future: concurrent.futures.Future, timeout: float, cancel: threading.Event | None):
        """``future``'s result; ``TimeoutError`` past ``timeout``; ``InterruptedError`` on ``cancel``."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return future.result(timeout=_SLICE)
            except concurrent.futures.TimeoutError:
                if cancel is not None and cancel.is_set():
                    future.cancel()
                    raise InterruptedError from None
                if time.monotonic() >= deadline:
                    future.cancel()
                    raise TimeoutError from None

    # -- connections ----------------------------------------------------------------
    def _server(self, name: str) -> ServerConfig:
        server = self.config.get(name)
        if server.problem:
            raise ToolServerError(_("MCP server “{name}”: {problem}").format(name=name, problem=server.problem))
        if server.url and self._guard is not None:
            self._guard(server)
        return server

    def connect(self, name: str, cancel: threading.Event | None = None) -> list[ToolInfo]:
        """Start (or reuse) the connection to ``name``; its tools. Raises ``ToolServerError``."""
        server = self._server(name)
        loop = self._event_loop()
        with self._lock:
            conn = self._connections.get(name)
            if conn is not None and conn.client is not None and conn.server == server:
                return list(conn.tools)
            own = self.config.headers_for(server) if server.url else self.config.env_for(server)
            stale, conn = conn, _Connection(server, own)
            self._connections[name] = conn
            self._stderr_files.append(conn.stderr_path)
        if stale is not None:
            self._close(stale)

        async def start():
            ready = loop.create_future()
            conn.task = asyncio.ensure_future(conn.run(ready, self.client_factory))
            return await ready

        future = asyncio.run_coroutine_threadsafe(start(), loop)
        try:
            return list(self._wait(future, self.start_timeout, cancel))
        except TimeoutError:
            self._close(conn)
            raise ToolServerError(self._failed(conn, _("MCP server “{name}” did not start within {seconds:g} s.").format(
                name=name, seconds=self.start_timeout))) from None
        except InterruptedError:
            self._close(conn)
            raise
        except Exception as exc:
            self._close(conn)
            raise ToolServerError(self._failed(conn, _("MCP server “{name}” could not start: {reason}").format(
                name=name, reason=_describe(exc)))) from None

    def _failed(self, conn: _Connection, sentence: str) -> str:
        tail = conn.stderr_tail()
        return sentence + ("\n" + _("Its last output:") + "\n" + tail if tail else "")

    def _close(self, conn: _Connection) -> None:
        loop = self._loop
        if loop is None:
            return

        def stop():
            if conn.closing is not None:
                conn.closing.set()
            if conn.task is not None and not conn.task.done():
                loop.call_later(5.0, conn.task.cancel)  # a server that ignores the close is cancelled

        loop.call_soon_threadsafe(stop)

    def tools(self, names: list[str], cancel: threading.Event | None = None) -> tuple[list[ToolInfo], list[str]]:
        """The tools of the servers ``names`` (started as needed), and a sentence per server that failed."""
        found, problems = [], []
        for name in names:
            try:
                found.extend(self.connect(name, cancel))
            except InterruptedError:
                break
            except UserError as exc:
                problems.append(str(exc))
        return found, problems

    def call(self, server: str, tool: str, arguments: dict, *, cancel: threading.Event | None = None,
             timeout: float | None = None) -> ToolResult:
        """Run one tool; always returns (a failure is an ``error`` or ``timeout`` result, in words)."""
        started = time.monotonic()

        def done(text: str, status: str, is_error: bool) -> ToolResult:
            return ToolResult(cap(text), status, is_error, round(time.monotonic() - started, 3))

        try:
            self.connect(server, cancel)
        except InterruptedError:
            return done(_("Stopped before the tool ran."), "error", True)
        except UserError as exc:
            return done(str(exc), "error", True)
        conn = self._connections.get(server)
        client = conn.client if conn else None
        if timeout is None:  # the server's own "timeout", else the hub's
            timeout = (conn.server.timeout if conn else None) or self.call_timeout
        if client is None:
            return done(self._failed(conn, _("MCP server “{name}” stopped.").format(name=server)), "error", True)
        future = asyncio.run_coroutine_threadsafe(client.call_tool(tool, arguments or {}), self._loop)
        try:
            result = self._wait(future, timeout, cancel)
        except TimeoutError:
            return done(_("The tool “{tool}” did not answer within {seconds:g} s.").format(
                tool=tool, seconds=timeout), "timeout", True)
        except InterruptedError:
            return done(_("Stopped before the tool finished."), "error", True)
        except Exception as exc:
            reason = _describe(exc)
            time.sleep(0.05)  # let a crashed child's last stderr reach the file
            if conn.task is not None and conn.task.done() or "closed" in reason.lower():
                self._close(conn)
                with self._lock:
                    if self._connections.get(server) is conn:
                        del self._connections[server]
                return done(self._failed(conn, _("MCP server “{name}” stopped during the call: {reason}").format(
                    name=server, reason=reason)), "error", True)
            return done(_("The tool “{tool}” failed: {reason}").format(tool=tool, reason=reason), "error", True)
        text = result_text(result)
        return done(text, "error" if result.is_error else "done", bool(result.is_error))

    def close(self) -> None:
        """Close every connection (stdio servers are stopped) and the loop."""
        with self._lock:
            conns, self._connections = list(self._connections.values()), {}
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None:
            return

        async def shutdown():
            for conn in conns:
                if conn.closing is not None:
                    conn.closing.set()
            tasks = [c.task for c in conns if c.task is not None]
            if tasks:
                _done, pending = await asyncio.wait(tasks, timeout=6.0)
                for task in pending:
                    task.cancel()

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), loop).result(timeout=10.0)
        except Exception:
            log.warning("MCP servers did not all stop in time", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(5.0)
        with self._lock:
            files, self._stderr_files = self._stderr_files, []
        for path in files:
            path.unlink(missing_ok=True)

