"""The packaging tests import ``packaging/bundle_files.py`` (not a package: put on the path here).

Tests marked ``installer`` build or install the real bundle and take minutes: they run only
when asked for with ``-m installer``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

PACKAGING = Path(__file__).resolve().parents[2] / "packaging"
if str(PACKAGING) not in sys.path:
    sys.path.insert(0, str(PACKAGING))


def pytest_collection_modifyitems(config, items):
    if "installer" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="slow installer smoke test: run with -m installer")
    for item in items:
        if "installer" in item.keywords:
            item.add_marker(skip)
