"""The few numbers and names of the writing studio that the window needs before the
database layer is imported (``ui/writing`` reads them while the window is built)."""

from __future__ import annotations

DEFAULT_SECTIONS = 5


def to_draft(sections, *, redo: bool = False) -> list:
    """The sections "draft all" writes: those with no finished version (one stopped, failed or
    never written), or with ``redo`` every section. A finished section is left alone even
    when the person chose a stopped version of it."""
    return [s for s in sections if redo or not s.finished]
