"""Text of a PDF as a reader's copy gives it, for tests: pdftotext where installed, else
a decoder over pypdf's objects.

pypdf's own ``extract_text`` reads fpdf2's CID-keyed CFF fonts (the Noto CJK faces) as
one-byte codes and puts NULs between the characters; the PDF is right (pdftotext and
viewers read it exactly), so without pdftotext the two-byte codes of each shown string
are mapped through the font's ToUnicode CMap here, as a viewer's copy does.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

from pypdf import PdfReader
from pypdf.generic import ContentStream


def pdftotext(path: Path) -> str | None:
    exe = shutil.which("pdftotext")
    if not exe:
        return None
    return subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True).stdout.decode("utf-8")


def _cmap(font) -> dict[int, str]:
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    table: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            table[int(src, 16)] = bytes.fromhex(dst).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", block):
            for k, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                table[code] = chr(int(dst, 16) + k)
    return table


def decoded_text(path: Path) -> str:
    """Every shown string of every page, decoded through ToUnicode; strings drawn on the
    same baseline (fpdf2 starts each with an absolute ``Td``) join into one line."""
    reader = PdfReader(str(path))
    lines: list[str] = []
    for page in reader.pages:
        fonts = {name: _cmap(ref.get_object()) for name, ref in page["/Resources"]["/Font"].items()}
        current: dict[int, str] = {}
        y = last_y = None
        for operands, op in ContentStream(page.get_contents(), reader).operations:
            if op == b"Td":
                y = round(float(operands[1]), 2)
            elif op == b"Tf":
                current = fonts.get(operands[0], {})
            elif op in (b"Tj", b"TJ"):
                items = operands[0] if op == b"TJ" else [operands[0]]
                chunk = ""
                for item in items:
                    if isinstance(item, (bytes, str)) or hasattr(item, "original_bytes"):
                        raw = item.original_bytes if hasattr(item, "original_bytes") else bytes(item)
                        chunk += "".join(current.get(int.from_bytes(raw[i:i + 2], "big"), "\ufffd")
                                         for i in range(0, len(raw) - 1, 2))
                if lines and y == last_y:
                    lines[-1] += chunk
                else:
                    lines.append(chunk)
                last_y = y
    return "\n".join(lines)


def text_of(path: Path) -> str:
    return pdftotext(path) or decoded_text(path)
