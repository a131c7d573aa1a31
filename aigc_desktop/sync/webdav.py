"""Sync over WebDAV (坚果云 / Nutstore, Nextcloud, a NAS): the Transport protocol on five verbs.

A thin layer on httpx2, the HTTP client the app already ships, rather than a
WebDAV library: `webdav4` (the maintained one) is built on `httpx`, the
project httpx2 forked from, so it would add a second HTTP stack with its own
proxy, TLS and timeout behaviour to the bundle, for the five requests sync uses:
PROPFIND (Depth: 1, one folder at a time: many servers, 坚果云 among them,
refuse Depth: infinity), GET, PUT, MOVE and MKCOL.

Writing never leaves a half-written file under its final name: the bytes are
PUT to a temporary name beside it (``<name>.<random>.tmp``, a name the sync
engine skips), then MOVEd onto the final name with ``Overwrite: F``, so an
existing file is never replaced. A PUT or MOVE that fails deletes its
temporary file when the server can still be reached; a leftover from a cut
connection is skipped by readers and is harmless.

Paths are "/"-separated and relative to the address the person gave; each
segment is percent-encoded (Chinese folder names included), and the hrefs a
server sends back are decoded before they are compared. A server's XML is
untrusted: a document type declaration is refused before parsing (no entity
tricks), and only names and sizes are read from it. Every failure becomes a
:class:`WebDavError` in plain words (wrong user name or app password, folder
missing, storage full, no answer in time, connection cut).
"""

from __future__ import annotations

import logging
import re
import secrets as _random
import xml.etree.ElementTree as ET
from urllib.parse import quote, unquote, urlsplit, urlunsplit

import httpx2

from aigc_desktop.i18n import _
from aigc_desktop.providers.secrets import mask
from aigc_desktop.sync.transport import TMP_SUFFIX, AlreadyThere, Entry, TransportError

log = logging.getLogger(__name__)

DAV = "{DAV:}"
PROPFIND_BODY = (b'<?xml version="1.0" encoding="utf-8"?>'
                 b'<d:propfind xmlns:d="DAV:"><d:prop><d:resourcetype/><d:getcontentlength/></d:prop></d:propfind>')
MAX_LISTING_BYTES = 32 * 1024 * 1024  # one folder's PROPFIND answer; far above thousands of entries


class WebDavError(TransportError):
    """A WebDAV request failed; the text says what to do."""


class WebDavAuthError(WebDavError):
    """401: the user name or the (app) password is wrong."""


class WebDavFull(WebDavError):
    """507: the storage is full."""


class WebDavTransport:
    """The shared place on a WebDAV server; ``url`` is the folder that holds the sync files."""

    def __init__(self, url: str, user: str, password: str, *, timeout: float = 30.0,
                 transport: httpx2.BaseTransport | None = None) -> None:
        parts = urlsplit((url or "").strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise WebDavError(_("“{url}” is not a WebDAV address: it must start with https:// (or http://) and "
                                "name a server, e.g. https://dav.jianguoyun.com/dav/我的坚果云/.").format(url=url))
        mask(password)
        path = quote(unquote(parts.path or "/"), safe="/")
        self._base = urlunsplit((parts.scheme, parts.netloc, path.rstrip("/") + "/", "", ""))
        self._base_path = unquote(path.rstrip("/")) + "/"
        self._origin = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        self._base_segments = [seg for seg in self._base_path.split("/") if seg]
        self.url, self.user, self.timeout = self._base, user, float(timeout)
        self.host = parts.hostname
        self._known_dirs: set[str] = set()
        self._client = httpx2.Client(
            auth=httpx2.BasicAuth(user or "", password or ""), timeout=httpx2.Timeout(self.timeout),
            follow_redirects=False, headers={"User-Agent": "AIGC-Desktop-sync"}, transport=transport)

    # -- the Transport protocol ----------------------------------------------------------
    def describe(self) -> str:
        return _("WebDAV {url} (user {user})").format(url=unquote(self._base), user=self.user)

    def list(self, prefix: str) -> list[Entry]:
        """What is directly inside the folder ``prefix`` ("" is the root), one PROPFIND with Depth: 1;
        a subfolder's path ends with "/"; a missing folder is empty."""
        folder = _clean(prefix)
        found = [Entry(path=rel + "/" if is_dir else rel, size=0 if is_dir else size)
                 for rel, is_dir, size in self._listing(folder)
                 if rel != folder and rel.rpartition("/")[0] == folder]
        return sorted(found, key=lambda e: e.path)

    def read(self, path: str) -> bytes:
        path = _clean(path)
        response = self._send("GET", self._url(path), what=_("reading {path}").format(path=path))
        if response.status_code == 404:
            raise WebDavError(_("The file {path} is no longer on the WebDAV server.").format(path=path))
        self._check(response, path)
        return response.content

    def write(self, path: str, data: bytes) -> None:
        """PUT under a temporary name, then MOVE onto ``path`` without overwriting."""
        path = _clean(path)
        folder, _sep, name = path.rpartition("/")
        temp_name = f"{name}.{_random.token_hex(6)}{TMP_SUFFIX}"
        temp = f"{folder}/{temp_name}" if folder else temp_name
        what = _("uploading {path}").format(path=path)
        try:
            response = self._send("PUT", self._url(temp), content=bytes(data), what=what)
            if response.status_code in (404, 409):  # its folder is missing: make it and try once more
                self.ensure_dir(folder)
                response = self._send("PUT", self._url(temp), content=bytes(data), what=what)
            self._check(response, path)
            moved = self._send("MOVE", self._url(temp), what=what,
                               headers={"Destination": self._url(path), "Overwrite": "F"})
            if moved.status_code == 412:
                raise AlreadyThere(_("{path} already exists on the WebDAV server; it was left as it is.").format(
                    path=path))
            self._check(moved, path)
        except TransportError:
            self._forget(temp)
            raise

    def ensure_dir(self, path: str) -> None:
        """Make the folder ``path`` and any missing folders above it (the address's own folder included)."""
        path = _clean(path)
        if path in self._known_dirs:
            return
        full = self._base_segments + [seg for seg in path.split("/") if seg]
        keep = 1 if self._base_segments else 0  # the address's first folder (坚果云's /dav/) is never made
        depth = len(full)
        while depth > keep and not self._exists(full[:depth]):
            depth -= 1
        if depth == keep and keep and not self._exists(full[:keep]):
            raise WebDavError(_("The folder {url} does not exist on the WebDAV server. Check the address "
                                "(坚果云: https://dav.jianguoyun.com/dav/ followed by a folder of yours).").format(
                url=unquote(self._base)))
        for made in range(depth + 1, len(full) + 1):
            shown = "/".join(full[:made])
            response = self._send("MKCOL", self._folder_url(full[:made]),
                                  what=_("making the folder {path}").format(path=shown))
            if response.status_code in (404, 409):
                raise WebDavError(_("The WebDAV server cannot make the folder {path} because the folder above it "
                                    "is missing (HTTP {status}). Check the address.").format(
                    path=shown, status=response.status_code))
            if response.status_code != 405:  # 405: it exists (made meanwhile)
                self._check(response, shown)
        self._known_dirs.add(path)

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> "WebDavTransport":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- requests ------------------------------------------------------------------------
    def _url(self, path: str, collection: bool = False) -> str:
        encoded = "/".join(quote(segment, safe="") for segment in path.split("/") if segment)
        return self._base + encoded + ("/" if collection and encoded else "")

    def _folder_url(self, segments: list[str]) -> str:
        """A folder's address from the server's root (for the folders above and at the address)."""
        return self._origin + "/" + "".join(quote(seg, safe="") + "/" for seg in segments)

    def _exists(self, segments: list[str]) -> bool:
        response = self._send("PROPFIND", self._folder_url(segments), content=PROPFIND_BODY,
                              headers={"Depth": "0", "Content-Type": "application/xml; charset=utf-8"},
                              what=_("listing {path}").format(path="/".join(segments) or "/"))
        if response.status_code in (404, 409):
            return False
        self._check(response, "/".join(segments))
        return True

    def _send(self, method: str, url: str, *, what: str, content: bytes | None = None,
              headers: dict | None = None) -> httpx2.Response:
        try:
            return self._client.request(method, url, content=content, headers=headers)
        except httpx2.TimeoutException as exc:
            raise WebDavError(_("The WebDAV server {host} did not answer within {seconds:g} s while {what}. "
                                "Nothing was half-written; sync again later.").format(
                host=self.host, seconds=self.timeout, what=what)) from exc
        except httpx2.ConnectError as exc:
            raise WebDavError(_("Cannot connect to the WebDAV server {host} ({reason}). Check the address and "
                                "the network.").format(host=self.host, reason=exc)) from exc
        except httpx2.TransportError as exc:  # cut mid-request, TLS, protocol errors
            raise WebDavError(_("The connection to the WebDAV server {host} was cut while {what}. Nothing was "
                                "half-written; sync again.").format(host=self.host, what=what)) from exc

    def _check(self, response: httpx2.Response, path: str) -> None:
        status = response.status_code
        if 200 <= status < 300:
            return
        log.info("WebDAV %s %s: HTTP %s", response.request.method, response.request.url, status)
        if status == 401:
            raise WebDavAuthError(_("The WebDAV user name or app password is wrong (HTTP 401). 坚果云 needs an "
                                    "app password (Account info → Security → Third-party apps), not the login "
                                    "password."))
        if status == 403:
            raise WebDavError(_("The WebDAV server does not allow this in {path} (HTTP 403). Check that the address "
                                "points into a folder you may write to.").format(path=path or unquote(self._base)))
        if status == 507:
            raise WebDavFull(_("The WebDAV storage is full (HTTP 507). Free some space or raise the quota, then "
                               "sync again."))
        if status in (301, 302, 303, 307, 308):
            raise WebDavError(_("The WebDAV address moved to {location}. Use that address instead.").format(
                location=response.headers.get("location", "?")))
        if status in (429, 503):
            raise WebDavError(_("The WebDAV server is busy or limits how often it may be asked (HTTP {status}). "
                                "Sync again in a few minutes.").format(status=status))
        if status == 423:
            raise WebDavError(_("{path} is locked on the WebDAV server (HTTP 423).").format(path=path))
        raise WebDavError(_("The WebDAV server answered HTTP {status} for {path}.").format(
            status=status, path=path or unquote(self._base)))

    def _listing(self, folder: str) -> list[tuple[str, bool, int]]:
        """(relative path, is a folder, size) for ``folder`` and what is directly in it; [] when it is missing."""
        response = self._send("PROPFIND", self._url(folder, collection=True), content=PROPFIND_BODY,
                              headers={"Depth": "1", "Content-Type": "application/xml; charset=utf-8"},
                              what=_("listing {path}").format(path=folder or "/"))
        if response.status_code == 404:
            return []
        self._check(response, folder)
        if response.status_code != 207:
            raise WebDavError(_("The server at {url} does not speak WebDAV (it answered HTTP {status} to a "
                                "folder listing). Check the address.").format(url=unquote(self._base),
                                                                             status=response.status_code))
        return self._parse(response.content)

    def _parse(self, body: bytes) -> list[tuple[str, bool, int]]:
        if len(body) > MAX_LISTING_BYTES or re.search(rb"<!(DOCTYPE|ENTITY)", body, re.IGNORECASE):
            raise WebDavError(_("The WebDAV server sent a folder listing this app does not accept."))
        try:
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            raise WebDavError(_("The WebDAV server sent a folder listing that is not valid XML ({reason}).").format(
                reason=exc)) from exc
        out = []
        for item in root.iter(f"{DAV}response"):
            href = item.findtext(f"{DAV}href") or ""
            rel = self._relative(href)
            if rel is None:
                continue
            is_dir = item.find(f".//{DAV}resourcetype/{DAV}collection") is not None
            length = (item.findtext(f".//{DAV}getcontentlength") or "0").strip()
            out.append((rel, is_dir, int(length) if length.isdigit() else 0))
        return out

    def _relative(self, href: str) -> str | None:
        """A server's href (absolute URL or path, encoded or not) as a path under the address; None if outside."""
        path = unquote(urlsplit(href.strip()).path)
        if not path.endswith("/") and path + "/" == self._base_path:
            return ""
        if not path.startswith(self._base_path):
            return None
        try:
            return _clean(path[len(self._base_path):])
        except WebDavError:  # a ".." from the server: not ours to follow
            return None

    def _forget(self, temp: str) -> None:
        """Best effort: delete a temporary upload after a failure (a cut connection may leave it; readers skip it)."""
        try:
            self._client.request("DELETE", self._url(temp), timeout=min(self.timeout, 10.0))
        except httpx2.HTTPError as exc:
            log.info("could not delete the temporary upload %s: %s", temp, exc)


def _clean(path: str) -> str:
    """"/"-separated relative path without empty, "." or ".." segments (a server's name cannot climb out)."""
    parts = [p for p in (path or "").replace("\\", "/").split("/") if p not in ("", ".")]
    if ".." in parts:
        raise WebDavError(_("The sync path {path} is not allowed.").format(path=path))
    return "/".join(parts)
