"""A file (or a split set of files) on the Hub: the record every part of ``hub/`` passes around.

It is a leaf of ``hub/`` on purpose (it needs only ``llm/split_names``): the catalog
lists ``RemoteFile``s, ``splits`` downloads sets of them and ``download`` fetches one,
and each of those imports the record from here rather than from one another, so
``hub/`` has no import circle. Grouping a listing's parts into sets is plain logic on
these records, so it lives here too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.llm.split_names import parts_label, set_filename, split_of

_QUANT = re.compile(r"(?i)(?:^|[-_.])((?:IQ|Q)\d(?:_[A-Z0-9]+)*|F16|BF16|F32)(?=[-_.]|$)")


def quant_label(filename: str) -> str:
    """Q4_K_M, IQ3_XS, F16… from a GGUF file name; '' when it says none."""
    stem = Path(filename).name.removesuffix(".gguf")
    found = _QUANT.findall(stem)
    return found[-1].upper() if found else ""


@dataclass(frozen=True)
class RemoteFile:
    repo: str
    filename: str
    size: int  # a set: the sum of its parts
    sha256: str | None  # a set: None (each part has its own)
    parts: tuple[RemoteFile, ...] = ()  # a split set's files, in order; () for a single file

    @property
    def quant(self) -> str:
        return quant_label(self.filename)

    @property
    def files(self) -> tuple[RemoteFile, ...]:
        """What to fetch: the parts of a set, or the file itself."""
        return self.parts or (self,)

    @property
    def label(self) -> str:
        """The file name as a person reads it: a set says how many parts it has."""
        return parts_label(self.filename, len(self.parts))


def group_remote(files: list[RemoteFile]) -> list[RemoteFile]:
    """The same listing with each split set's parts gathered into one entry."""
    out: list[RemoteFile] = []
    sets: dict[tuple[str, str, str, int], list[RemoteFile]] = {}
    for f in files:
        split = split_of(f.filename)
        if split is None:
            out.append(f)
        else:
            sets.setdefault((f.repo, str(Path(f.filename).parent), split[0], split[2]), []).append(f)
    for parts in sets.values():
        parts.sort(key=lambda f: split_of(f.filename)[1])
        out.append(RemoteFile(parts[0].repo, set_filename(parts[0].filename), sum(p.size for p in parts),
                              None, tuple(parts)))
    return out


def find_remote(files: list[RemoteFile], name: str) -> RemoteFile | None:
    """The entry a person means by ``name``: a file, a set's name (``.gguf`` optional) or any of its parts."""
    for f in files:
        names = {f.filename, Path(f.filename).name}
        if f.parts:
            names.add(Path(f.filename).stem)
            for p in f.parts:
                names |= {p.filename, Path(p.filename).name}
        if name in names:
            return f
    return None
