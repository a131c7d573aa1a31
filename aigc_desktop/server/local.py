"""``LocalServer``: the local API run by uvicorn on a thread of this process (the window, ``serve``).

    server = LocalServer(engine, host="127.0.0.1", port=8765, api_key=None)
    base_url = server.start()   # "http://127.0.0.1:8765/v1"; raises UserError (port taken, no key…)
    ...
    server.stop()               # ends running replies, closes the socket, joins the thread

Binding to anything but a loopback address needs an API key and is refused
without one, before any socket is opened: the model would otherwise answer
anyone on the network. The socket is bound here, not by uvicorn, so that a
port already in use is a clear error (uvicorn would log it and exit the
thread) and port 0 picks a free one.

The app is served behind ``server/guard.py``: only requests addressed to this machine
(Host), from no web page or an allowed one (Origin, ``allow_origins``), with a body
under ``max_body``. ``allow_hosts`` adds Host names (``--allow-host``).
"""

from __future__ import annotations

import errno
import logging
import socket
import threading

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _
from aigc_desktop.providers.config import is_loopback_host
from aigc_desktop.providers.secrets import mask
from aigc_desktop.server.gate import EngineGate
from aigc_desktop.server.guard import MAX_BODY

log = logging.getLogger(__name__)

DEFAULT_PORT = 8765
START_TIMEOUT = 15.0


def check_bind(host: str, api_key: str | None) -> None:
    if not is_loopback_host(host) and not api_key:
        raise UserError(_("Serving on {host} would let other machines use the model, so it needs an API key "
                          "(--api-key-stdin). Without one, bind to 127.0.0.1.").format(host=host))


class LocalServer:
    """Start/stop the API in-process; ``base_url``, ``running`` and ``pending`` are for a toggle in the window."""

    def __init__(self, engine, host: str = "127.0.0.1", port: int = DEFAULT_PORT, api_key: str | None = None,
                 *, gate: EngineGate | None = None, allow_hosts=(), allow_origins=(), max_body: int = MAX_BODY) -> None:
        self.engine, self.host, self.port = engine, host, int(port)
        self.api_key = api_key or None
        mask(self.api_key)
        self.gate = gate or EngineGate()
        self.allow_hosts, self.allow_origins, self.max_body = tuple(allow_hosts), tuple(allow_origins), max_body
        self._server = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/v1"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def pending(self) -> int:
        """Requests queued or being answered."""
        return self.gate.pending

    def _bind(self) -> socket.socket:
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self.port))
        except OSError as exc:
            sock.close()
            if exc.errno == errno.EADDRINUSE:
                raise UserError(_("Port {port} on {host} is already in use; choose another with --port.").format(
                    port=self.port, host=self.host)) from exc
            raise UserError(_("Cannot listen on {host}:{port}: {reason}").format(
                host=self.host, port=self.port, reason=exc.strerror or exc)) from exc
        sock.listen(128)
        sock.set_inheritable(True)
        self.port = sock.getsockname()[1]
        return sock

    def start(self) -> str:
        """Listen and serve on a background thread; returns the base URL once it accepts connections."""
        import uvicorn

        from aigc_desktop.server.app import create_app
        from aigc_desktop.server.guard import guarded

        if self.running:
            return self.base_url
        check_bind(self.host, self.api_key)
        sock = self._bind()
        app = guarded(create_app(self.engine, api_key=self.api_key, gate=self.gate), bound=self.host,
                      allow_hosts=self.allow_hosts, allow_origins=self.allow_origins, max_body=self.max_body)
        config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off",
                                timeout_graceful_shutdown=2, ws="none")
        server = uvicorn.Server(config)
        self._server = server

        def run() -> None:
            try:
                server.run(sockets=[sock])
            except BaseException:  # SystemExit from uvicorn included: the thread must not die silently
                log.exception("the local API server stopped with an error")
            finally:
                sock.close()

        self._thread = threading.Thread(target=run, name="local-api", daemon=True)
        self._thread.start()
        started = threading.Event()
        for _i in range(int(START_TIMEOUT / 0.02)):
            if server.started or not self._thread.is_alive():
                started.set()
                break
            started.wait(0.02)
        if not server.started:
            self.stop()
            raise UserError(_("The local API server did not start; details are in the log file."))
        log.info("local API listening on %s", self.base_url)
        return self.base_url

    def stop(self) -> None:
        """Stop running replies, close connections and wait for the thread (bounded)."""
        self.gate.stop_all()
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            if self._thread.is_alive():
                log.warning("the local API thread did not end within 10 s")
        self._thread = self._server = None
