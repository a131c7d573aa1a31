"""``rt.tools``: the configured MCP servers, their connections and the remembered approvals, in one place.

Built once by ``runtime.open_runtime`` and handed to ``ChatService`` (a turn with tools) and to
the CLI's ``tools`` commands; the window's parts get it from the runtime. ``close()`` stops the
stdio servers it started.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.tools.approval import FILE_NAME as APPROVALS_FILE
from aigc_desktop.tools.approval import ApprovalPolicy, Approver
from aigc_desktop.tools.client import ToolHub, ToolInfo
from aigc_desktop.tools.config import FILE_NAME as CONFIG_FILE
from aigc_desktop.tools.config import ServerConfig, ToolsConfig
from aigc_desktop.tools.loop import ToolContext


def offline_guard(settings):
    """A check run before each connection to an HTTP server: offline mode refuses it (a loopback one stays
    allowed with ``allow_loopback_offline``), in the same words as for a provider."""

    def guard(server: ServerConfig) -> None:
        from aigc_desktop.providers.config import Provider
        from aigc_desktop.providers.router import check_network_allowed

        check_network_allowed(Provider(name=server.name, base_url=server.url), settings)

    return guard


@dataclass(frozen=True)
class ServerStatus:
    """A server as ``tools list`` and the settings page show it: its tools, or why it cannot be used."""

    server: ServerConfig
    tools: list[ToolInfo]
    error: str | None = None

    def to_dict(self) -> dict:
        return {"name": self.server.name, "kind": self.server.kind, "target": self.server.describe(),
                "disabled": self.server.disabled, "error": self.error,
                "tools": [{"name": t.name, "description": t.description, "read_only": t.read_only,
                           "input_schema": t.input_schema} for t in self.tools]}


class ToolService:
    def __init__(self, config: ToolsConfig, hub: ToolHub, policy: ApprovalPolicy) -> None:
        self.config = config
        self.hub = hub
        self.policy = policy

    @classmethod
    def open(cls, data_folder: Path, *, settings=None, secrets=None, **timeouts) -> "ToolService":
        """``settings`` (a ``SettingsStore``) makes HTTP servers follow the offline switch as providers do."""
        config = ToolsConfig(Path(data_folder) / CONFIG_FILE, secrets)
        guard = offline_guard(settings) if settings is not None else None
        return cls(config, ToolHub(config, guard=guard, **timeouts), ApprovalPolicy(Path(data_folder) / APPROVALS_FILE))

    def servers(self) -> dict[str, ServerConfig]:
        return self.config.servers()

    def status(self, name: str, cancel: threading.Event | None = None) -> ServerStatus:
        """Connect to ``name`` and list its tools; a failure is the status's ``error``, never raised."""
        server = self.config.get(name)
        if server.problem:
            return ServerStatus(server, [], server.problem)
        if server.disabled:
            return ServerStatus(server, [], None)
        try:
            return ServerStatus(server, self.hub.connect(name, cancel))
        except UserError as exc:
            return ServerStatus(server, [], str(exc))

    def context(self, names: list[str], approve: Approver, *, conversation_id: int | None = None,
                on_tool: Callable[[dict], None] | None = None,
                cancel: threading.Event | None = None) -> ToolContext | None:
        """What a turn needs to offer the tools of ``names`` (the enabled ones that exist). None when
        there is nothing to offer and nothing to report."""
        try:
            configured = self.config.servers()
        except UserError as exc:
            return ToolContext(self.hub, self.policy, approve, [], conversation_id, on_tool, [str(exc)])
        wanted = [n for n in names if n in configured and not configured[n].disabled]
        gone = [_("The MCP server “{name}” is no longer configured.").format(name=n) for n in names
                if n not in configured]
        if not wanted and not gone:
            return None
        tools, problems = self.hub.tools(wanted, cancel)
        first: dict[str, str] = {}
        for tool in tools:  # a model calls tools by name alone: the first server's tool of a name is offered
            if first.setdefault(tool.name, tool.server) != tool.server:
                problems.append(_("The tool “{tool}” of “{server}” is not offered: “{other}” has a tool of the "
                                  "same name.").format(tool=tool.name, server=tool.server, other=first[tool.name]))
        return ToolContext(self.hub, self.policy, approve, tools, conversation_id, on_tool, gone + problems)

    def close(self) -> None:
        self.hub.close()
