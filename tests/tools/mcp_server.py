"""A stdio MCP server for the tools tests, started with ``sys.executable tests/tools/mcp_server.py [mode]``.

Tools: ``echo`` (read-only: says the text back reversed, so a test knows the server answered),
``write_file`` (writes a file: the call an approval guards), ``slow`` (sleeps past any test's
timeout), ``getenv`` (read-only: what the server's environment holds, for the allow-list test).
Modes: ``hang`` (never answers the handshake), ``crash`` (writes to stderr and exits at once),
``crash-later`` (serves, and exits when ``echo`` is called with "die"), ``http PORT`` (the same tools
over Streamable HTTP at ``http://127.0.0.1:PORT/mcp``).
Written on the official SDK's ``MCPServer``, so the client talks to a real server.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from mcp.server.mcpserver import MCPServer
from mcp_types import ToolAnnotations

server = MCPServer("aigc-test-tools")


@server.tool(description="Say the text back, reversed.", annotations=ToolAnnotations(read_only_hint=True))
def echo(text: str) -> str:
    if text == "die" and sys.argv[1:] == ["crash-later"]:
        print("fatal: asked to die", file=sys.stderr, flush=True)
        os._exit(7)
    return "echo:" + text[::-1]


@server.tool(description="Write text to a file.", annotations=ToolAnnotations(read_only_hint=False))
def write_file(path: str, text: str) -> str:
    Path(path).write_text(text, encoding="utf-8")
    return f"wrote {len(text)} characters to {path}"


@server.tool(description="Wait for some seconds.")
def slow(seconds: float = 60.0) -> str:
    time.sleep(seconds)
    return "slept"


@server.tool(description="One environment variable of the server.", annotations=ToolAnnotations(read_only_hint=True))
def getenv(name: str) -> str:
    return os.environ.get(name, "<unset>")


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    if mode == "hang":
        print("starting, slowly", file=sys.stderr, flush=True)
        time.sleep(600)
    elif mode == "crash":
        print("Traceback: config error: no such database 'x'", file=sys.stderr, flush=True)
        sys.exit(3)
    if mode == "http":  # Streamable HTTP on 127.0.0.1:<port>/mcp
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run("stdio")
