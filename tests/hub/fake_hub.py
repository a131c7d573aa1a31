"""A small stand-in for the Hugging Face Hub on 127.0.0.1, for the real huggingface_hub client.

It answers the requests huggingface_hub makes for search (/api/models), file
listings (/api/models/{repo}/tree/{rev}) and downloads (/{repo}/resolve/{rev}/{file}
with Range support), serves real bytes, records every request, and can cut a
transfer once or every transfer (a flaky line), switch to an error status after a
cut, advertise a wrong sha256, list a file as non-LFS (no sha256) or with a made-up
size, or answer every request with one status (a broken Hub). A cut can be aimed at
one file (``cut_only``), e.g. the second part of a split GGUF set. Loopback only; a
daemon thread stopped by the fixture.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse


@dataclass
class HostedFile:
    path: Path
    sha256: str
    size: int


@dataclass
class HubState:
    repos: dict[str, dict[str, HostedFile]] = field(default_factory=dict)
    requests: list[tuple[str, str, str | None]] = field(default_factory=list)
    cut_after: int | None = None  # cut the next download after this many bytes, once
    cut_only: str | None = None  # with cut_after: only a download of this file name is cut
    cut_every: int | None = None  # cut every download after this many bytes of it
    status_after_cut: int | None = None  # once a transfer is cut, answer everything with this status
    wrong_sha: set[str] = field(default_factory=set)
    plain: set[str] = field(default_factory=set)  # listed without LFS info, so without a sha256
    listed_size: dict[str, int | None] = field(default_factory=dict)  # size the listing claims
    status: int | None = None  # answer everything with this status
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, repo: str, name: str, path: Path) -> HostedFile:
        h = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                h.update(chunk)
        hosted = HostedFile(path, h.hexdigest(), path.stat().st_size)
        self.repos.setdefault(repo, {})[name] = hosted
        return hosted


class _Handler(BaseHTTPRequestHandler):
    state: HubState
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def _json(self, data, status: int = 200, error_code: str | None = None) -> None:
        body = json.dumps(data).encode()
        self.send_response(status)
        if error_code:
            self.send_header("X-Error-Code", error_code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self) -> None:  # noqa: N802
        self._serve(head=True)

    def do_GET(self) -> None:  # noqa: N802
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        url = urlparse(self.path)
        path = unquote(url.path)
        with self.state.lock:
            self.state.requests.append((self.command, path, self.headers.get("Range")))
        if self.state.status is not None:
            return self._json({"error": "broken"}, self.state.status)
        if path == "/api/models":
            q = parse_qs(url.query)
            term = (q.get("search") or [""])[0].lower()
            hits = [{"id": r, "modelId": r, "downloads": 1000 - i, "likes": i, "tags": ["gguf"]}
                    for i, r in enumerate(sorted(self.state.repos)) if term in r.lower()]
            return self._json(hits)
        m = re.fullmatch(r"/api/models/(.+?)/tree/([^/]+)(/.*)?", path)
        if m:
            repo = m.group(1)
            if repo not in self.state.repos:
                return self._json({"error": "Repository not found"}, 404, "RepoNotFound")
            entries = [{"type": "file", "path": "README.md", "size": 10, "oid": "0" * 40}]
            for name, f in self.state.repos[repo].items():
                sha = ("0" * 64) if name in self.state.wrong_sha else f.sha256
                size = self.state.listed_size.get(name, f.size)
                entry = {"type": "file", "path": name, "size": size, "oid": "1" * 40}
                if name not in self.state.plain:
                    entry["lfs"] = {"oid": sha, "size": size, "pointerSize": 134}
                entries.append(entry)
            return self._json(entries)
        m = re.fullmatch(r"/(.+?)/resolve/([^/]+)/(.+)", path)
        if m and m.group(1) in self.state.repos and m.group(3) in self.state.repos[m.group(1)]:
            return self._file(m.group(3), self.state.repos[m.group(1)][m.group(3)], head)
        self._json({"error": "not found"}, 404)

    def _file(self, name: str, f: HostedFile, head: bool) -> None:
        start = 0
        rng = self.headers.get("Range")
        if rng:
            m = re.fullmatch(r"bytes=(\d+)-", rng)
            start = int(m.group(1)) if m else 0
            if start >= f.size:
                self.send_response(416)
                self.send_header("Content-Range", f"bytes */{f.size}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
        self.send_response(206 if rng else 200)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("ETag", f'"{f.sha256}"')
        self.send_header("X-Linked-Etag", f'"{f.sha256}"')
        self.send_header("X-Linked-Size", str(f.size))
        self.send_header("X-Repo-Commit", "1" * 40)
        self.send_header("Content-Length", str(f.size - start))
        if rng:
            self.send_header("Content-Range", f"bytes {start}-{f.size - 1}/{f.size}")
        self.end_headers()
        if head:
            return
        with self.state.lock:
            cut = None
            if self.state.cut_only in (None, name):
                cut, self.state.cut_after = self.state.cut_after, None
            cut = cut if cut is not None else self.state.cut_every
        sent = 0
        with f.path.open("rb") as fh:
            fh.seek(start)
            while chunk := fh.read(1 << 20):
                if cut is not None and sent + len(chunk) > cut:
                    self.wfile.write(chunk[: cut - sent])
                    self.wfile.flush()
                    if self.state.status_after_cut is not None:
                        self.state.status = self.state.status_after_cut
                    self.close_connection = True
                    self.connection.shutdown(2)  # the cable is pulled
                    return
                try:
                    self.wfile.write(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    return
                sent += len(chunk)


class FakeHub:
    def __init__(self) -> None:
        self.state = HubState()
        handler = type("Handler", (_Handler,), {"state": self.state})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def __enter__(self) -> "FakeHub":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def downloads(self) -> list[tuple[str, str, str | None]]:
        return [r for r in self.state.requests if "/resolve/" in r[1] and r[0] == "GET"]
