"""Search, list, download, resume, verify, cancel and offline, against a local fake Hub
with the real huggingface_hub client and real HTTP."""

from __future__ import annotations

import hashlib
import shutil
import socket
import threading
from collections import namedtuple

import pytest

from aigc_desktop.errors import UserError
from aigc_desktop.hub import fit
from aigc_desktop.hub.catalog import list_gguf_files, load_catalog, quant_label, search_repos
from aigc_desktop.hub.download import DownloadCancelled, DownloadError, download, part_path
from aigc_desktop.hub.queue import DownloadQueue
from aigc_desktop.hub.endpoint import OfflineError
from aigc_desktop.hub.library import installed_models
from aigc_desktop.paths import app_paths
from aigc_desktop.settings import SettingsStore
from tests.hub.hub_fixtures import FILE, REPO


def _remote(name=FILE, repo=REPO):
    return next(f for f in list_gguf_files(repo) if f.filename == name)


def test_search_then_files_then_download_with_progress(hub, starter_model):
    """Search finds the repo, the listing has sizes/sha256/quant, the download arrives verified."""
    hits = search_repos("smollm2")
    assert [h.repo for h in hits] == [REPO]
    files = list_gguf_files(REPO)
    assert [f.filename for f in files] == ["tiny-Q8_0.gguf", FILE]  # smallest first, README skipped
    big = files[1]
    assert big.size == starter_model.stat().st_size and big.quant == "Q4_1" and len(big.sha256) == 64
    seen = []
    path = download(big, progress=seen.append)
    assert path == app_paths().models / FILE and path in installed_models()
    assert hashlib.sha256(path.read_bytes()).hexdigest() == big.sha256
    assert seen and seen[-1].done == big.size and seen[-1].fraction == 1.0
    assert all(a.done <= b.done for a, b in zip(seen, seen[1:]))
    assert not part_path(big, app_paths().models).exists()


def test_cut_connection_resumes_with_range(hub):
    """A transfer cut mid-file is resumed by a Range request from the .part's size; sha256 matches."""
    remote = _remote()
    hub.state.cut_after = 40_000_000
    with pytest.raises(DownloadError, match="Start the download again to resume"):
        download(remote, retries=0)
    part = part_path(remote, app_paths().models)
    assert part.exists() and 0 < part.stat().st_size <= 40_000_000
    assert (app_paths().models / FILE) not in installed_models()
    kept = part.stat().st_size
    path = download(remote)
    gets = hub.downloads()
    assert gets[-1][2] == f"bytes={kept}-"
    assert hashlib.sha256(path.read_bytes()).hexdigest() == remote.sha256


def test_cut_connection_retried_within_one_call(hub):
    """With retries, one call survives a cut and finishes with a second, ranged request."""
    hub.state.cut_after = 10_000_000
    path = download(_remote(), retries=2, backoff=0)
    gets = hub.downloads()
    assert len(gets) == 2 and gets[0][2] is None and gets[1][2].startswith("bytes=")
    assert path.stat().st_size == _remote().size


def test_wrong_sha256_rejected_and_removed(hub):
    """A file whose bytes do not match the Hub's sha256 is refused and its .part deleted."""
    hub.state.wrong_sha.add(FILE)
    with pytest.raises(DownloadError, match="failed verification"):
        download(_remote())
    assert not (app_paths().models / FILE).exists()
    assert not part_path(_remote(), app_paths().models).exists()


def test_cancel_leaves_no_model_listed(hub):
    """Cancel stops between chunks; the .part stays for resuming but is never listed as a model."""
    cancel = threading.Event()

    def progress(p):
        if p.done > 5_000_000:
            cancel.set()

    with pytest.raises(DownloadCancelled):
        download(_remote(), progress=progress, cancel=cancel)
    assert part_path(_remote(), app_paths().models).exists()
    assert all(p.suffix == ".gguf" and not p.name.endswith(".part") for p in installed_models())
    assert (app_paths().models / FILE) not in installed_models()


def test_free_disk_checked_before_any_byte(hub, monkeypatch):
    """Too little free disk: a clear error and no request for the file."""
    Usage = namedtuple("Usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda p: Usage(10**9, 10**9, 1_000_000))
    with pytest.raises(DownloadError, match="Not enough disk space"):
        download(_remote())
    assert hub.downloads() == []


def test_offline_switch_opens_no_socket(hub, monkeypatch):
    """With offline on, search, listing and download refuse before any connection."""
    paths = app_paths().ensure()
    SettingsStore(paths.settings_file).update(offline=True)
    remote = _remote_offline_stub()
    calls = []
    real_connect = socket.socket.connect

    def guard(self, address):
        calls.append(address)
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guard)
    before = len(hub.state.requests)
    with pytest.raises(OfflineError):
        search_repos("smollm2")
    with pytest.raises(OfflineError):
        list_gguf_files(REPO)
    with pytest.raises(OfflineError):
        download(remote)
    assert calls == [] and len(hub.state.requests) == before


def _remote_offline_stub():
    from aigc_desktop.hub.catalog import RemoteFile

    return RemoteFile(REPO, FILE, 98362432, None)


def test_download_queue_runs_jobs_in_order(hub):
    """Queued downloads run one at a time and report progress and completion."""
    done = []
    finished = threading.Event()
    progress = []

    def on_finished(job):
        done.append((job.remote.filename, job.state))
        if len(done) == 2:
            finished.set()

    q = DownloadQueue(on_progress=lambda j, p: progress.append(j.id), on_finished=on_finished)
    files = list_gguf_files(REPO)
    q.add(files[1])
    q.add(_remote("qwen-fake-Q4_K_M.gguf", "other/Qwen-Fake-GGUF"))
    assert finished.wait(120)
    q.close()
    assert done == [(FILE, "done"), ("qwen-fake-Q4_K_M.gguf", "done")]
    assert progress and progress[0] == 1


def test_unknown_repo_is_clear(hub):
    """A repository the Hub does not have gets a plain message."""
    with pytest.raises(UserError, match="No model repository"):
        list_gguf_files("nobody/nothing")


def test_catalog_and_fit():
    """The curated list leads with Chinese-capable models; every file gets a fit estimate."""
    cat = load_catalog()
    assert "Qwen" in cat[0].repo and any("DeepSeek-R1-Distill-Qwen" in c.repo for c in cat)
    assert any("zh" not in c.languages for c in cat)  # and English-first alternatives
    assert all(c.size > 0 and c.license and c.quant for c in cat)
    assert fit.estimate(1 * 2**30, available=16 * 2**30) == fit.FITS
    assert fit.estimate(10 * 2**30, available=12 * 2**30) == fit.TIGHT
    assert fit.estimate(20 * 2**30, available=8 * 2**30) == fit.TOO_BIG


@pytest.mark.parametrize("name, label", [
    ("qwen2.5-7b-instruct-q4_k_m-00001-of-00002.gguf", "Q4_K_M"),
    ("Llama-3.2-1B-Instruct-IQ3_XS.gguf", "IQ3_XS"),
    ("SmolLM2-135M-Instruct.Q4_1.gguf", "Q4_1"),
    ("model-f16.gguf", "F16"),
    ("model.gguf", ""),
])
def test_quant_labels(name, label):
    """Quantization labels come from file names."""
    assert quant_label(name) == label
