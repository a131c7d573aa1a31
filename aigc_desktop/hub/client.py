"""The HTTP client huggingface_hub (and our downloads) use: quick to give up, quiet on screen.

huggingface_hub wraps its API calls in ``http_backoff``, which retries a refused
connection or an HTTP 5xx five times with pauses of 1, 2, 4, 8 and 8 s, and
prints "Retrying in 1s [Retry 1/5]" to stderr for each. Those calls take no
retry arguments, but their client is ours to give (``set_client_factory``):
it retries a failed connection once itself and then raises an error
``http_backoff`` does not retry on, so a person waiting at a window or a
terminal hears within seconds that the Hub cannot be reached. The library's
log goes to our log file instead of the screen.
"""

from __future__ import annotations

import logging
import time

import httpx2

from aigc_desktop.i18n import _

log = logging.getLogger(__name__)

RETRY_PAUSE = 0.5  # seconds before the one retry of a failed connection
# huggingface_hub passes timeout=None (wait forever) for listings; these fill the gaps.
TIMEOUTS = {"connect": 10.0, "read": 60.0, "write": 60.0, "pool": 10.0}

_ready = False


class HubUnreachable(httpx2.TransportError):
    """No connection to the Hub after one retry (not one of the errors ``http_backoff`` retries)."""


class HubUnavailable(httpx2.TransportError):
    """The Hub's API answered with a server error (5xx)."""


class _HubClient(httpx2.Client):
    def send(self, request: httpx2.Request, **kwargs) -> httpx2.Response:
        given = request.extensions.get("timeout") or {}
        request.extensions["timeout"] = {k: given.get(k) if given.get(k) is not None else v
                                         for k, v in TIMEOUTS.items()}
        try:
            response = super().send(request, **kwargs)
        except (httpx2.ConnectError, httpx2.ConnectTimeout) as exc:
            log.info("cannot connect to %s, retrying once: %s", request.url.host, exc)
            time.sleep(RETRY_PAUSE)
            try:
                response = super().send(request, **kwargs)
            except (httpx2.ConnectError, httpx2.ConnectTimeout) as again:
                raise HubUnreachable(_("cannot connect ({error})").format(error=again), request=request) from again
        # Downloads read their own status codes; API calls would be retried for ~23 s.
        if response.status_code >= 500 and "/api/" in request.url.path:
            response.close()
            raise HubUnavailable(_("it answered HTTP {status}").format(status=response.status_code),
                                 request=request)
        return response


class _ToAppLog(logging.Handler):
    """Hands huggingface_hub's records to our logger, whose handler writes the log file."""

    def emit(self, record: logging.LogRecord) -> None:
        target = logging.getLogger("aigc_desktop.hub.huggingface_hub")
        if target.hasHandlers():  # else drop it: Python's last-resort handler would print it
            target.handle(record)


def use_app_client() -> None:
    """Install the client and the log routing once, before the first Hub request."""
    global _ready
    if _ready:
        return
    from huggingface_hub.utils import get_session, set_client_factory

    hf_log = logging.getLogger("huggingface_hub")
    for handler in list(hf_log.handlers):
        if type(handler) is logging.StreamHandler:  # the library's own stderr handler
            hf_log.removeHandler(handler)
    hf_log.addHandler(_ToAppLog())
    hf_log.propagate = False
    hooks = get_session().event_hooks  # the library's request hook (headers, its offline switch)
    set_client_factory(lambda: _HubClient(event_hooks=hooks, follow_redirects=True))
    _ready = True
