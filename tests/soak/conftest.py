"""Soak and long fuzz runs (minutes): they run only when asked for with ``-m soak``
(``python bench/soak_bench.py`` prints their figures).

Like the ``installer`` tests in tests/packaging, they are skipped in the default run,
which keeps its quick fuzz examples in tests/llm/test_gguf_fuzz.py.
"""

from __future__ import annotations

import pytest

from tests.ui.conftest import make_window  # noqa: F401 (the window soak drives a real window)


def pytest_collection_modifyitems(config, items):
    if "soak" in (config.getoption("markexpr") or ""):
        return
    skip = pytest.mark.skip(reason="long soak or fuzz run: run with -m soak")
    for item in items:
        if "soak" in item.keywords:
            item.add_marker(skip)
