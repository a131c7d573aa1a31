"""`serve` as a process: prints its base URL first, answers, and ends on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys



def test_serve_prints_the_url_and_stops_on_sigterm(starter_model, app_home):
    """The first stdout line is the base URL; the openai client lists the model; SIGTERM exits 0."""
    import openai

    from tests.llama_server import free_port

    port = free_port()
    env = {**os.environ, "AIGC_DESKTOP_HOME": str(app_home)}
    proc = subprocess.Popen([sys.executable, "-m", "aigc_desktop", "serve", "--port", str(port), "--model",
                             str(starter_model)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = proc.stdout.readline().strip()  # bounded: the process ends (and the pipe closes) on failure
        assert url == f"http://127.0.0.1:{port}/v1", proc.stderr.read() if not url else url
        models = openai.OpenAI(base_url=url, api_key="x", max_retries=0).models.list()
        assert models.data[0].id == starter_model.stem
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
