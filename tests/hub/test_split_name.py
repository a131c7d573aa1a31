"""A model loaded from part 1 of a split set is named for the set, not for its first part."""

from __future__ import annotations


from aigc_desktop.hub.splits import model_name
from tests.hub.hub_fixtures import SPLIT_PARTS, SPLIT_SET

SET_NAME = SPLIT_SET.removesuffix(".gguf")  # SmolSplit-135M.Q4_1


def test_model_name_of_parts_and_plain_files():
    """Each part of a set is named for the set; a plain file, or a '-00001-of-00001' one, by its stem."""
    assert [model_name(p) for p in SPLIT_PARTS] == [SET_NAME, SET_NAME]
    assert model_name("/m/Qwen2.5-7B-Q4_K_M-00001-of-00003.gguf") == "Qwen2.5-7B-Q4_K_M"
    assert model_name("/m/x-00001-of-00001.gguf") == "x-00001-of-00001"
    assert model_name("/m/plain.Q8_0.gguf") == "plain.Q8_0"


def test_loaded_split_set_is_named_for_the_set(split_parts):
    """The engine's loaded model (what the window, replies and the API show) has the set's name."""
    from aigc_desktop.llm.engine import LlamaEngine

    engine = LlamaEngine()
    loaded = engine.load(split_parts[0], n_ctx=512)
    assert loaded.name == SET_NAME and engine.model.name == SET_NAME
    assert loaded.path == split_parts[0]  # still loaded from part 1


def test_reply_and_markdown_export_name_the_set(split_parts, tmp_path, capsys):
    """A chat with the split set saves its reply under the set's name, and the Markdown
    export's header and reply line say that name, never '-00001-of-00002'."""
    from aigc_desktop.cli import main

    assert main(["chat", "--model", str(split_parts[0]), "--max-tokens", "4", "Say hi"]) == 0
    capsys.readouterr()
    out = tmp_path / "chat.md"
    assert main(["export", "1", "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    shown = SET_NAME.replace("_", "\\_")  # Markdown escapes the underscore
    assert f"- Model: {shown}" in text and "00001-of-00002" not in text
