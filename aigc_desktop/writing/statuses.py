"""The few numbers and names of the writing studio that the window needs before the
database layer is imported (``ui/writing`` reads them while the window is built)."""

from __future__ import annotations

DEFAULT_SECTIONS = 5
#: Sections that "draft all" writes: the ones with no finished text (a stopped run's
#: partial text stays as an older version).
TO_DRAFT = ("empty", "stopped", "interrupted", "error")
