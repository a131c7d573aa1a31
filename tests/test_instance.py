"""Second instance detection and safe concurrent writers on one data folder."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from aigc_desktop.instance import InstanceLock
from aigc_desktop.paths import app_paths


def test_second_process_sees_the_lock(tmp_path):
    """While one process holds the lock another cannot; after release it can."""
    first = InstanceLock(tmp_path)
    assert first.acquire()
    code = "import sys; from aigc_desktop.instance import InstanceLock; " \
           f"sys.exit(0 if InstanceLock({str(tmp_path)!r}).acquire() else 3)"
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 3
    first.release()
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0


def test_second_lock_in_the_same_process_is_refused(tmp_path):
    """Two locks on one folder in one process (two runtimes) do not share the hold;
    the holder's pid is in the file, and acquire/release are idempotent."""
    first, second = InstanceLock(tmp_path), InstanceLock(tmp_path)
    assert first.acquire() and first.acquire()
    assert (tmp_path / "app.lock").read_text() == str(os.getpid())
    assert not second.acquire()
    first.release()
    first.release()
    assert second.acquire()
    assert not first.acquire()
    second.release()


def test_lock_is_freed_when_its_holder_is_killed(tmp_path):
    """kill -9 of the holder frees the lock (an OS lock, not a marker file)."""
    import signal

    code = ("import sys, time; from aigc_desktop.instance import InstanceLock; "
            f"lock = InstanceLock({str(tmp_path)!r}); assert lock.acquire(); print('held', flush=True); time.sleep(120)")
    holder = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert not InstanceLock(tmp_path).acquire()
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    lock = InstanceLock(tmp_path)
    assert lock.acquire()
    lock.release()


def test_two_processes_writing_keep_database_intact(app_home):
    """Two processes appending messages at once: every row lands, integrity is ok."""
    from aigc_desktop.runtime import open_runtime

    rt = open_runtime()
    conv = rt.store.create("shared")
    script = textwrap.dedent(f"""
        from aigc_desktop.runtime import open_runtime
        rt = open_runtime(recover=False)
        for i in range(150):
            rt.store.add_message({conv.id}, "user", f"msg {{i}}", parent_id=None)
    """)
    env = dict(os.environ, AIGC_DESKTOP_HOME=str(app_home))
    procs = [subprocess.Popen([sys.executable, "-c", script], env=env) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert len(rt.store.messages(conv.id)) == 300
    assert rt.db.integrity_check() == "ok"
    rt.close()
    assert app_paths().database.exists()


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGINT"])
def test_sigterm_closes_the_window_cleanly(app_home, signame):
    """SIGTERM (logout, `kill`) and SIGINT (^C) close the app the normal way: exit code 0,
    the lock released, the database intact."""
    import signal
    import time
    from pathlib import Path

    env = dict(os.environ, AIGC_DESKTOP_HOME=str(app_home), QT_QPA_PLATFORM="offscreen")
    main_py = Path(__file__).resolve().parents[1] / "main.py"
    proc = subprocess.Popen([sys.executable, str(main_py)], env=env)
    data = app_paths().data
    try:
        for _ in range(600):  # until the window holds the data folder's lock (bounded)
            probe = InstanceLock(data)
            if data.exists() and not probe.acquire():
                break
            probe.release()
            assert proc.poll() is None, "the app exited early"
            time.sleep(0.1)
        else:
            raise AssertionError("the app never took its lock")
        proc.send_signal(getattr(signal, signame))
        assert proc.wait(timeout=60) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
    probe = InstanceLock(data)
    assert probe.acquire()
    probe.release()
    log_text = app_paths().log_file.read_text(encoding="utf-8")
    assert f"{signame}: closing" in log_text


def test_only_the_sole_instance_marks_replies_interrupted(app_home):
    """A reply being written by a window (or a CLI chat) holding the lock is left alone by
    a CLI command or a second window; once that process is gone, it becomes interrupted."""
    from aigc_desktop.runtime import open_runtime

    writer = open_runtime(hold_lock=True)
    assert writer.sole_instance
    conv = writer.store.create("live")
    user = writer.store.add_message(conv.id, "user", "hi")
    reply = writer.store.add_message(conv.id, "assistant", "partial", parent_id=user.id, status="streaming")
    other = open_runtime()  # e.g. `python -m aigc_desktop list` meanwhile
    assert not other.sole_instance
    assert other.store.get_message(reply.id).status == "streaming"
    other.close()
    writer.close()  # the writer is gone (or was killed: the OS drops its lock)
    after = open_runtime()
    assert after.store.get_message(reply.id).status == "interrupted"
    after.close()
