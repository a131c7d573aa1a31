"""Ctrl+C (SIGINT) during `write draft` of a finished section: the run stops as the window's Stop
does, `write export` still gives the finished text, and `write select` can choose the stopped one.

The real model writes; a ``sitecustomize`` in the child process paces its pieces (a pause
after each), so the run is certainly still writing when the test sends SIGINT on its first
output: how long the model's answer happens to be does not decide.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading

PACING = """
import time
from aigc_desktop.llm import engine

_real = engine.LlamaEngine.stream_chat


def _paced(self, *args, **kwargs):
    for delta in _real(self, *args, **kwargs):
        yield delta
        time.sleep(0.3)


engine.LlamaEngine.stream_chat = _paced
"""


def _cli(env, *args, check=True):
    return subprocess.run([sys.executable, "-m", "aigc_desktop", *args], env=env, capture_output=True, text=True,
                          check=check, timeout=300)


def _show(env, doc_id):
    return json.loads(_cli(env, "write", "show", str(doc_id), "--json").stdout)["sections"][0]


def test_ctrl_c_keeps_the_finished_version_for_export(app_home, starter_model, tmp_path):
    env = dict(os.environ, AIGC_DESKTOP_HOME=str(app_home), AIGC_DESKTOP_LANG="en")
    doc_id = json.loads(_cli(env, "write", "new", "Lighthouses", "--json", "--outline", "History|Keepers").stdout)["id"]
    _cli(env, "write", "draft", str(doc_id), "--section", "1", "--max-tokens", "24", "--seed", "1")
    finished = _show(env, doc_id)
    assert finished["status"] == "done" and finished["text"]

    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(PACING, encoding="utf-8")
    paced = dict(env, PYTHONPATH=os.pathsep.join(p for p in (str(hook), env.get("PYTHONPATH", "")) if p))
    proc = subprocess.Popen(
        [sys.executable, "-m", "aigc_desktop", "write", "draft", str(doc_id), "--section", "1",
         "--max-tokens", "400", "--temperature", "0.8", "--seed", "2"],
        env=paced, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=lambda: [lines.put(c) for c in iter(lambda: proc.stdout.read(1), "")], daemon=True).start()
    seen = ""
    try:
        while "## 1. History\n\n" not in seen or not seen.split("## 1. History\n\n", 1)[1].strip():
            seen += lines.get(timeout=240)  # bounded: loading the model and the first piece
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=120) == 130
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=30)
    err = proc.stderr.read()
    assert "section 1: stopped; its finished text stays the one `write export` uses" in err, err
    assert "version 2 of 2" in err and "Traceback" not in err

    after = _show(env, doc_id)
    assert (after["status"], after["text"], after["versions"]) == ("done", finished["text"], 2)
    out = tmp_path / "article.md"
    _cli(env, "write", "export", str(doc_id), "-o", str(out))
    article = out.read_text(encoding="utf-8")
    assert finished["text"].strip() in article

    chosen = _cli(env, "write", "select", str(doc_id), "--section", "1", "--version", "2").stdout
    assert "version 2/2 (stopped)" in chosen
    stopped = _show(env, doc_id)
    assert stopped["status"] == "stopped" and stopped["text"] != finished["text"]
    _cli(env, "write", "export", str(doc_id), "-o", str(out))
    assert stopped["text"].strip() in out.read_text(encoding="utf-8")
