"""The WebDAV transport against a real wsgidav server on loopback: listing, atomic writes, Chinese paths,
and the failures a person meets (wrong app password, 500 and 507 on PUT, a connection cut mid-upload,
no answer, nothing listening), each a plain-words error with nothing half-written left under a final name."""

from __future__ import annotations

import socket
import threading

import httpx2
import pytest

from aigc_desktop.sync.transport import AlreadyThere, Entry, TransportError
from aigc_desktop.sync.webdav import WebDavAuthError, WebDavError, WebDavFull, WebDavTransport
from tests.sync.dav_server import PASSWORD, USER, CuttingProxy, DavServer

BODY = "第一条消息\n".encode() * 20_000  # ~320 KB: big enough to be cut in the middle


@pytest.fixture
def dav(tmp_path):
    root = tmp_path / "server"
    (root / "我的坚果云").mkdir(parents=True)
    server = DavServer(root)
    yield server, root
    server.stop()


def transport(server, path="我的坚果云/AIGC-Sync/默认/", **kw) -> WebDavTransport:
    return WebDavTransport(server.url(path, kw.pop("port", None)), USER, kw.pop("password", PASSWORD),
                           timeout=kw.pop("timeout", 10), **kw)


def final_files(root) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_write_list_read_under_chinese_folders(dav):
    server, root = dav
    t = transport(server)
    t.ensure_dir("devices/笔记本")
    t.write("devices/笔记本/ops-1-2.jsonl.gz", b"abc")
    t.write("devices/笔记本/ops-3-4.jsonl.gz", BODY)
    assert (root / "我的坚果云" / "AIGC-Sync" / "默认" / "devices" / "笔记本" / "ops-1-2.jsonl.gz").read_bytes() == b"abc"
    assert t.list("") == [Entry("devices/", 0)]
    assert t.list("devices") == [Entry("devices/笔记本/", 0)]
    assert t.list("devices/笔记本/") == [Entry("devices/笔记本/ops-1-2.jsonl.gz", 3),
                                        Entry("devices/笔记本/ops-3-4.jsonl.gz", len(BODY))]
    assert t.read("devices/笔记本/ops-3-4.jsonl.gz") == BODY
    assert t.list("devices/台式机") == []  # a folder not made yet is empty
    assert "我的坚果云" in t.describe() and PASSWORD not in t.describe()


def test_a_file_is_never_overwritten(dav):
    server, root = dav
    t = transport(server)
    t.write("a.bin", b"first")
    with pytest.raises(AlreadyThere):
        t.write("a.bin", b"second")
    assert t.read("a.bin") == b"first"
    assert [e.path for e in t.list("")] == ["a.bin"]  # the temporary upload was removed


def test_write_makes_a_missing_folder(dav):
    server, _root = dav
    t = transport(server)
    t.write("devices/d1/snap.gz", b"x")  # PUT answers 409 (no folder): made, then written
    assert t.read("devices/d1/snap.gz") == b"x"


def test_a_wrong_app_password_says_so_in_words(dav):
    server, _root = dav
    with pytest.raises(WebDavAuthError, match="app password") as caught:
        transport(server, password="login-password").list("")
    assert "login-password" not in str(caught.value)


def test_a_500_on_put_leaves_nothing_and_the_next_write_completes(dav):
    server, root = dav
    t = transport(server)
    t.ensure_dir("devices/d1")
    before = final_files(root)
    server.fail_next_put(500)
    with pytest.raises(WebDavError, match="HTTP 500"):
        t.write("devices/d1/ops-1-1.jsonl.gz", BODY)
    assert final_files(root) == before
    t.write("devices/d1/ops-1-1.jsonl.gz", BODY)
    assert t.read("devices/d1/ops-1-1.jsonl.gz") == BODY


def test_full_storage_is_said_plainly(dav):
    server, _root = dav
    t = transport(server)
    t.ensure_dir("")
    server.fail_next_put(507)
    with pytest.raises(WebDavFull, match="full"):
        t.write("ops.gz", b"x")


def test_a_connection_cut_mid_upload_leaves_no_final_file_and_the_next_write_completes(dav):
    server, root = dav
    proxy = CuttingProxy(server.port)
    try:
        t = transport(server, port=proxy.port)
        t.ensure_dir("devices/d1")
        proxy.cut_next_put(after=100_000)
        with pytest.raises(WebDavError, match="cut|answer"):
            t.write("devices/d1/ops-1-5.jsonl.gz", BODY)
        assert proxy.cuts == 1
        finals = [e.path for e in t.list("devices/d1") if not e.path.endswith(".tmp")]
        assert finals == []  # at most a .tmp leftover, which readers skip
        t.write("devices/d1/ops-1-5.jsonl.gz", BODY)
        assert t.read("devices/d1/ops-1-5.jsonl.gz") == BODY
        assert (root / "我的坚果云/AIGC-Sync/默认/devices/d1/ops-1-5.jsonl.gz").read_bytes() == BODY
    finally:
        proxy.stop()


def test_a_missing_base_folder_is_made_only_below_the_address(dav):
    server, root = dav
    t = transport(server, path="我的坚果云/新文件夹/AIGC-Sync/lib/")
    t.ensure_dir("devices")
    assert (root / "我的坚果云" / "新文件夹" / "AIGC-Sync" / "lib" / "devices").is_dir()


def test_no_answer_in_time_is_a_plain_error():
    silent = socket.create_server(("127.0.0.1", 0))
    accepted = []
    stop = threading.Event()

    def accept():
        silent.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(silent.accept()[0])  # accepts, never answers
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        t = WebDavTransport(f"http://127.0.0.1:{silent.getsockname()[1]}/dav/", USER, PASSWORD, timeout=0.5)
        with pytest.raises(WebDavError, match="did not answer within 0.5 s"):
            t.list("")
    finally:
        stop.set()
        thread.join(timeout=5)
        for s in accepted:
            s.close()
        silent.close()


def test_nothing_listening_is_a_plain_error():
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    with pytest.raises(TransportError, match="Cannot connect to the WebDAV server 127.0.0.1"):
        WebDavTransport(f"http://127.0.0.1:{port}/dav/", USER, PASSWORD, timeout=5).list("")


@pytest.mark.parametrize("url", ["", "dav.jianguoyun.com/dav/", "ftp://example.com/", "https:///dav"])
def test_an_address_that_is_not_webdav_is_refused(url):
    with pytest.raises(WebDavError, match="not a WebDAV address"):
        WebDavTransport(url, USER, PASSWORD)


def test_a_hostile_listing_is_refused():
    """A server's XML is untrusted: entity declarations are refused, a ".." href is not followed."""
    bodies = {
        "entities": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><d:multistatus xmlns:d="DAV:"/>',
        "climbing": (b'<d:multistatus xmlns:d="DAV:"><d:response><d:href>/dav/lib/../../etc/passwd</d:href>'
                     b'<d:propstat><d:prop><d:getcontentlength>4</d:getcontentlength></d:prop></d:propstat>'
                     b'</d:response></d:multistatus>'),
    }

    def answer(kind):
        return httpx2.MockTransport(lambda request: httpx2.Response(207, content=bodies[kind]))

    with pytest.raises(WebDavError, match="does not accept"):
        WebDavTransport("http://dav.test/dav/lib/", USER, PASSWORD, transport=answer("entities")).list("")
    assert WebDavTransport("http://dav.test/dav/lib/", USER, PASSWORD, transport=answer("climbing")).list("") == []
