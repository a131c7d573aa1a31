"""The shared place's layout and file format.

::

    AIGC-Sync/<library>/                      (the transport's root)
        devices/<device>/ops-<from>-<to>.jsonl.gz      ops of outbox entries <from>..<to>
        devices/<device>/snapshot-<hlc>.jsonl.gz       every row and tombstone, for a new device
        devices/<device>/initial-<hlc>.jsonl.gz        what the device had before it first synced

A device writes only into its own folder, each file once under a new name (never modified).
A file is gzip'd JSON lines: a header, the ops, and an end line carrying the count, so a file
cut short (a copy still arriving through Dropbox, a kill) is recognised and skipped until it
is whole. With encryption on, the gzip bytes are sealed (sync/crypto.py) and the name stays.

Header: ``{"format": "aigc-sync", "v": 1, "kind": "ops"|"snapshot", "device", "name", "count",
"applied": {device: newest file of it applied with all before it}, "covers": {device: [files]}}``
(``covers``, in a snapshot only, lists the files whose ops it already holds).
"""

from __future__ import annotations

import gzip
import json
import re
import zlib

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _

FORMAT, VERSION = "aigc-sync", 1
DEVICES = "devices"
OPS = re.compile(r"^ops-(\d{12})-(\d{12})\.jsonl\.gz$")
SNAPSHOT = re.compile(r"^snapshot-(\d{20})\.jsonl\.gz$")
INITIAL = re.compile(r"^initial-(\d{20})\.jsonl\.gz$")


class BadFile(UserError):
    """A sync file that is incomplete (still arriving, cut short) or not ours; skipped and retried later."""


def ops_name(first: int, last: int) -> str:
    return f"ops-{first:012d}-{last:012d}.jsonl.gz"


def snapshot_name(hlc: int) -> str:
    return f"snapshot-{hlc:020d}.jsonl.gz"


def initial_name(hlc: int) -> str:
    return f"initial-{hlc:020d}.jsonl.gz"


def device_dir(device: str) -> str:
    return f"{DEVICES}/{device}"


def encode(header: dict, ops) -> bytes:
    lines = [json.dumps({"format": FORMAT, "v": VERSION, **header}, ensure_ascii=False, separators=(",", ":"))]
    n = 0
    for op in ops:
        lines.append(json.dumps(op, ensure_ascii=False, separators=(",", ":")))
        n += 1
    lines.append(json.dumps({"end": n}))
    return gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), compresslevel=6, mtime=0)


def decode(data: bytes) -> tuple[dict, list[dict]]:
    """(header, ops) of a whole file; :class:`BadFile` for a cut or foreign one."""
    try:
        raw = gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise BadFile(_("The sync file is incomplete or damaged ({reason}).").format(reason=exc)) from exc
    try:
        lines = [json.loads(line) for line in raw.decode("utf-8").splitlines() if line.strip()]
    except (UnicodeDecodeError, ValueError) as exc:
        raise BadFile(_("The sync file is incomplete or damaged ({reason}).").format(reason=exc)) from exc
    if len(lines) < 2 or not isinstance(lines[0], dict) or lines[0].get("format") != FORMAT:
        raise BadFile(_("The file is not an AIGC Desktop sync file."))
    if lines[0].get("v", 0) > VERSION:
        raise BadFile(_("The sync file was written by a newer version of AIGC Desktop. Update the app on this device."))
    ops, end = lines[1:-1], lines[-1]
    if not isinstance(end, dict) or end.get("end") != len(ops) or not all(isinstance(o, dict) for o in ops):
        raise BadFile(_("The sync file is incomplete (it ends early)."))
    return lines[0], ops
