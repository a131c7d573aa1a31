"""QA findings on flaky downloads: retries that reset on progress with a cancellable backoff,
the message after a cut then a server error, sidecars that let a later session resume,
the queue's Resume/Remove/has_active, and the deep GGUF check after sha256."""

from __future__ import annotations

import hashlib
import json
import threading

import pytest

from aigc_desktop.hub import download as dl
from aigc_desktop.hub.catalog import list_gguf_files
from aigc_desktop.hub.download import (
    DownloadCancelled,
    DownloadError,
    discard_partial,
    download,
    part_path,
    sidecar_path,
    unfinished_downloads,
)
from aigc_desktop.hub.library import installed_models
from aigc_desktop.hub.queue import DownloadQueue
from aigc_desktop.paths import app_paths
from tests.hub.hub_fixtures import FILE, REPO


def _remote(name=FILE, repo=REPO):
    return next(f for f in list_gguf_files(repo) if f.filename == name)


@pytest.fixture
def pauses(monkeypatch):
    """The backoff pauses asked for, in seconds, without waiting them out."""
    asked = []
    monkeypatch.setattr(dl, "_pause", lambda seconds, *args: asked.append(seconds))
    return asked


def test_cut_every_few_mb_still_completes(hub, pauses):
    """Every transfer is cut after 8 MB; each attempt makes progress, so the retry count never runs out."""
    remote = _remote()
    hub.state.cut_every = 8_000_000
    path = download(remote, retries=2, backoff=0.5)
    gets = hub.downloads()
    assert len(gets) > remote.size // 8_000_000  # far more cuts than retries=2 would allow
    assert hashlib.sha256(path.read_bytes()).hexdigest() == remote.sha256
    assert pauses and set(pauses) == {0.5}  # progress each time: the backoff starts over
    assert not part_path(remote, app_paths().models).exists()
    assert not sidecar_path(part_path(remote, app_paths().models)).exists()


def test_backoff_grows_without_progress_and_is_capped(hub, pauses):
    """Failures in a row without a new byte wait 1, 2, 4… × base, never more than 30 s, then give up."""
    remote = _remote()
    hub.state.status = 503
    with pytest.raises(DownloadError, match="answered 503"):
        download(remote, retries=5, backoff=4)
    assert pauses == [4, 8, 16, 30, 30]
    assert len(hub.downloads()) == 6


def test_cut_then_server_error_says_what_was_kept(hub, pauses):
    """A dropped connection then HTTP 500: the message says how much is kept and that Resume continues."""
    remote = _remote()
    hub.state.cut_after = 20_000_000
    hub.state.status_after_cut = 500
    with pytest.raises(DownloadError) as info:
        download(remote, retries=2, backoff=0.01)
    msg = str(info.value)
    assert f"The Hub answered 500 for {FILE}" in msg and "is kept" in msg and "Resume" in msg
    kept = part_path(remote, app_paths().models).stat().st_size
    assert 0 < kept <= 20_000_000 and f"{kept / 2**20:,.1f} MB" in msg
    assert pauses == [0.01, 0.02]  # the cut made progress (1×), then two 500s in a row (2×, then give up)


def test_cancel_interrupts_the_backoff_wait(hub):
    """A long backoff pause ends as soon as Cancel is pressed (the wait is the cancel Event's)."""
    remote = _remote()
    hub.state.status = 503
    cancel = threading.Event()
    result = []

    def run():
        try:
            download(remote, cancel=cancel, retries=3, backoff=3600)
        except DownloadError as exc:
            result.append(exc)

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    while not hub.downloads() and worker.is_alive():  # the first (failing) request has reached the Hub
        worker.join(0.01)
    cancel.set()
    worker.join(60)
    assert not worker.is_alive() and isinstance(result[0], DownloadCancelled)
    assert len(hub.downloads()) == 1


def test_sidecar_records_an_unfinished_download(hub):
    """A cut download leaves a .part with a JSON sidecar; both go when it finishes, or when discarded."""
    remote = _remote()
    folder = app_paths().models
    hub.state.cut_after = 10_000_000
    with pytest.raises(DownloadError):
        download(remote, retries=0)
    part = part_path(remote, folder)
    record = json.loads(sidecar_path(part).read_text())
    assert record == {"repo": REPO, "filename": FILE, "size": remote.size, "sha256": remote.sha256,
                      "endpoint": hub.url}
    [found] = unfinished_downloads(folder)
    assert found.remote == remote and found.part == part and found.kept == part.stat().st_size > 0
    assert all(not p.name.endswith(".json") for p in installed_models())
    download(remote)
    assert unfinished_downloads(folder) == [] and not sidecar_path(part).exists()
    other = _remote("tiny-Q8_0.gguf")
    hub.state.cut_after = 1_500_000
    with pytest.raises(DownloadError):
        download(other, retries=0)
    assert [u.remote for u in unfinished_downloads(folder)] == [other]
    discard_partial(other, folder)
    assert unfinished_downloads(folder) == [] and list(folder.glob("*.part*")) == []


def test_failure_before_any_byte_leaves_no_sidecar(hub):
    """Nothing to resume (a 404 before the first byte): no .part and no record of one."""
    from aigc_desktop.hub.catalog import RemoteFile

    with pytest.raises(DownloadError, match="is not in"):
        download(RemoteFile(REPO, "gone.gguf", 1000, None))
    assert list(app_paths().models.iterdir()) == []


def test_queue_has_active_resume_and_discard(hub):
    """has_active is True while a job runs; a cancelled job resumes from its .part; a paused one is discarded."""
    remote = _remote()
    gate, finished = threading.Event(), []
    done = threading.Condition()

    def on_progress(job, p):
        if p.done > 5_000_000 and job.state == "running" and not gate.is_set():
            job.cancel.set()  # the first run is cancelled part-way
            gate.set()

    def on_finished(job):
        with done:
            finished.append((job.id, job.state))
            done.notify_all()

    q = DownloadQueue(on_progress=on_progress, on_finished=on_finished, backoff=0)
    assert not q.has_active()
    job = q.add(remote)
    assert q.has_active()
    with done:
        assert done.wait_for(lambda: len(finished) == 1, 120)
    assert finished[0] == (job.id, "cancelled") and not q.has_active()
    kept = part_path(remote, app_paths().models).stat().st_size
    assert q.resume(job.id) is job and q.has_active()
    with done:
        assert done.wait_for(lambda: len(finished) == 2, 120)
    assert finished[1] == (job.id, "done") and not q.has_active()
    assert hub.downloads()[-1][2] == f"bytes={kept}-"
    assert hashlib.sha256(job.path.read_bytes()).hexdigest() == remote.sha256

    other = _remote("tiny-Q8_0.gguf")
    part = part_path(other, app_paths().models)
    part.write_bytes(b"GGUF" + bytes(100))
    paused = q.add_paused(other)
    assert paused.state == "paused" and not q.has_active()
    q.discard(paused.id)
    assert paused.state == "removed" and not part.exists()
    q.close()


def test_truncated_gguf_with_matching_sha256_is_rejected(hub, starter_model, tmp_path):
    """A GGUF uploaded truncated passes its own sha256; the deep check refuses it and removes it."""
    cut = tmp_path / "cut-Q4_1.gguf"
    cut.write_bytes(starter_model.read_bytes()[:20_000_000])
    hub.state.add(REPO, "cut-Q4_1.gguf", cut)
    remote = _remote("cut-Q4_1.gguf")
    assert remote.sha256
    with pytest.raises(DownloadError) as info:
        download(remote)
    assert "cut-Q4_1.gguf is truncated" in str(info.value) and "removed" in str(info.value)
    assert list(app_paths().models.iterdir()) == []
