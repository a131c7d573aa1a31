"""One clear line for each way a call to an OpenAI-compatible server fails.

The ``openai`` client raises typed errors (``APIConnectionError`` wrapping the
transport's own, ``AuthenticationError``, ``RateLimitError``…); the transport
error underneath says whether the connection was refused, the name did not
resolve or TLS failed. :func:`describe` walks that chain and returns a
:class:`ProviderError` (a ``UserError``) whose text names the provider, what
happened and what to do.
"""

from __future__ import annotations

import socket
import ssl

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _


class ProviderError(UserError):
    """A provider could not be used; ``kind`` is a short code tests and the window can switch on."""

    def __init__(self, message: str, kind: str = "other") -> None:
        super().__init__(message)
        self.kind = kind


def _chain(exc: BaseException):
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def _server_message(exc) -> str:
    """The server's own error text, shortened, when it sent one."""
    body = getattr(exc, "body", None)
    text = ""
    if isinstance(body, dict):
        err = body.get("error", body)
        text = err.get("message", "") if isinstance(err, dict) else str(err)
    elif isinstance(body, str):
        text = body
    text = " ".join(str(text or "").split())
    return text[:200]


def _retry_after(exc) -> str | None:
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None) or {}
    value = headers.get("retry-after") if hasattr(headers, "get") else None
    return value.strip() if value else None


def describe(exc: BaseException, name: str, base_url: str) -> ProviderError:
    """The :class:`ProviderError` for ``exc`` raised while talking to provider ``name``."""
    import openai

    if isinstance(exc, ProviderError):
        return exc
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        detail = _server_message(exc)
        if status in (401, 403):
            return ProviderError(_("{name} refused the API key (HTTP {status}). Check the key with "
                                   "`providers add {name} --base-url … --api-key-stdin`.").format(
                name=name, status=status), "auth")
        if status == 404:
            return ProviderError(_("{name} has no such model or address (HTTP 404 at {url}). Check the model "
                                   "name with `providers models {name}` and that the base URL ends in /v1.").format(
                name=name, url=base_url), "not_found")
        if status == 429:
            after = _retry_after(exc)
            if after:
                return ProviderError(_("{name} is rate-limiting requests (HTTP 429); try again in {after} "
                                       "seconds.").format(name=name, after=after), "rate_limit")
            return ProviderError(_("{name} is rate-limiting requests (HTTP 429); try again later.").format(
                name=name), "rate_limit")
        if status >= 500:
            return ProviderError(_("{name} failed on its side (HTTP {status}): {detail}").format(
                name=name, status=status, detail=detail or _("no details")), "server")
        return ProviderError(_("{name} rejected the request (HTTP {status}): {detail}").format(
            name=name, status=status, detail=detail or _("no details")), "request")
    if isinstance(exc, openai.APITimeoutError):
        return ProviderError(_("{name} did not answer in time ({url}).").format(name=name, url=base_url), "timeout")
    for cause in _chain(exc):
        if isinstance(cause, ssl.SSLError) or "ssl" in type(cause).__name__.lower() \
                or "certificate" in str(cause).lower():
            return ProviderError(_("The secure connection to {name} failed ({reason}). Check that the address "
                                   "should be https:// and that the server's certificate is valid.").format(
                name=name, reason=_short(cause)), "tls")
        if isinstance(cause, socket.gaierror) or "name or service not known" in str(cause).lower() \
                or "nodename nor servname" in str(cause).lower() or "getaddrinfo" in str(cause).lower():
            return ProviderError(_("The address of {name} could not be found (DNS): {url}. Check the host "
                                   "name.").format(name=name, url=base_url), "dns")
        if isinstance(cause, ConnectionRefusedError) or "connection refused" in str(cause).lower():
            return ProviderError(_("{name} refused the connection at {url}: is the server running, on that "
                                   "port?").format(name=name, url=base_url), "refused")
    text = " ".join(_short(c) for c in list(_chain(exc))[1:2]) or _short(exc)
    if any(word in text.lower() for word in ("incomplete", "peer closed", "reset", "remoteprotocol", "broken")):
        return ProviderError(_("The connection to {name} was cut in the middle of the reply ({reason}). What "
                               "arrived is kept; Regenerate to try again.").format(name=name, reason=text), "cut")
    return ProviderError(_("{name} could not be reached at {url}: {reason}").format(
        name=name, url=base_url, reason=text), "connection")


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]
