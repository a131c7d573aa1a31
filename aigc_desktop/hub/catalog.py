"""The curated starter list (resources/catalog.json) and Hub search for GGUF repositories.

A model too big for one file on the Hub is a split set (``<name>-00001-of-00002.gguf``
and its siblings). A listing shows such a set as one :class:`RemoteFile` whose
``parts`` are its files, so a person picks, sizes and downloads the whole model.

Every catalog entry names the page it was checked against (``source``) and a fit
``tier``: "8GB", "16GB" or "32GB+". The tier rule (:func:`tier_for`): what the engine
needs to load it with the default 4k context (``llm/memory.memory_needed``, the same
rule as its load check) must fit in the memory a machine of that class typically has
free, about 6 GiB on an 8 GB machine and 12 GiB on a 16 GB one; anything bigger is
"32GB+" (24 GiB free on 32 GB, more on bigger machines). The tier is a label for
grouping; whether a model fits *this* machine is ``hub.fit.estimate``.

What a model is for (``kind``): "chat" (the default when an entry does not say) or
"embedding" (a text embedder for the knowledge base; such an entry also names its vector
``dimension`` and its ``pooling``: "cls", "mean" or "last"). :func:`load_catalog` gives the
chat models unless asked for another kind (or ``kind=None``, everything), because every
place that offers a catalog model today offers one to chat with; :func:`chat_models` and
:func:`embedding_models` say which they mean.

Whether a model thinks before it answers (``reasoning``), written in the file as JSON
``true`` (a reasoning model: R1 distills, QwQ), ``false`` (answers at once) or the string
``"hybrid"`` (thinking can be switched on or off: Qwen3, SmolLM3). In Python the entry
holds the same values, ``True``, ``False`` or ``"hybrid"`` (:data:`HYBRID`), or ``None``
when an older file does not say. The recommender (``hub/recommend.py``) reads it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from aigc_desktop.errors import UserError
from aigc_desktop.hub.endpoint import HubConfig, hub_config
from aigc_desktop.hub.remote import RemoteFile, group_remote, quant_label
from aigc_desktop.i18n import _
from aigc_desktop.llm.memory import memory_needed
from aigc_desktop.llm.split_names import parts_label, set_filename, split_of

CATALOG_FILE = Path(__file__).resolve().parents[2] / "resources" / "catalog.json"
TIER_FREE_MEMORY = {"8GB": 6 * 2**30, "16GB": 12 * 2**30}  # typical free memory; larger: "32GB+"
TIERS = ("8GB", "16GB", "32GB+")
CHAT, EMBEDDING = "chat", "embedding"
KINDS = (CHAT, EMBEDDING)
HYBRID = "hybrid"
POOLINGS = ("cls", "mean", "last")


@dataclass(frozen=True)
class CatalogEntry:
    name: str
    repo: str
    file: str
    size: int
    license: str
    languages: tuple[str, ...]
    notes: str
    parts: int = 1  # a split set: ``file`` is its first part, ``size`` the set's total
    source: tuple[str, ...] = ()  # the page(s) the repo, file, size and licence were checked on
    tier: str = ""  # "8GB" / "16GB" / "32GB+" (see tier_for)
    size_shown: str = ""  # the size as the source page shows it ("4.68 GB"); ``size`` is that in bytes
    notes_zh: str = ""  # the notes written in Chinese (catalog data, so not in the gettext catalog)
    reasoning: bool | str | None = None  # True / False / "hybrid"; None: the file does not say
    kind: str = CHAT  # "chat" or "embedding"
    dimension: int | None = None  # an embedding model's vector length
    pooling: str = ""  # an embedding model's pooling: "cls", "mean" or "last"

    @property
    def thinks_first(self) -> bool:
        """A reasoning model: it always writes a chain of thought before the answer."""
        return self.reasoning is True

    @property
    def can_think(self) -> bool:
        """It thinks always (a reasoning model) or when asked (a hybrid one)."""
        return self.reasoning is True or self.reasoning == HYBRID

    @property
    def shown_notes(self) -> str:
        """The notes in the interface's language: Chinese under zh_CN when the catalog has them."""
        from aigc_desktop.i18n import current_language

        return self.notes_zh if current_language() == "zh_CN" and self.notes_zh else self.notes

    @property
    def quant(self) -> str:
        return quant_label(self.file)

    @property
    def label(self) -> str:
        """The file as a person reads it: a split set by its name and number of parts."""
        return parts_label(set_filename(self.file), self.parts)


@dataclass(frozen=True)
class RepoHit:
    repo: str
    downloads: int
    likes: int


def tier_for(size: int) -> str:
    """The smallest memory class whose typical free memory the engine would load it in (4k context)."""
    need = memory_needed(size)
    for tier, free in TIER_FREE_MEMORY.items():
        if need <= free:
            return tier
    return "32GB+"


def load_catalog(path: Path | None = None, kind: str | None = CHAT) -> list[CatalogEntry]:
    """The catalog's entries of ``kind`` (chat models by default; ``None``: every entry), in file order."""
    path = CATALOG_FILE if path is None else path
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UserError(_("The model catalog {path} cannot be read: {reason}").format(path=path, reason=exc)) from exc
    entries = [_entry(m) for m in data["models"]]
    return entries if kind is None else [e for e in entries if e.kind == kind]


def chat_models(path: Path | None = None) -> list[CatalogEntry]:
    """The catalog's models to chat with."""
    return load_catalog(path, kind=CHAT)


def embedding_models(path: Path | None = None) -> list[CatalogEntry]:
    """The catalog's text embedders (for the knowledge base), each with its dimension and pooling."""
    return load_catalog(path, kind=EMBEDDING)


def _entry(m: dict) -> CatalogEntry:
    """One entry of the file. A value this version does not know (a newer catalog's kind, say) is kept
    or read as "not said", so an older app still lists what it can use; ``tests/hub`` holds the shipped
    file to the known values."""
    reasoning = m.get("reasoning")
    if reasoning not in (None, HYBRID) and not isinstance(reasoning, bool):  # JSON true / false / "hybrid"
        reasoning = None
    dimension = m.get("dimension")
    return CatalogEntry(m["name"], m["repo"], m["file"], int(m["size"]), m["license"],
                        tuple(m.get("languages", ())), m.get("notes", ""),
                        int(m.get("parts") or (split_of(m["file"]) or (0, 0, 1))[2]),
                        _sources(m.get("source")), m.get("tier") or tier_for(int(m["size"])),
                        m.get("size_shown", ""), m.get("notes_zh", ""),
                        reasoning, m.get("kind") or CHAT, dimension if type(dimension) is int else None,
                        m.get("pooling") or "")


def _sources(value) -> tuple[str, ...]:
    """``source`` is one URL or a list of them."""
    if not value:
        return ()
    return (value,) if isinstance(value, str) else tuple(value)


def _api(config: HubConfig):
    from huggingface_hub import HfApi

    from aigc_desktop.hub.client import use_app_client

    config.require_online()
    use_app_client()
    return HfApi(endpoint=config.endpoint)


def _network_error(exc: Exception, config: HubConfig) -> UserError:
    from aigc_desktop.hub.client import HubUnavailable

    if isinstance(exc, HubUnavailable):
        return UserError(_("The Hub at {endpoint} is not working right now ({error}); try again later.").format(
            endpoint=config.endpoint, error=exc))
    return UserError(_("Could not reach the Hub at {endpoint}: {error}. Check the connection, or the "
                       "Hub address (a mirror) in the window's Models → Settings or HF_ENDPOINT.").format(
        endpoint=config.endpoint, error=exc))


def search_repos(query: str, limit: int = 30, config: HubConfig | None = None) -> list[RepoHit]:
    """GGUF model repositories matching ``query``, most downloaded first."""
    config = config or hub_config()
    api = _api(config)
    try:
        models = api.list_models(search=query or None, filter="gguf", sort="downloads", limit=limit)
        return [RepoHit(m.id, int(getattr(m, "downloads", 0) or 0), int(getattr(m, "likes", 0) or 0)) for m in models]
    except UserError:
        raise
    except Exception as exc:
        raise _network_error(exc, config) from exc


def list_gguf_files(repo: str, config: HubConfig | None = None) -> list[RemoteFile]:
    """The repository's .gguf models with sizes and sha256, smallest first; a split set is one entry."""
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.hf_api import RepoFile

    config = config or hub_config()
    api = _api(config)
    try:
        entries = list(api.list_repo_tree(repo, recursive=True))
    except HFValidationError as exc:
        raise UserError(_("“{repo}” is not a valid repository name (expected owner/name).").format(repo=repo)) from exc
    except Exception as exc:
        from huggingface_hub.errors import RepositoryNotFoundError

        status = getattr(getattr(exc, "response", None), "status_code", None)
        if isinstance(exc, RepositoryNotFoundError) or status == 404:
            raise UserError(_("No model repository “{repo}” on {endpoint}.").format(repo=repo, endpoint=config.endpoint)) from exc
        raise _network_error(exc, config) from exc
    files = [
        RemoteFile(repo, e.path, int((e.lfs.size if e.lfs else e.size) or 0), e.lfs.sha256 if e.lfs else None)
        for e in entries
        if isinstance(e, RepoFile) and e.path.lower().endswith(".gguf")
    ]
    return sorted(group_remote(files), key=lambda f: f.size)


@lru_cache(maxsize=64)
def reasoning_flag(file_name: str) -> bool | str | None:
    """The ``reasoning`` flag (True, False, "hybrid") of the catalog entry for this file name, else None
    (given to ``llm/thinking.use_catalog`` by the runtime)."""
    for entry in load_catalog(kind=None):
        if Path(entry.file).name.lower() == file_name.lower():
            return entry.reasoning
    return None
