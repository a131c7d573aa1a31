"""QA findings on downloads and Hub errors: non-GGUF or empty files, two files with one
name, invalid repository names, a Hub that refuses or fails, and the offline message."""

from __future__ import annotations

import hashlib
import logging
import socket
import time

import pytest

from aigc_desktop.cli import main
from aigc_desktop.hub.catalog import list_gguf_files
from aigc_desktop.hub.download import DownloadError, download, part_path
from aigc_desktop.logs import setup_logging
from aigc_desktop.paths import app_paths
from aigc_desktop.settings import SettingsStore
from tests.hub.hub_fixtures import make_gguf

PLAIN = "aigc-test/plain-files"


@pytest.fixture(autouse=True)
def log_file():
    """As the CLI and the window do: the app's log file receives the ``aigc_desktop`` logger."""
    setup_logging(app_paths().ensure().log_file)

SPLIT = "aigc-test/two-folders"


def _remote(repo, name):
    return next(f for f in list_gguf_files(repo) if f.filename == name)


def _models():
    folder = app_paths().models
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def _one_line_error(capsys, code):
    out, err = capsys.readouterr()
    assert code == 1 and "saved" not in out and "Traceback" not in err
    last = err.splitlines()[-1]  # a download's progress line may come before it
    assert last.startswith("error: ") and err.count("error") == 1
    return last


def test_html_without_sha256_is_refused_and_removed(hub, tmp_path, capsys):
    """A non-LFS file (no sha256 to check) that is not GGUF is not saved, and no .part stays."""
    page = tmp_path / "page.html"
    page.write_text("<!doctype html><html><body>Not found</body></html>\n" * 20)
    hub.state.add(PLAIN, "html.gguf", page)
    hub.state.plain.add("html.gguf")
    assert _remote(PLAIN, "html.gguf").sha256 is None
    err = _one_line_error(capsys, main(["models", "download", PLAIN, "html.gguf"]))
    assert "html.gguf is not a GGUF model file" in err and "removed" in err
    assert _models() == []


@pytest.mark.parametrize("listed", [0, -5, None])
def test_empty_or_impossible_size_is_a_clear_error(hub, tmp_path, capsys, listed):
    """A 0-byte file, or a negative or missing size in the listing, is one clear line, not a traceback."""
    empty = tmp_path / "empty.gguf"
    empty.write_bytes(b"")
    hub.state.add(PLAIN, "empty.gguf", empty)
    hub.state.plain.add("empty.gguf")
    hub.state.listed_size["empty.gguf"] = listed
    err = _one_line_error(capsys, main(["models", "download", PLAIN, "empty.gguf"]))
    assert "an empty file is not a model" in err
    assert _models() == []


@pytest.fixture
def two_folders(hub, tmp_path):
    """sub1/m.gguf and sub2/m.gguf: same name and size, different bytes."""
    one, two = make_gguf(tmp_path / "one.gguf", seed=1), make_gguf(tmp_path / "two.gguf", seed=2)
    hub.state.add(SPLIT, "sub1/m.gguf", one)
    hub.state.add(SPLIT, "sub2/m.gguf", two)
    return hashlib.sha256(one.read_bytes()).hexdigest(), hashlib.sha256(two.read_bytes()).hexdigest()


@pytest.mark.parametrize("with_sha", [True, False])
def test_same_name_in_two_folders_keeps_both(hub, two_folders, with_sha):
    """The second m.gguf gets its own name and its own bytes; asking again finds each one."""
    if not with_sha:
        hub.state.plain.update({"sub1/m.gguf", "sub2/m.gguf"})
    sha1, sha2 = two_folders
    first = download(_remote(SPLIT, "sub1/m.gguf"))
    second = download(_remote(SPLIT, "sub2/m.gguf"))
    assert first.name == "m.gguf" and second.name == "sub2_m.gguf"
    assert hashlib.sha256(first.read_bytes()).hexdigest() == sha1
    assert hashlib.sha256(second.read_bytes()).hexdigest() == sha2
    assert download(_remote(SPLIT, "sub2/m.gguf")) == second
    assert download(_remote(SPLIT, "sub1/m.gguf")) == first
    assert _models() == ["m.gguf", "sub2_m.gguf"]
    if with_sha:  # known sha256: a file already here is recognised without fetching it again
        assert len(hub.downloads()) == 2


def test_part_of_another_file_is_not_resumed(hub, two_folders):
    """A cut download of sub1/m.gguf is not continued with the bytes of sub2/m.gguf."""
    sha1, sha2 = two_folders
    hub.state.cut_after = 2_500_000  # past the first 1 MB chunk, so the .part has bytes
    with pytest.raises(DownloadError, match="resume"):
        download(_remote(SPLIT, "sub1/m.gguf"), retries=0)
    folder = app_paths().models
    assert part_path(_remote(SPLIT, "sub1/m.gguf"), folder).exists()
    path = download(_remote(SPLIT, "sub2/m.gguf"))
    assert hub.downloads()[-1][2] is None  # from the first byte, not a Range from sub1's .part
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha2
    path = download(_remote(SPLIT, "sub1/m.gguf"))
    assert hub.downloads()[-1][2] is not None  # sub1's own .part is resumed
    assert hashlib.sha256(path.read_bytes()).hexdigest() == sha1 and path.name == "sub1_m.gguf"


@pytest.mark.parametrize("repo", ["bad repo!!", "a/b/c/d", ""])
def test_invalid_repo_name(hub, capsys, repo):
    """An impossible repository name is called that, not a connection problem."""
    err = _one_line_error(capsys, main(["models", "files", repo]))
    assert f"“{repo}” is not a valid repository name (expected owner/name)" in err
    assert "reach" not in err


def test_refused_connection_fails_fast_and_quietly(hub, capsys):
    """No Hub listening: one line within seconds; huggingface_hub's retry chatter stays off screen."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    SettingsStore(app_paths().ensure().settings_file).update(hub_endpoint=f"http://127.0.0.1:{port}")
    for argv in (["models", "search", "qwen"], ["models", "files", "a/b"], ["models", "download", "a/b", "m.gguf"]):
        started = time.monotonic()
        err = _one_line_error(capsys, main(argv))
        assert time.monotonic() - started < 5
        assert "Could not reach the Hub" in err and "Retry" not in err
    log = app_paths().log_file.read_text()
    assert "retrying once" in log


def test_library_log_goes_to_the_log_file(hub, capsys):
    """huggingface_hub's own warnings (its retry notices) land in our log file, not on stderr."""
    from aigc_desktop.hub.client import use_app_client

    use_app_client()
    logging.getLogger("huggingface_hub.utils._http").warning("Retrying in 1s [Retry 1/5].")
    assert "Retry" not in capsys.readouterr().err
    assert "Retrying in 1s [Retry 1/5]." in app_paths().log_file.read_text()


def test_server_error_fails_fast(hub, capsys):
    """An HTTP 500 from the Hub's API is reported at once instead of after five retries."""
    hub.state.status = 500
    for argv in (["models", "search", "qwen"], ["models", "files", "a/b"]):
        started = time.monotonic()
        err = _one_line_error(capsys, main(argv))
        assert time.monotonic() - started < 5
        assert "HTTP 500" in err and "Retry" not in err
    assert len(hub.state.requests) == 2


def test_offline_message_names_the_switch(capsys, monkeypatch):
    """The environment variable or the setting that turned offline on is the one named."""
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setenv("AIGC_DESKTOP_OFFLINE", "1")
    err = _one_line_error(capsys, main(["models", "search", "qwen"]))
    assert "AIGC_DESKTOP_OFFLINE" in err and "Models → Settings" not in err
    monkeypatch.delenv("AIGC_DESKTOP_OFFLINE")
    SettingsStore(app_paths().ensure().settings_file).update(offline=True)
    err = _one_line_error(capsys, main(["models", "files", "a/b"]))
    assert "Models → Settings" in err and str(app_paths().settings_file) in err
