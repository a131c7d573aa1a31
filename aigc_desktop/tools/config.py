"""The MCP servers the person configured: ``mcp.json`` in the data folder.

The file is the ``mcpServers`` object Claude Desktop, Cursor, LM Studio and Cherry Studio
use, so a config copied from one of them works when pasted here::

    {"mcpServers": {
        "files": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"],
                  "env": {"DEBUG": "0"}},
        "search": {"url": "https://example.com/mcp", "headers": {"Authorization": "<keychain>"}}}}

A server is **stdio** (``command``, ``args``, ``env``: a child process the app starts) or
**Streamable HTTP** (``url``, ``headers``; Cherry Studio's ``baseUrl`` and ``"type":
"streamableHttp"`` are read too). ``"disabled": true`` (Cline, Roo) keeps an entry but
offers none of its tools. A legacy SSE server (``"type": "sse"``) is listed with a note that
it is not supported.

**Secrets stay out of the file.** A header or a stdio server's environment variable whose name
says it carries a credential (``Authorization``, ``Cookie``, ``GITHUB_TOKEN``, anything with key,
token, secret, password or auth in it) is kept in the system keychain
(``providers/secrets.SecretStore``, under ``mcp:<server>:<header>`` or ``mcp:<server>:env:<NAME>``)
and the file holds the mark ``<keychain>``. A pasted config that still holds a literal
secret works as it is, and the next save through the app moves the value into the keychain.

**A broken file is the person's own.** Unlike the app's own files (``local_files.py`` sets
them aside at start), this one is edited by hand, so a start-time move would throw away their
work in progress: every read that meets broken JSON says where (line and column) and offers
nothing, and a write through the app keeps the broken file as ``mcp.json.bad`` (the same
naming as ``local_files.keep_aside``) before writing a fresh one, saying so.

Written by hand, not with a schema library: the shapes are a handful of keys and the point
is the wording of each complaint.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.local_files import keep_aside

FILE_NAME = "mcp.json"
KEYCHAIN_MARK = "<keychain>"
_SECRET_HEADER = re.compile(r"authorization|cookie|key|token|secret|password|auth", re.IGNORECASE)
_NAME = re.compile(r"^[\w.\-]{1,64}$", re.UNICODE)


class ToolsConfigError(UserError):
    """The MCP servers file cannot be read or a server entry is not usable."""


def is_secret_header(name: str) -> bool:
    return bool(_SECRET_HEADER.search(name))


def secret_name(server: str, header: str) -> str:
    """The keychain entry that holds ``header``'s value for ``server``."""
    return f"mcp:{server}:{header.lower()}"


def env_secret_name(server: str, variable: str) -> str:
    """The keychain entry that holds environment variable ``variable``'s value for stdio ``server``
    (``GITHUB_TOKEN``, ``OPENAI_API_KEY``…: names are case-sensitive, so kept as written)."""
    return f"mcp:{server}:env:{variable}"


@dataclass(frozen=True)
class ServerConfig:
    """One entry of ``mcpServers``. ``headers`` holds the file's values (secrets as ``<keychain>``)."""

    name: str
    command: str = ""
    args: tuple[str, ...] = ()
    env: dict = field(default_factory=dict)
    url: str = ""
    headers: dict = field(default_factory=dict)
    disabled: bool = False
    problem: str = ""  # why this entry cannot be used (an SSE server, no command or URL), in words
    timeout: float | None = None  # seconds a call may take ("timeout", as Cherry Studio and Cline write it)

    @property
    def kind(self) -> str:
        return "http" if self.url else "stdio"

    def describe(self) -> str:
        """The command line or the URL, for a list or a dialog."""
        if self.url:
            return self.url
        return " ".join([self.command, *self.args]).strip()

    def fingerprint(self) -> str:
        """What "Always allow" is keyed on: the command, its arguments and the names of its environment
        variables (or the URL and the header names). Values are left out, so a rotated token keeps the
        approval; a changed command or URL asks again."""
        if self.url:
            what = {"url": self.url, "headers": sorted(h.lower() for h in self.headers)}
        else:
            what = {"command": self.command, "args": list(self.args), "env": sorted(self.env)}
        return hashlib.sha256(json.dumps(what, sort_keys=True).encode("utf-8")).hexdigest()[:32]

    def to_json(self) -> dict:
        if self.url:
            out: dict = {"url": self.url}
            if self.headers:
                out["headers"] = dict(self.headers)
        else:
            out = {"command": self.command, "args": list(self.args)}
            if self.env:
                out["env"] = dict(self.env)
        if self.problem:
            out["type"] = "sse"
        if self.timeout:
            out["timeout"] = self.timeout
        if self.disabled:
            out["disabled"] = True
        return out


def _strings(value, what: str, name: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise ToolsConfigError(_("MCP server “{name}”: “{what}” must be an object of names and text values.").format(
            name=name, what=what))
    return {k: "" if v is None else str(v) for k, v in value.items()}


def _seconds(value) -> float | None:
    """A positive number of seconds, else None (the hub's default)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
        return None
    return float(value)


def parse_entry(name: str, raw) -> ServerConfig:
    """One server entry from its JSON object; raises ``ToolsConfigError`` naming what is wrong."""
    if not isinstance(raw, dict):
        raise ToolsConfigError(_("MCP server “{name}” must be a JSON object.").format(name=name))
    kind = str(raw.get("type") or raw.get("transport") or "").lower().replace("-", "").replace("_", "")
    url = raw.get("url") or raw.get("baseUrl") or raw.get("serverUrl") or ""
    disabled = bool(raw.get("disabled")) or raw.get("isActive") is False
    if kind == "sse":
        return ServerConfig(name, url=str(url), disabled=True,
                            problem=_("Legacy SSE servers are not supported; use the server's Streamable HTTP "
                                      "address (often ending in /mcp)."))
    if url:
        if not isinstance(url, str) or not url.lower().startswith(("http://", "https://")):
            raise ToolsConfigError(_("MCP server “{name}”: the URL must start with http:// or https://.").format(
                name=name))
        return ServerConfig(name, url=url, headers=_strings(raw.get("headers"), "headers", name), disabled=disabled,
                            timeout=_seconds(raw.get("timeout")))
    command = raw.get("command")
    if not isinstance(command, str) or not command.strip():
        raise ToolsConfigError(_("MCP server “{name}” has neither a “command” nor a “url”.").format(name=name))
    args = raw.get("args") or []
    if not isinstance(args, list):
        raise ToolsConfigError(_("MCP server “{name}”: “args” must be a list.").format(name=name))
    return ServerConfig(name, command=command.strip(), args=tuple(str(a) for a in args),
                        env=_strings(raw.get("env"), "env", name), disabled=disabled,
                        timeout=_seconds(raw.get("timeout")))


def parse_text(text: str, where: str = FILE_NAME) -> dict[str, ServerConfig]:
    """The servers in a ``mcpServers`` text (a whole file, or a pasted snippet)."""
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise ToolsConfigError(_("{file} is not valid JSON (line {line}, column {column}: {reason}).").format(
            file=where, line=exc.lineno, column=exc.colno, reason=exc.msg)) from exc
    except RecursionError as exc:
        raise ToolsConfigError(_("{file} is nested too deeply.").format(file=where)) from exc
    if not isinstance(data, dict):
        raise ToolsConfigError(_("{file} must hold a JSON object with “mcpServers”.").format(file=where))
    servers = data.get("mcpServers", data.get("servers", {} if not data else None))
    if servers is None:  # a pasted bare {"name": {...}} is read as the servers themselves
        servers = data
    if not isinstance(servers, dict):
        raise ToolsConfigError(_("“mcpServers” in {file} must be a JSON object.").format(file=where))
    return {str(name): parse_entry(str(name), raw) for name, raw in servers.items()}


class ToolsConfig:
    """Reads and writes ``mcp.json``; header secrets through ``secrets`` (a ``SecretStore``)."""

    def __init__(self, path: Path, secrets=None) -> None:
        self.path = Path(path)
        self._secrets = secrets
        self.kept_aside: Path | None = None  # set when a write found the file broken and kept it as .bad

    @property
    def secrets(self):
        if self._secrets is None:
            from aigc_desktop.providers.secrets import SecretStore

            self._secrets = SecretStore()
        return self._secrets

    # -- reading ----------------------------------------------------------------
    def text(self) -> str:
        """The file as it is (for the settings page's editor); an empty config when there is none."""
        try:
            return self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return '{\n  "mcpServers": {}\n}\n'
        except (OSError, UnicodeDecodeError) as exc:
            raise ToolsConfigError(_("{file} cannot be read: {reason}").format(file=self.path, reason=exc)) from exc

    def servers(self) -> dict[str, ServerConfig]:
        """Every configured server by name (disabled ones too); raises ``ToolsConfigError`` on a broken file."""
        return parse_text(self.text(), str(self.path))

    def get(self, name: str) -> ServerConfig:
        servers = self.servers()
        if name not in servers:
            known = ", ".join(servers) or _("none")
            raise ToolsConfigError(_("No MCP server named “{name}”. Configured: {known}.").format(
                name=name, known=known))
        return servers[name]

    def headers_for(self, server: ServerConfig) -> dict[str, str]:
        """The headers to send, secrets read from the keychain."""
        out = {}
        for header, value in server.headers.items():
            if value == KEYCHAIN_MARK:
                value = self.secrets.get(secret_name(server.name, header)) or ""
            out[header] = value
        return out

    def env_for(self, server: ServerConfig) -> dict[str, str]:
        """A stdio server's own environment variables, secrets read from the keychain."""
        out = {}
        for variable, value in server.env.items():
            if value == KEYCHAIN_MARK:
                value = self.secrets.get(env_secret_name(server.name, variable)) or ""
            out[variable] = str(value)
        return out

    # -- writing ----------------------------------------------------------------
    def add_stdio(self, name: str, command: str, args: list[str] | tuple = (), env: dict | None = None) -> ServerConfig:
        entry = parse_entry(check_name(name), {"command": command, "args": list(args), "env": env or {}})
        self._put(entry)
        return entry

    def add_http(self, name: str, url: str, headers: dict | None = None) -> ServerConfig:
        entry = parse_entry(check_name(name), {"url": url, "headers": headers or {}})
        self._put(entry)
        return self.get(entry.name)

    def remove(self, name: str) -> None:
        servers = self.servers()
        if name not in servers:
            raise ToolsConfigError(_("No MCP server named “{name}”.").format(name=name))
        gone = servers.pop(name)
        for header in gone.headers:
            if is_secret_header(header):
                self.secrets.delete(secret_name(name, header))
        for variable in gone.env:
            if is_secret_header(variable):
                self.secrets.delete(env_secret_name(name, variable))
        self._write(servers)

    def save_text(self, text: str) -> dict[str, ServerConfig]:
        """Replace the whole file with ``text`` (checked first; secrets moved into the keychain)."""
        servers = parse_text(text, FILE_NAME)
        self._write(servers)
        return self.servers()

    def _put(self, entry: ServerConfig) -> None:
        try:
            servers = self.servers()
        except ToolsConfigError:
            self.kept_aside = keep_aside(self.path)  # the person's broken file is kept, never overwritten
            servers = {}
        servers[entry.name] = entry
        self._write(servers)

    def _write(self, servers: dict[str, ServerConfig]) -> None:
        data = {"mcpServers": {name: self._sealed(s).to_json() for name, s in servers.items()}}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        try:
            tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ToolsConfigError(_("Could not save {file}: {reason}").format(
                file=self.path, reason=exc.strerror or exc)) from exc

    def _sealed(self, server: ServerConfig) -> ServerConfig:
        """``server`` with each secret header's and environment variable's value moved into the keychain."""
        headers, env = dict(server.headers), dict(server.env)
        for header, value in server.headers.items():
            if is_secret_header(header) and value and value != KEYCHAIN_MARK:
                self.secrets.set(secret_name(server.name, header), value)
                headers[header] = KEYCHAIN_MARK
        for variable, value in server.env.items():
            if is_secret_header(variable) and value and value != KEYCHAIN_MARK:
                self.secrets.set(env_secret_name(server.name, variable), str(value))
                env[variable] = KEYCHAIN_MARK
        return ServerConfig(server.name, server.command, server.args, env, server.url, headers,
                            server.disabled, server.problem, server.timeout)


def check_name(name: str) -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        raise ToolsConfigError(_("A server name is 1 to 64 letters, digits, “.”, “-” or “_”: “{name}”.").format(
            name=name))
    return name


def default_path() -> Path:
    from aigc_desktop.paths import app_paths

    return app_paths().data / FILE_NAME
