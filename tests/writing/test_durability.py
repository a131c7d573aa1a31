"""kill -9 during `write draft`: earlier sections stay done, the one being written becomes interrupted.

The real model writes; a ``sitecustomize`` in the child process paces only its second
generation (a pause after each piece, then it holds before the end), so section 2 is
certainly being written, with a checkpoint on disk, when the test kills it: how long
the model's answer happens to be, or how fast the machine is, does not decide.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time



def _drafting_second(db_path):
    """The checkpointed text of section 2 while it is being drafted (None until there is some)."""
    con = sqlite3.connect(db_path, timeout=5)
    try:
        row = con.execute(
            "select v.text from sections s join section_versions v on v.id = s.current_version_id "
            "where s.position = 1 and s.status = 'drafting'").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        con.close()
    return row[0] if row and row[0] else None


PACING = """
import time
from aigc_desktop.llm import engine

_real = engine.LlamaEngine.stream_chat
_calls = []


def _paced(self, *args, **kwargs):
    _calls.append(1)
    for delta in _real(self, *args, **kwargs):
        if len(_calls) == 2 and delta.done:  # section 2: hold before its end until killed
            while True:
                time.sleep(1)
        yield delta
        if len(_calls) == 2:
            time.sleep(0.6)  # past the 0.5 s checkpoint interval: each piece is saved


engine.LlamaEngine.stream_chat = _paced
"""


def test_sigkill_mid_draft(app_home, starter_model, tmp_path):
    """After SIGKILL in section 2: section 1 done, section 2's checkpoint kept and interrupted at next start."""
    env = dict(os.environ, AIGC_DESKTOP_HOME=str(app_home))
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(PACING, encoding="utf-8")
    made = subprocess.run(
        [sys.executable, "-m", "aigc_desktop", "write", "new", "A long history of lighthouses", "--json",
         "--outline", "Early towers|The keepers' lives, told at great length|Automation"],
        env=env, capture_output=True, text=True, check=True)
    doc_id = json.loads(made.stdout)["id"]
    paced = dict(env, PYTHONPATH=os.pathsep.join(p for p in (str(hook), env.get("PYTHONPATH", "")) if p))
    proc = subprocess.Popen(
        [sys.executable, "-m", "aigc_desktop", "write", "draft", str(doc_id), "--max-tokens", "60",
         "--temperature", "0.8", "--seed", "1"],
        env=paced, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    db_path = app_home / "data" / "conversations.sqlite3"
    partial = None
    try:
        for _ in range(3000):  # bounded: up to ~5 minutes of polling on a busy machine
            if proc.poll() is not None:
                break
            partial = _drafting_second(db_path)
            if partial:
                break
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert partial, "section 2 never reached a checkpoint before the process ended"

    con = sqlite3.connect(db_path)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    con.close()

    from aigc_desktop.runtime import open_runtime
    from aigc_desktop.store.documents import DocumentStore

    rt = open_runtime()
    doc = DocumentStore(rt.db).get(doc_id)
    rt.close()
    first, second, third = doc.sections
    assert first.status == "done" and first.text
    assert second.status == "interrupted" and second.text.startswith(partial)
    assert third.status == "empty"
