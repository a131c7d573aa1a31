"""A real OpenAI-compatible server for tests: llama-cpp-python's own (`python -m llama_cpp.server`).

It serves the SmolLM2 starter model on a free loopback port as ``smollm2``:
real HTTP, real SSE, real tokens. Waits are bounded; every server is
terminated and reaped at teardown (killed if it ignores SIGTERM). The fixtures
are imported into ``tests/conftest.py`` so one session server serves the
provider, server and CLI tests alike.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

MODEL_ALIAS = "smollm2"
START_TIMEOUT = 120.0  # the machine may be busy; a healthy start takes a few seconds


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class LlamaServer:
    proc: subprocess.Popen
    port: int
    log: Path
    api_key: str | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def kill(self) -> None:
        """SIGKILL: the connection drops mid-reply, as when a server crashes."""
        self.proc.kill()
        self.proc.wait(timeout=10)


def start_llama_server(model: Path, log_dir: Path, *, api_key: str | None = None) -> LlamaServer:
    import httpx2

    port = free_port()
    log = log_dir / f"llama-server-{port}.log"
    cmd = [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--model_alias", MODEL_ALIAS,
           "--host", "127.0.0.1", "--port", str(port), "--n_ctx", "4096", "--n_threads", "2"]
    if api_key:
        cmd += ["--api_key", api_key]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    server = LlamaServer(proc, port, log, api_key)
    deadline = time.monotonic() + START_TIMEOUT
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"llama_cpp.server exited with {proc.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx2.get(f"{server.base_url}/models", headers=headers, timeout=2).status_code == 200:
                return server
        except httpx2.HTTPError:
            pass
        time.sleep(0.2)
    server.stop()
    pytest.fail(f"llama_cpp.server did not answer within {START_TIMEOUT:.0f} s")


@pytest.fixture(scope="session")
def llama_server(starter_model, tmp_path_factory):
    """One llama_cpp.server on loopback for the whole run (no key)."""
    server = start_llama_server(starter_model, tmp_path_factory.mktemp("llama-server"))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def llama_server_keyed(starter_model, tmp_path_factory):
    """A llama_cpp.server started with --api_key (for the 401 test)."""
    server = start_llama_server(starter_model, tmp_path_factory.mktemp("llama-server-key"),
                                api_key="right-key-5f2c9d")
    yield server
    server.stop()


@pytest.fixture
def disposable_llama_server(starter_model, tmp_path):
    """A server a test may kill."""
    server = start_llama_server(starter_model, tmp_path)
    yield server
    server.stop()
