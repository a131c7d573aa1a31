"""The suite keeps a map: a test that needs the real model is marked `real` from its fixtures alone.

Collects part of the suite in a child pytest with a small probe plugin, so the check sees the marks
exactly as `-m real` / `-m "not real"` will; it fails if the hook in tests/conftest.py stops marking,
or if a fixture named in MODEL_FIXTURES is renamed away.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import MODEL_FIXTURES

ROOT = Path(__file__).resolve().parent.parent
# Folders whose tests use every fixture in MODEL_FIXTURES, some without an explicit mark.
FOLDERS = ["tests/llm", "tests/writing", "tests/ui/chat", "tests/providers"]

PROBE = '''
import json, os

def pytest_collection_finish(session):
    items = [{"id": item.nodeid, "fixtures": sorted(getattr(item, "fixturenames", ())),
              "real": item.get_closest_marker("real") is not None} for item in session.items]
    with open(os.environ["SUITE_MAP_OUT"], "w") as out:
        json.dump(items, out)
'''


def collect(tmp_path, *args: str) -> list[dict]:
    (tmp_path / "suite_map_probe.py").write_text(PROBE)
    out = tmp_path / "map.json"
    env = {**os.environ, "SUITE_MAP_OUT": str(out),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))}
    run = subprocess.run([sys.executable, "-m", "pytest", "-p", "suite_map_probe", "-p", "no:cacheprovider",
                          "--collect-only", "-q", *args, *FOLDERS],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return json.loads(out.read_text())


def test_every_test_on_a_model_fixture_is_marked_real(tmp_path):
    found = collect(tmp_path)
    used = {name for i in found for name in i["fixtures"]}
    assert MODEL_FIXTURES <= used, f"no test uses {sorted(MODEL_FIXTURES - used)}: renamed? update MODEL_FIXTURES"
    on_model = [i for i in found if MODEL_FIXTURES.intersection(i["fixtures"])]
    assert len(on_model) > 50
    assert [i["id"] for i in on_model if not i["real"]] == []
    # tests/llm/test_prefill.py carries no mark of its own: the fixture alone marks it
    assert any(i["id"].startswith("tests/llm/test_prefill.py::") for i in on_model)


def test_not_real_selects_no_test_on_a_model_fixture(tmp_path):
    found = collect(tmp_path, "-m", "not real")
    assert found, "nothing collected"
    assert [i["id"] for i in found if MODEL_FIXTURES.intersection(i["fixtures"])] == []
