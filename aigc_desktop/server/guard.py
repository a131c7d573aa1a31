"""What a web page could abuse, refused before the API does any work: Host, Origin, body size.

A page the person visits can point its own name at 127.0.0.1 (DNS rebinding) and then
call the local API as if it were same-origin, or post to it cross-origin. So every
request passes, outermost first:

* **Host** (:class:`HostCheck`, Starlette's ``TrustedHostMiddleware``): only the loopback
  names (``127.0.0.1``, ``localhost``, ``[::1]``, any port), the address the server was
  bound to (for a wildcard bind: this machine's own addresses and name) and the names
  given with ``--allow-host``. Anything else is a 403 with OpenAI's error body.
* **Origin** (:class:`OriginCheck`): a request that carries an ``Origin`` that is not
  loopback is a 403 unless that origin was allowed (``--allow-origin``). CORS headers
  (Starlette's ``CORSMiddleware``) are sent only to the allowed origins.
* **Body size** (:class:`BodyCap`): a ``Content-Length`` over the cap is a 413 at once,
  without reading the body; a chunked body is read only up to the cap.

Like the app's other API errors, these answers are in English (clients read them);
what the person types (``--allow-origin``) is checked with translated messages.

The 413 is sent whole (headers and body) before the connection is drained for a few
seconds and then closed: a client that writes its whole body before it reads (as
``http.client`` does) would otherwise get a connection reset instead of the answer.
uvicorn closes a connection whose body was left unread as soon as the response ends,
so the drain happens while the response is still open (``more_body``) — a small
hand-written step because neither Starlette nor uvicorn offers a lingering close.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
from urllib.parse import urlsplit

from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware

from aigc_desktop.i18n import _

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")
MAX_BODY = 8 * 1024 * 1024
DRAIN_SECONDS = 5.0  # how long a refused body is read and thrown away before the connection closes
_PASSED = "aigc_desktop.host_passed"


def _error(status: int, message: str, code: str) -> tuple[dict, bytes]:
    body = json.dumps({"error": {"message": message, "type": "invalid_request_error", "param": None,
                                 "code": code}}, ensure_ascii=False).encode()
    start = {"type": "http.response.start", "status": status,
             "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                         (b"connection", b"close")]}
    return start, body


async def _refuse(send, status: int, message: str, code: str) -> None:
    start, body = _error(status, message, code)
    await send(start)
    await send({"type": "http.response.body", "body": body})


def host_name(host: str) -> str:
    """A host as the Host header carries it: IPv6 literals in brackets, lower case."""
    host = host.strip().lower()
    if ":" in host and not host.startswith("["):
        return f"[{host}]"
    return host


def allowed_hosts(bound: str, extra=()) -> list[str]:
    """The Host names answered: loopback, the bound address and ``extra`` (``--allow-host``).

    A wildcard bind (``0.0.0.0``, ``::``) is reached by this machine's own addresses
    and name, so those are added; a rebinding page can only use a name it controls.
    """
    names = [*LOOPBACK_NAMES, host_name(bound), *(host_name(h) for h in extra if h.strip())]
    if _is_wildcard(bound):
        names += _own_names()
    return list(dict.fromkeys(n for n in names if n not in ("0.0.0.0", "[::]")))


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host.strip("[]")).is_unspecified
    except ValueError:
        return False


def _own_names() -> list[str]:
    names = [socket.gethostname().lower()]
    try:
        import psutil

        for addrs in psutil.net_if_addrs().values():
            names += [host_name(a.address.split("%")[0]) for a in addrs if a.family in (socket.AF_INET, socket.AF_INET6)]
    except Exception:  # psutil cannot list the interfaces here: the bound address and --allow-host still work
        pass
    return names


class HostCheck(TrustedHostMiddleware):
    """Starlette's host check, answering 403 with OpenAI's error body instead of a plain 400.

    The inner app marks the scope when the check let a request through, so a response
    that comes without the mark is the check's own refusal, and is replaced.
    """

    def __init__(self, app, allowed: list[str]) -> None:
        async def passed(scope, receive, send):
            scope[_PASSED] = True
            await app(scope, receive, send)

        super().__init__(passed, allowed_hosts=allowed, www_redirect=False)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return

        async def reply(message) -> None:
            if scope.get(_PASSED):
                await send(message)
            elif message["type"] == "http.response.start":
                await _refuse(send, 403, "This server answers only requests addressed to this computer "
                                         "(Host: 127.0.0.1 or localhost); add other names with --allow-host.",
                              "host_not_allowed")

        await super().__call__(scope, receive, reply)


def normalise_origin(text: str) -> str:
    """``scheme://host[:port]`` in lower case, or ValueError: what ``--allow-origin`` accepts."""
    raw = text.strip().rstrip("/")
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or parts.fragment \
            or parts.username or parts.password:
        raise ValueError(_("{origin} is not an origin: give scheme, host and port only, "
                           "like http://localhost:3000").format(origin=text))
    try:
        port = parts.port
    except ValueError:
        raise ValueError(_("{origin} has a bad port.").format(origin=text)) from None
    default = {"http": 80, "https": 443}[parts.scheme]
    netloc = host_name(parts.hostname) + (f":{port}" if port and port != default else "")
    return f"{parts.scheme}://{netloc}"


def is_loopback_origin(origin: str) -> bool:
    try:
        return urlsplit(normalise_origin(origin)).hostname in ("127.0.0.1", "localhost", "::1")
    except ValueError:
        return False


class OriginCheck:
    """403 for an ``Origin`` that is neither loopback nor allowed; CORS for the allowed ones."""

    def __init__(self, app, allowed=()) -> None:
        self.allowed = {normalise_origin(o) for o in allowed}
        self.cors = CORSMiddleware(app, allow_origins=sorted(self.allowed), allow_methods=("GET", "POST", "OPTIONS"),
                                   allow_headers=("authorization", "content-type"))
        self.app = app

    def allows(self, origin: str) -> bool:
        try:
            return normalise_origin(origin) in self.allowed or is_loopback_origin(origin)
        except ValueError:
            return False

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        origin = Headers(scope=scope).get("origin")
        if origin is None:
            await self.app(scope, receive, send)
        elif not self.allows(origin):
            await _refuse(send, 403, f"Requests from web pages ({origin[:200]}) are refused; allow one with "
                                     "--allow-origin or in the Local API's settings.", "origin_not_allowed")
        else:
            await self.cors(scope, receive, send)


class _TooLarge(Exception):
    pass


class BodyCap:
    """413 for a request body over ``limit`` bytes, said at once (see the module's note on draining)."""

    def __init__(self, app, limit: int = MAX_BODY, drain_seconds: float | None = None) -> None:
        self.app, self.limit = app, limit
        self.drain_seconds = DRAIN_SECONDS if drain_seconds is None else drain_seconds

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None:
            if not length.strip().isdigit() or int(length) > self.limit:
                await self._too_large(receive, send)
                return
            await self.app(scope, receive, send)  # the server stops at Content-Length
            return
        # No length (chunked): read up to the cap before the app sees any of it.
        messages, size = [], 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.limit:
                await self._too_large(receive, send)
                return
            if not message.get("more_body", False):
                break

        async def replay():
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, receive, send) -> None:
        start, body = _error(413, f"The request body is larger than {self.limit // (1024 * 1024)} MB.",
                             "request_too_large")
        await send(start)
        await send({"type": "http.response.body", "body": body, "more_body": True})
        try:
            async with asyncio.timeout(self.drain_seconds):
                while (await receive()).get("more_body", False):
                    pass
        except TimeoutError:
            pass
        await send({"type": "http.response.body", "body": b""})


def guarded(app, *, bound: str = "127.0.0.1", allow_hosts=(), allow_origins=(), max_body: int = MAX_BODY):
    """``app`` behind the three checks: Host, then Origin (and CORS), then the body cap."""
    return HostCheck(OriginCheck(BodyCap(app, max_body), allow_origins), allowed_hosts(bound, allow_hosts))
