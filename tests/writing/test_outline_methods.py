"""The outline's edits as store methods (the window's and the CLI's): each keeps text with its section."""

from __future__ import annotations

import pytest

from aigc_desktop.errors import UserError
from aigc_desktop.store.documents import DocumentNotFound


@pytest.fixture
def doc(docs):
    doc = docs.create("T", outline=["a", "b", "c"])
    for sec in doc.sections:
        docs.add_version(sec.id, f"text of {sec.title}", status="done")
    return docs.get(doc.id)


def _outline(doc) -> list[tuple[str, str]]:
    return [(s.title, s.text) for s in doc.sections]


def test_rename_keeps_the_text_and_refuses_a_blank_title(docs, doc):
    """A renamed section keeps its versions; a blank title is refused and changes nothing."""
    after = docs.rename_section(doc.id, 2, "  B  ")
    assert _outline(after) == [("a", "text of a"), ("B", "text of b"), ("c", "text of c")]
    with pytest.raises(UserError):
        docs.rename_section(doc.id, 2, "   ")
    assert docs.section(doc.id, 2).title == "B"


def test_add_appends_or_inserts_an_empty_section(docs, doc):
    """A section is added last by default, or at a number, pushing the later ones down; positions stay 1..n."""
    after = docs.add_section(doc.id, "d")
    assert [s.title for s in after.sections] == ["a", "b", "c", "d"] and after.sections[3].status == "empty"
    after = docs.add_section(doc.id, "", at=1)
    assert [s.title for s in after.sections][1:] == ["a", "b", "c", "d"] and after.sections[0].title
    assert [s.index for s in after.sections] == [1, 2, 3, 4, 5]
    assert docs.section(doc.id, 2).text == "text of a"
    with pytest.raises(DocumentNotFound):
        docs.add_section(doc.id, "x", at=7)


def test_delete_removes_the_section_and_its_versions_only(docs, doc):
    """Deleting a middle section drops its versions, renumbers the rest, and never empties the outline."""
    gone = doc.sections[1]
    after = docs.delete_section(doc.id, 2)
    assert _outline(after) == [("a", "text of a"), ("c", "text of c")]
    assert [s.index for s in after.sections] == [1, 2]
    assert docs.versions(gone.id) == []
    after = docs.delete_section(doc.id, 1)
    with pytest.raises(UserError):
        docs.delete_section(doc.id, 1)
    assert _outline(docs.get(doc.id)) == [("c", "text of c")]


def test_move_then_delete_then_add_keep_the_order_consistent(docs, doc):
    """Edits in a row leave numbers 1..n in the order shown, each text with its title."""
    docs.move_section(doc.id, 3, 1)
    docs.delete_section(doc.id, 2)
    after = docs.add_section(doc.id, "z", at=2)
    assert _outline(after) == [("c", "text of c"), ("z", ""), ("b", "text of b")]
    assert [s.index for s in after.sections] == [1, 2, 3]


def test_the_cli_edits_the_outline(docs, doc, capsys):
    """`write add-section / rename-section / move-section / delete-section` edit the outline; --json shows it."""
    import json

    from aigc_desktop.cli import main

    assert main(["write", "add-section", str(doc.id), "d", "--at", "1"]) == 0
    assert main(["write", "rename-section", str(doc.id), "--section", "1", "D"]) == 0
    assert main(["write", "move-section", str(doc.id), "--section", "1", "--to", "4"]) == 0
    capsys.readouterr()
    assert main(["write", "delete-section", str(doc.id), "--section", "2", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(s["index"], s["title"], s["text"]) for s in shown["sections"]] == [
        (1, "a", "text of a"), (2, "c", "text of c"), (3, "D", "")]


def test_the_cli_refuses_a_section_that_is_not_there(doc, capsys):
    """A wrong section number is one line on stderr and exit 1; nothing changes."""
    from aigc_desktop.cli import main

    assert main(["write", "move-section", str(doc.id), "--section", "2", "--to", "9"]) == 1
    assert "no section 9" in capsys.readouterr().err
    assert main(["write", "rename-section", str(doc.id), "--section", "5", "x"]) == 1
    assert "no section 5" in capsys.readouterr().err
