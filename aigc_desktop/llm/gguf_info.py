"""A model file's metadata without loading its weights.

``check_gguf_file`` is the cheap gate the engine runs before llama.cpp sees a
file, because with ``verbose=False`` llama.cpp only says "Failed to load model".
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.errors import ModelLoadError

GGUF_MAGIC = b"GGUF"
_MIN_SIZE = 24  # magic + version + tensor count + kv count


def check_gguf_file(path: Path, *, deep: bool = False) -> None:
    """Raise :class:`ModelLoadError` with the real reason a file is unusable.

    The default check is instant (signature, version, size). ``deep`` also parses
    the whole header with the ``gguf`` reader, which takes seconds on a large
    vocabulary; the engine skips it because llama.cpp reports truncation itself.
    """
    path = Path(path)
    if not path.exists():
        raise ModelLoadError(f"Model file not found: {path}")
    if path.is_dir():
        raise ModelLoadError(f"Model path is a folder, not a .gguf file: {path}")
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_MIN_SIZE)
    except OSError as exc:
        raise ModelLoadError(f"Cannot read model file {path.name}: {exc.strerror or exc}") from exc
    if size == 0:
        raise ModelLoadError(f"Model file {path.name} is empty.")
    if head[:4] != GGUF_MAGIC:
        raise ModelLoadError(
            f"{path.name} is not a GGUF model file (it does not start with the GGUF signature)."
        )
    if len(head) < _MIN_SIZE:
        raise ModelLoadError(f"{path.name} is truncated: only {size} bytes.")
    version = struct.unpack("<I", head[4:8])[0]
    if version not in (2, 3):
        raise ModelLoadError(f"{path.name} uses GGUF version {version}, which is not supported.")
    if not deep:
        return
    try:
        info = read_gguf_info(path)
    except ModelLoadError:
        raise
    except Exception as exc:  # the reader raises assorted errors on garbage
        raise ModelLoadError(f"{path.name} is damaged or truncated: its header cannot be read.") from exc
    if info.data_end is not None and size < info.data_end:
        raise ModelLoadError(
            f"{path.name} is truncated: {size:,} bytes on disk, {info.data_end:,} expected. "
            "Download it again."
        )


@dataclass(frozen=True)
class GGUFInfo:
    path: Path
    file_size: int
    architecture: str
    name: str
    context_length: int | None
    chat_template: str | None
    file_type: str | None  # quantization label, e.g. Q4_1
    parameter_count: int | None
    data_end: int | None  # byte offset where the last tensor ends


def read_gguf_info(path: Path) -> GGUFInfo:
    """Read metadata with the ``gguf`` package's reader (memory-mapped, no weights loaded)."""
    from gguf import GGUFReader
    from gguf.constants import LlamaFileType

    path = Path(path)
    reader = GGUFReader(str(path), "r")

    def field(key: str):
        f = reader.fields.get(key)
        if f is None:
            return None
        try:
            return f.contents()
        except Exception:
            return None

    arch = field("general.architecture") or "unknown"
    ftype = field("general.file_type")
    try:
        file_type = LlamaFileType(int(ftype)).name.removeprefix("MOSTLY_") if ftype is not None else None
    except ValueError:
        file_type = str(ftype)
    params = 0
    data_end = 0
    for tensor in reader.tensors:
        params += int(tensor.n_elements)
        data_end = max(data_end, int(tensor.data_offset) + int(tensor.n_bytes))
    ctx = field(f"{arch}.context_length")
    return GGUFInfo(
        path=path,
        file_size=path.stat().st_size,
        architecture=str(arch),
        name=str(field("general.name") or path.stem),
        context_length=int(ctx) if ctx is not None else None,
        chat_template=field("tokenizer.chat_template"),
        file_type=file_type,
        parameter_count=params or None,
        data_end=data_end or None,
    )
