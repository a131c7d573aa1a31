"""`write new --sections N` on the real starter model: the outline always has N titles."""

from __future__ import annotations

import json



def test_cli_new_with_five_sections_gives_five_titles(app_home, starter_model, capsys):
    """`write new "AIGC：从入门到精通" --sections 5 --seed 4 --json` stores 5 non-empty, distinct section titles."""
    from aigc_desktop.cli import main

    # Seed 4 is one where SmolLM2-135M lists only 2 usable titles, so the padding is exercised.
    assert main(["write", "new", "AIGC：从入门到精通", "--sections", "5", "--seed", "4", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    titles = [s["title"] for s in doc["sections"]]
    assert len(titles) == 5 and all(t.strip() for t in titles) and len(set(titles)) == 5
    assert [s["index"] for s in doc["sections"]] == [1, 2, 3, 4, 5]
    assert {s["status"] for s in doc["sections"]} == {"empty"}
