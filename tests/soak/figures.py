"""Where a soak test leaves its figures: one JSON object per line in $SOAK_FIGURES (when set), and stdout."""

from __future__ import annotations

import json
import os


def record(name: str, **values) -> None:
    print(f"{name}: {values}", flush=True)
    out = os.environ.get("SOAK_FIGURES")
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"name": name, **values}) + "\n")
