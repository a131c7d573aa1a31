"""Which embedding model a knowledge base uses: a GGUF path, a catalog embedding model
(bge-small-zh-v1.5, bge-m3 …) or an installed model's name. Nothing downloads here: a catalog
model not installed yet is refused with the `models download` command that installs it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _


@dataclass(frozen=True)
class EmbeddingChoice:
    stored: str  # what the base keeps (a catalog or installed file name, or an absolute path)
    path: Path
    pooling: str | None  # the catalog's, else None (the file's own, or mean)


def _catalog_entry(name: str):
    from aigc_desktop.hub.catalog import embedding_models

    key = name.lower().removesuffix(".gguf")
    for entry in embedding_models():
        stem = entry.file.lower().removesuffix(".gguf")
        names = {entry.name.lower(), stem, entry.repo.lower(), entry.repo.split("/")[-1].lower(),
                 entry.repo.split("/")[-1].lower().removesuffix("-gguf")}
        if key in names or stem.startswith(key + "-"):
            return entry
    return None


def resolve_embedding_model(name_or_path: str) -> EmbeddingChoice:
    from aigc_desktop.hub.library import resolve_model

    given = name_or_path.strip()
    if not given:
        raise UserError(_("Name an embedding model (a .gguf path or a catalog name such as bge-small-zh-v1.5)."))
    entry = _catalog_entry(given)
    if entry is not None:
        path = resolve_model(entry.file)
        if not path.exists():
            raise UserError(_("The embedding model {name} is not installed. Download it with: "
                              "python -m aigc_desktop models download {repo} {file}").format(
                name=entry.name, repo=entry.repo, file=entry.file))
        return EmbeddingChoice(entry.file, path, entry.pooling or None)
    candidate = Path(given).expanduser()
    if candidate.is_file():
        return EmbeddingChoice(str(candidate.resolve()), candidate.resolve(), None)
    path = resolve_model(given)
    if path.exists():
        return EmbeddingChoice(path.name, path, None)  # found again by name on any device
    raise UserError(_("No embedding model “{name}”: give a .gguf path, an installed model's name, or a catalog "
                      "embedding model (`python -m aigc_desktop models catalog` lists them).").format(name=given))
