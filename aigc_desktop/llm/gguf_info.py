"""A model file's metadata without loading its weights.

``check_gguf_file`` is the cheap gate the engine runs before llama.cpp sees a
file, because with ``verbose=False`` llama.cpp only says "Failed to load model".
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.errors import ModelLoadError
from aigc_desktop.i18n import _

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
        raise ModelLoadError(_("Model file not found: {path}").format(path=path))
    if path.is_dir():
        raise ModelLoadError(_("Model path is a folder, not a .gguf file: {path}").format(path=path))
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(_MIN_SIZE)
    except OSError as exc:
        raise ModelLoadError(_("Cannot read model file {name}: {reason}").format(name=path.name, reason=exc.strerror or exc)) from exc
    if size == 0:
        raise ModelLoadError(_("Model file {name} is empty.").format(name=path.name))
    if head[:4] != GGUF_MAGIC:
        raise ModelLoadError(
            _("{name} is not a GGUF model file (it does not start with the GGUF signature).").format(name=path.name)
        )
    if len(head) < _MIN_SIZE:
        raise ModelLoadError(_("{name} is truncated: only {size} bytes.").format(name=path.name, size=size))
    version = struct.unpack("<I", head[4:8])[0]
    if version not in (2, 3):
        raise ModelLoadError(_("{name} uses GGUF version {version}, which is not supported.").format(name=path.name, version=version))
    if not deep:
        return
    try:
        info = read_gguf_info(path)
    except ModelLoadError:
        raise
    except Exception as exc:  # the reader raises assorted errors on garbage
        raise ModelLoadError(_("{name} is damaged or truncated: its header cannot be read.").format(name=path.name)) from exc
    if info.data_end is not None and size < info.data_end:
        raise ModelLoadError(
            _("{name} is truncated: {size:,} bytes on disk, {expected:,} expected. Download it again.").format(
                name=path.name, size=size, expected=info.data_end)
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

    @property
    def parameters_label(self) -> str:
        """135M, 1.5B, …"""
        n = self.parameter_count or 0
        if n >= 1e9:
            return f"{n / 1e9:.1f}B"
        if n >= 1e6:
            return f"{n / 1e6:.0f}M"
        return str(n) if n else "?"


class _Reader:
    """Sequential little-endian reads from a file (GGUF is little-endian)."""

    def __init__(self, fh) -> None:
        self.fh = fh

    def take(self, fmt: str):
        size = struct.calcsize(fmt)
        raw = self.fh.read(size)
        if len(raw) != size:
            raise ModelLoadError(_("The GGUF header ends early (truncated file)."))
        return struct.unpack("<" + fmt, raw)[0]

    def string(self, keep: bool = True) -> str | None:
        n = self.take("Q")
        if n > 1 << 30:
            raise ModelLoadError(_("The GGUF header is damaged (impossible string length)."))
        if not keep:
            self.fh.seek(n, 1)
            return None
        raw = self.fh.read(n)
        if len(raw) != n:
            raise ModelLoadError(_("The GGUF header ends early (truncated file)."))
        return raw.decode("utf-8", errors="replace")


def read_gguf_info(path: Path) -> GGUFInfo:
    """Read the metadata a model list needs, in milliseconds.

    ``gguf.GGUFReader`` builds Python objects for every element of every
    array (a 49k-token vocabulary takes seconds); we walk the same layout with
    the ``gguf`` package's type tables but seek past array contents.
    """
    from gguf.constants import GGML_QUANT_SIZES, GGMLQuantizationType, GGUFValueType, LlamaFileType

    scalar = {
        GGUFValueType.UINT8: "B", GGUFValueType.INT8: "b", GGUFValueType.UINT16: "H",
        GGUFValueType.INT16: "h", GGUFValueType.UINT32: "I", GGUFValueType.INT32: "i",
        GGUFValueType.FLOAT32: "f", GGUFValueType.BOOL: "?", GGUFValueType.UINT64: "Q",
        GGUFValueType.INT64: "q", GGUFValueType.FLOAT64: "d",
    }
    wanted_strings = {"general.architecture", "general.name", "tokenizer.chat_template"}
    path = Path(path)
    size = path.stat().st_size
    kv: dict = {}
    with path.open("rb") as fh:
        r = _Reader(fh)
        if fh.read(4) != GGUF_MAGIC:
            raise ModelLoadError(_("{name} is not a GGUF model file.").format(name=path.name))
        r.take("I")  # the version: not needed here
        n_tensors = r.take("Q")
        n_kv = r.take("Q")
        if n_tensors > 1_000_000 or n_kv > 1_000_000:
            raise ModelLoadError(_("{name}: the GGUF header is damaged.").format(name=path.name))

        def skip_value(vtype: int) -> None:
            vt = GGUFValueType(vtype)
            if vt == GGUFValueType.STRING:
                r.string(keep=False)
            elif vt == GGUFValueType.ARRAY:
                item_type = GGUFValueType(r.take("I"))
                count = r.take("Q")
                if item_type in scalar:
                    fh.seek(count * struct.calcsize(scalar[item_type]), 1)
                else:
                    for _i in range(count):
                        skip_value(item_type)
            else:
                fh.seek(struct.calcsize(scalar[vt]), 1)

        for _i in range(n_kv):
            key = r.string()
            vtype = r.take("I")
            try:
                vt = GGUFValueType(vtype)
            except ValueError as exc:
                raise ModelLoadError(_("{name}: unknown GGUF value type {vtype}.").format(name=path.name, vtype=vtype)) from exc
            if vt in scalar:
                kv[key] = r.take(scalar[vt])
            elif vt == GGUFValueType.STRING:
                kv[key] = r.string(keep=key in wanted_strings or key.endswith(".name"))
            else:
                skip_value(vtype)
        params = 0
        max_end = 0
        for _i in range(n_tensors):
            r.string(keep=False)
            n_dims = r.take("I")
            dims = [r.take("Q") for _i in range(n_dims)]
            ttype = r.take("I")
            offset = r.take("Q")
            count = 1
            for d in dims:
                count *= d
            params += count
            try:
                block, type_size = GGML_QUANT_SIZES[GGMLQuantizationType(ttype)]
                max_end = max(max_end, offset + count // block * type_size)
            except (ValueError, KeyError):
                pass
        alignment = int(kv.get("general.alignment", 32) or 32)
        data_start = -(-fh.tell() // alignment) * alignment
    arch = kv.get("general.architecture") or "unknown"
    ftype = kv.get("general.file_type")
    try:
        file_type = LlamaFileType(int(ftype)).name.removeprefix("MOSTLY_") if ftype is not None else None
    except ValueError:
        file_type = str(ftype)
    ctx = kv.get(f"{arch}.context_length")
    return GGUFInfo(
        path=path,
        file_size=size,
        architecture=str(arch),
        name=str(kv.get("general.name") or path.stem),
        context_length=int(ctx) if ctx is not None else None,
        chat_template=kv.get("tokenizer.chat_template"),
        file_type=file_type,
        parameter_count=params or None,
        data_end=data_start + max_end if max_end else None,
    )
