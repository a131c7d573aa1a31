"""300 corrupted copies of the starter's header through the CLI's import, and 300 straight to llama.cpp's
parser in the child check; the app chats afterwards (the quick version is tests/llm/test_gguf_fuzz.py)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings

from tests.llm.test_gguf_fuzz import chat_works, fuzz_cli_import, fuzz_native_parser
from tests.soak.figures import record

pytestmark = pytest.mark.soak

LONG = settings(max_examples=300, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def test_300_corrupted_headers_through_cli_import(starter_model, tmp_path, capsys):
    seen = fuzz_cli_import(starter_model, tmp_path, capsys, LONG)
    with capsys.disabled():
        record("gguf_fuzz_cli_import", **seen)
    assert seen["copies"] >= 300 and seen["copies"] == seen["refused"] + seen["accepted"]
    chat_works(capsys)


def test_300_corrupted_headers_through_llama_cpp_in_the_child(starter_model, tmp_path, monkeypatch, capsys):
    seen = fuzz_native_parser(starter_model, tmp_path, monkeypatch, LONG)
    with capsys.disabled():
        record("gguf_fuzz_native_child", **seen)
    assert seen["copies"] >= 300 and seen["copies"] == seen["loaded"] + seen["refused"] + seen["crashed"]
    chat_works(capsys)
