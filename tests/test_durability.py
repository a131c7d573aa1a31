"""kill -9 while a reply streams: the user's message and the partial reply survive."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time



def _streaming_partial(db_path):
    if not db_path.exists():
        return None
    con = sqlite3.connect(db_path, timeout=5)
    try:
        row = con.execute(
            "select id, content from messages where role='assistant' and status='streaming'"
        ).fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        con.close()
    return row if row and row[1] else None


def test_sigkill_mid_stream(app_home, starter_model):
    """After SIGKILL: user message kept, partial reply kept, integrity ok, next start marks it interrupted."""
    env = dict(os.environ, AIGC_DESKTOP_HOME=str(app_home))
    proc = subprocess.Popen(
        [sys.executable, "-m", "aigc_desktop", "chat", "--max-tokens", "3000", "--temperature", "0.8",
         "--seed", "1", "Write a very long story about a lighthouse keeper, with many chapters."],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    db_path = app_home / "data" / "conversations.sqlite3"
    partial = None
    try:
        for _ in range(1200):  # bounded: up to ~2 minutes of polling
            if proc.poll() is not None:
                break
            partial = _streaming_partial(db_path)
            if partial:
                break
            time.sleep(0.1)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert partial, "the reply never reached a checkpoint before the process ended"

    con = sqlite3.connect(db_path)
    assert con.execute("pragma integrity_check").fetchone()[0] == "ok"
    user = con.execute("select content from messages where role='user'").fetchone()[0]
    assert user.startswith("Write a very long story")
    reply_id, saved = con.execute("select id, content from messages where role='assistant'").fetchone()
    assert saved.startswith(partial[1])
    con.close()

    from aigc_desktop.runtime import open_runtime

    rt = open_runtime()
    reply = rt.store.get_message(reply_id)
    assert reply.status == "interrupted" and reply.content == saved
    rt.close()
