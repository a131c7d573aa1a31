"""The names of split GGUF sets: ``<name>-00001-of-0000N.gguf`` and its siblings.

llama.cpp finds a set's other parts by name beside part 1 (``llama_split_prefix``),
so a part is recognised by its name alone. These functions are only string and path
logic; they live in ``llm/`` because the engine names a loaded model with them, and
``hub/`` (downloads, the models folder) builds on them, never the other way round.
"""

from __future__ import annotations

import re
from pathlib import Path

from aigc_desktop.i18n import N_, _

SPLIT = re.compile(r"^(?P<base>.+)-(?P<no>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)

PARTS_LABEL = N_("{name} ({count} parts)")  # shown through _() in parts_label


def split_of(name: str | Path) -> tuple[str, int, int] | None:
    """(base, part number, part count) when the file name is a part of a split set, else None."""
    m = SPLIT.match(Path(name).name)
    if not m:
        return None
    no, count = int(m["no"]), int(m["count"])
    if count < 2 or not 1 <= no <= count:  # "-00001-of-00001" is just a file
        return None
    return m["base"], no, count


def part_name(base: str, no: int, count: int) -> str:
    return f"{base}-{no:05d}-of-{count:05d}.gguf"


def set_filename(filename: str) -> str:
    """``dir/x-00001-of-00002.gguf`` → ``dir/x.gguf``; any other name is returned as it is."""
    split = split_of(filename)
    if split is None:
        return filename
    parent = Path(filename).parent
    return str(parent / f"{split[0]}.gguf") if parent != Path(".") else f"{split[0]}.gguf"


def model_name(path: str | Path) -> str:
    """The name a person sees for a model file: a set's part is named for the whole set."""
    return Path(set_filename(Path(path).name)).stem


def parts_label(filename: str, parts: int) -> str:
    """A set as a person reads it in a list ("x.gguf (3 parts)"); a single file as it is."""
    return _(PARTS_LABEL).format(name=filename, count=parts) if parts > 1 else filename
