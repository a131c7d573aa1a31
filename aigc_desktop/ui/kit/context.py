"""The runtime, given to the window's parts once it opens.

The window is built and shown before SQLAlchemy and llama.cpp are imported, so a part
is built before the runtime exists: it gets this holder with its other collaborators,
and reads ``ctx.rt`` when it acts. It is a holder of one thing, not a way to reach the
window or other parts (those are given to a part by name when it is built).
"""

from __future__ import annotations


class RuntimeRef:
    def __init__(self, rt=None) -> None:
        self.rt = rt
