"""Corrupted copies of a real GGUF header, for the model-file fuzz tests.

:func:`header_fields` walks the starter model's header once and records where each
field is (counts, string lengths, value types, array types and counts, tensor dims,
types and offsets). :func:`mutations` is a hypothesis strategy of edits to those
fields (flipped counts, huge string lengths, wrong types), truncations and stray
bytes; :func:`write_copy` writes the edited header followed by a hole up to the
original size (a sparse file: the tensor data is zeros and costs no disk), so a copy
passes the size checks and reaches the parsers.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from hypothesis import strategies as st

SCALAR_SIZES = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
STRING, ARRAY = 8, 9
INTERESTING = [0, 1, 2, 7, 255, 2**15, 2**31 - 1, 2**31, 2**32 - 1, 2**32, 2**40, 2**63 - 1, 2**63, 2**64 - 1]


@dataclass(frozen=True)
class Field:
    kind: str    # "count", "strlen", "vtype", "arrtype", "arrcount", "ndims", "dim", "ttype", "offset"
    offset: int
    width: int   # 4 or 8 bytes, little-endian


@dataclass(frozen=True)
class Header:
    raw: bytes         # the header, from the magic to the end of the tensor infos
    size: int          # the whole file's size
    fields: tuple[Field, ...]


@lru_cache(maxsize=2)
def header_fields(path: Path) -> Header:
    data = Path(path).read_bytes()
    pos = 8
    fields: list[Field] = []

    def u(width: int, kind: str | None) -> int:
        nonlocal pos
        if kind:
            fields.append(Field(kind, pos, width))
        value = int.from_bytes(data[pos:pos + width], "little")
        pos += width
        return value

    def string(kind: str | None = "strlen") -> None:
        nonlocal pos
        n = u(8, kind)
        pos += n

    n_tensors, n_kv = u(8, "count"), u(8, "count")
    for _i in range(n_kv):
        string()
        vtype = u(4, "vtype")
        if vtype == STRING:
            string()
        elif vtype == ARRAY:
            item = u(4, "arrtype")
            count = u(8, "arrcount")
            if item == STRING:
                for k in range(count):
                    string("strlen" if k < 8 else None)  # a few of a vocabulary's lengths are enough
            else:
                pos += count * SCALAR_SIZES[item]
        else:
            pos += SCALAR_SIZES[vtype]
    for _i in range(n_tensors):
        string()
        n_dims = u(4, "ndims")
        for _d in range(n_dims):
            u(8, "dim")
        u(4, "ttype")
        u(8, "offset")
    return Header(data[:pos], len(data), tuple(fields))


@st.composite
def mutations(draw, header: Header):
    """One corruption: ("field", Field, value), ("truncate", at), or ("bytes", at, new bytes)."""
    kind = draw(st.sampled_from(["field", "field", "field", "truncate", "bytes"]))
    if kind == "truncate":
        return ("truncate", draw(st.integers(0, len(header.raw) - 1)))
    if kind == "bytes":
        at = draw(st.integers(0, len(header.raw) - 1))
        return ("bytes", at, draw(st.binary(min_size=1, max_size=16)))
    kinds = sorted({f.kind for f in header.fields})  # a kind first: the 2 counts as likely as the 483 dims
    chosen = draw(st.sampled_from(kinds))
    f = draw(st.sampled_from([f for f in header.fields if f.kind == chosen]))
    limit = 2 ** (8 * f.width) - 1
    value = draw(st.one_of(st.sampled_from([v for v in INTERESTING if v <= limit]), st.integers(0, limit)))
    return ("field", f, value)


def corrupt(header: Header, mutation) -> tuple[bytes, int]:
    """The corrupted header and the file size to give the copy."""
    raw = bytearray(header.raw)
    if mutation[0] == "truncate":
        return bytes(raw[:mutation[1]]), mutation[1]
    if mutation[0] == "bytes":
        _kind, at, new = mutation
        raw[at:at + len(new)] = new
        return bytes(raw[:len(header.raw)]), header.size
    _kind, f, value = mutation
    raw[f.offset:f.offset + f.width] = value.to_bytes(f.width, "little")
    return bytes(raw), header.size


def write_copy(path: Path, header: Header, mutation) -> Path:
    head, size = corrupt(header, mutation)
    with open(path, "wb") as fh:
        fh.write(head)
        if size > len(head):
            fh.truncate(size)  # a hole, not written bytes
    return path


def describe(mutation) -> str:
    if mutation[0] == "field":
        return f"{mutation[1].kind} at {mutation[1].offset} = {mutation[2]}"
    return f"{mutation[0]} at {mutation[1]}"
