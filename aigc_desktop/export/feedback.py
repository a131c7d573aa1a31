"""Writing the person's ratings out as training data (the shapes are described in ``store/feedback.py``).

The store only reads the ratings from the database; writing files, atomically like
every other export, belongs here.
"""

from __future__ import annotations

import json
from pathlib import Path

from aigc_desktop.export.files import write_text_atomic
from aigc_desktop.store.conversations import ConversationStore
from aigc_desktop.store.feedback import collect


def ratings_path(path: Path) -> Path:
    """Where the ratings go beside the pairs file: ``x.jsonl`` → ``x.ratings.jsonl``."""
    path = Path(path)
    return path.with_name(f"{path.stem}.ratings{path.suffix or '.jsonl'}")


def _jsonl(rows) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def export_feedback(store: ConversationStore, path: Path) -> tuple[int, int, Path]:
    """Write the pairs to ``path`` and the ratings beside it; returns (pairs, ratings, ratings file)."""
    pairs, ratings = collect(store)
    write_text_atomic(Path(path), _jsonl(pairs))
    other = ratings_path(path)
    write_text_atomic(other, _jsonl(ratings))
    return len(pairs), len(ratings), other
