"""A real WebDAV server for tests: wsgidav on cheroot, on loopback at a free port, with faults to inject.

``DavServer(root)`` serves ``root`` at ``http://127.0.0.1:<port>/dav/`` for user ``ann`` /
password ``app-pass`` (Basic auth, as 坚果云 uses). ``fail_next_put(status)`` makes the next PUT
answer ``status`` (500, 507…) through a small WSGI middleware. Requests can also go through
``CuttingProxy``, a TCP relay that, once armed, drops both connections in the middle of the
next PUT's body: a real connection cut mid-upload. Every wait is bounded.
"""

from __future__ import annotations

import socket
import threading

from cheroot import wsgi
from wsgidav.wsgidav_app import WsgiDAVApp

USER, PASSWORD = "ann", "app-pass"


class FaultInjector:
    """WSGI middleware: the next PUT gets ``status`` (its body drained first, as a real server does)."""

    def __init__(self, app) -> None:
        self.app = app
        self.put_status: int | None = None
        self.methods: list[str] = []
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        method = environ["REQUEST_METHOD"]
        with self.lock:
            self.methods.append(method)
            status, self.put_status = (self.put_status, None) if method == "PUT" else (None, self.put_status)
        if status is None:
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        while length > 0:
            chunk = environ["wsgi.input"].read(min(length, 65536))
            if not chunk:
                break
            length -= len(chunk)
        start_response(f"{status} Injected", [("Content-Type", "text/plain"), ("Content-Length", "8")])
        return [b"injected"]


class DavServer:
    def __init__(self, root) -> None:
        config = {
            "host": "127.0.0.1", "port": 0,
            "provider_mapping": {"/dav": str(root)},
            "simple_dc": {"user_mapping": {"*": {USER: {"password": PASSWORD}}}},
            "http_authenticator": {"accept_basic": True, "accept_digest": False, "default_to_digest": False},
            "verbose": 0, "logging": {"enable": False},
            "dir_browser": {"enable": False},
        }
        self.faults = FaultInjector(WsgiDAVApp(config))
        self.server = wsgi.Server(("127.0.0.1", 0), self.faults, numthreads=4)
        self.server.prepare()
        self.port = self.server.bind_addr[1]
        self.thread = threading.Thread(target=self.server.serve, name="dav-server", daemon=True)
        self.thread.start()

    def url(self, path: str = "", port: int | None = None) -> str:
        return f"http://127.0.0.1:{port or self.port}/dav/{path}"

    def fail_next_put(self, status: int) -> None:
        with self.faults.lock:
            self.faults.put_status = status

    def stop(self) -> None:
        self.server.stop()
        self.thread.join(timeout=10)


class CuttingProxy:
    """A TCP relay to ``port``; after ``cut_next_put()`` it drops both sides once the next PUT's
    request has passed ``after`` bytes of its body."""

    def __init__(self, port: int) -> None:
        self.upstream = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.2)
        self.port = self.listener.getsockname()[1]
        self.armed_after: int | None = None
        self.cuts = 0
        self.lock = threading.Lock()
        self.running = True
        self.thread = threading.Thread(target=self._accept, name="dav-proxy", daemon=True)
        self.thread.start()

    def cut_next_put(self, after: int = 1000) -> None:
        with self.lock:
            self.armed_after = after

    def _accept(self) -> None:
        while self.running:
            try:
                client, _addr = self.listener.accept()
            except OSError:
                continue
            upstream = socket.create_connection(("127.0.0.1", self.upstream), timeout=10)
            client.settimeout(10)
            threading.Thread(target=self._pump, args=(client, upstream, True), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client, False), daemon=True).start()

    def _pump(self, src: socket.socket, dst: socket.socket, from_client: bool) -> None:
        seen = b""
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                if from_client:
                    seen += data
                    cut = self._should_cut(seen)
                    if cut is not None:
                        dst.sendall(data[:max(0, len(data) - (len(seen) - cut))])
                        raise ConnectionAbortedError
                    if len(seen) > 1 << 20:
                        seen = seen[-65536:]
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

    def _should_cut(self, seen: bytes) -> int | None:
        """Where in ``seen`` to cut (the PUT's head plus ``after`` body bytes), once, when armed."""
        with self.lock:
            if self.armed_after is None:
                return None
            start = seen.rfind(b"PUT ")
            head_end = seen.find(b"\r\n\r\n", start) if start >= 0 else -1
            if head_end < 0 or len(seen) - (head_end + 4) < self.armed_after:
                return None
            at = head_end + 4 + self.armed_after
            self.armed_after = None
            self.cuts += 1
            return at

    def stop(self) -> None:
        self.running = False
        self.listener.close()
        self.thread.join(timeout=10)
