"""Fuzzing model files: corrupted copies of the starter's header never crash the app.

Hypothesis edits the starter model's real header (counts, string lengths, value and
array types, tensor dims, truncations, stray bytes; ``gguf_mutations.py``). Each copy is
imported through the CLI: it ends with exit 1 and one clear line (or, for an edit that
left a valid model, the child check loaded it), is never listed as usable when refused,
and the app chats afterwards. A second run sends copies straight to llama.cpp's parser
in the child check (``native``), past the Python header walk that stops most of them.

The default run is a deterministic few dozen examples; ``tests/soak/`` runs 300 of each.
"""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings

from aigc_desktop.errors import ModelLoadError
from aigc_desktop.llm import probe
from tests.llm.gguf_mutations import describe, header_fields, mutations, write_copy

QUICK = settings(max_examples=20, deadline=None, database=None, derandomize=True,
                 suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(autouse=True)
def fresh_verdicts():
    probe.forget_verdicts()
    yield
    probe.forget_verdicts()


def fuzz_cli_import(starter_model, folder, capsys, config) -> Counter:
    """Import corrupted copies through the CLI; returns how many were refused and accepted."""
    from aigc_desktop.cli import main
    from aigc_desktop.hub.library import delete_model, list_models

    header = header_fields(starter_model)
    seen: Counter = Counter()

    @config
    @given(mutations(header))
    def one(mutation):
        seen["copies"] += 1
        path = write_copy(folder / f"fuzz-{seen['copies']}.gguf", header, mutation)
        capsys.readouterr()
        code = main(["models", "import", str(path)])
        err = capsys.readouterr().err
        listed = {m.name: m for m in list_models() if not m.is_starter}
        if code == 1:
            assert err.count("\n") == 1 and err.startswith("error: "), (describe(mutation), err)
            assert "unexpected" not in err and "Traceback" not in err, (describe(mutation), err)
            assert path.stem not in listed, describe(mutation)
            seen["refused"] += 1
        else:
            assert code == 0, (describe(mutation), code, err)  # the edit left a model the child could load
            assert listed[path.stem].problem is None
            delete_model(path.stem)
            seen["accepted"] += 1
        path.unlink()

    one()
    return seen


def fuzz_native_parser(starter_model, folder, monkeypatch, config) -> Counter:
    """Send corrupted copies to llama.cpp's own parser in the child; count its verdicts."""
    header = header_fields(starter_model)
    seen: Counter = Counter()
    native = probe.child_command
    monkeypatch.setattr(probe, "child_command", lambda path: [*native(path), "native"])

    @config
    @given(mutations(header))
    def one(mutation):
        seen["copies"] += 1
        path = write_copy(folder / f"native-{seen['copies']}.gguf", header, mutation)
        try:
            probe.probe_model_file(path)
            seen["loaded"] += 1
        except ModelLoadError as exc:
            assert path.name in str(exc), (describe(mutation), str(exc))
            seen["crashed" if "crashed the model check" in str(exc) else "refused"] += 1
        path.unlink()

    one()
    return seen


def chat_works(capsys) -> None:
    from aigc_desktop.cli import main

    capsys.readouterr()
    assert main(["chat", "--max-tokens", "4", "--seed", "1", "Hi"]) == 0
    assert capsys.readouterr().out.strip()


def test_corrupted_headers_imported_through_the_cli(starter_model, tmp_path, capsys):
    seen = fuzz_cli_import(starter_model, tmp_path, capsys, QUICK)
    assert seen["copies"] == seen["refused"] + seen["accepted"] and seen["refused"] > 0
    chat_works(capsys)


def test_corrupted_headers_reach_llama_cpp_in_the_child(starter_model, tmp_path, monkeypatch, capsys):
    few = settings(QUICK, max_examples=6)
    seen = fuzz_native_parser(starter_model, tmp_path, monkeypatch, few)
    assert seen["copies"] == seen["loaded"] + seen["refused"] + seen["crashed"]
    chat_works(capsys)
