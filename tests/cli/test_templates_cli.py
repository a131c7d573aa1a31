"""`templates list|show|add|delete`: the JSON shape, the user's templates, errors and exit codes."""

from __future__ import annotations

import json

import pytest

from aigc_desktop.cli import main

KEYS = {"key", "id", "name", "language", "builtin", "variables", "body"}


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_json_shape(capsys):
    """list --json gives every built-in with its key, name, language, variables and body."""
    code, out, _ = run(capsys, "templates", "list", "--json")
    items = json.loads(out)
    assert code == 0 and all(set(t) == KEYS for t in items)
    by_key = {t["key"]: t for t in items}
    precise = by_key["precise.zh"]
    assert precise["builtin"] and precise["id"] is None and precise["variables"] == ["topic", "exclude"]
    assert {"polish.zh", "polish.en", "translate.en", "titles.zh"} <= set(by_key)


def test_add_show_list_delete(capsys):
    """A template added from the CLI is shown by id, listed first, and deleted."""
    code, out, _ = run(capsys, "templates", "add", "会议纪要", "--body", "整理成{n}个要点：{text}", "--json")
    added = json.loads(out)
    assert code == 0 and added["language"] == "zh" and added["variables"] == ["n", "text"]
    assert not added["builtin"] and added["key"] == str(added["id"])
    code, out, _ = run(capsys, "templates", "show", str(added["id"]))
    assert code == 0 and "整理成{n}个要点：{text}" in out
    code, out, _ = run(capsys, "templates", "list", "--json")
    assert json.loads(out)[0]["id"] == added["id"]
    code, out, _ = run(capsys, "templates", "add", "Email", "--body", "Write an email about {topic}", "--json")
    assert json.loads(out)["language"] == "en"
    assert run(capsys, "templates", "delete", str(added["id"]))[0] == 0
    code, out, _ = run(capsys, "templates", "list", "--json")
    assert added["id"] not in [t["id"] for t in json.loads(out)]


def test_show_a_builtin_in_text(capsys):
    """show KEY prints the key line and the body."""
    code, out, _ = run(capsys, "templates", "show", "what-is.zh")
    assert code == 0 and "{topic}是什么？" in out


@pytest.mark.parametrize("args, words", [
    (("templates", "show", "nope.zh"), "No template nope.zh"),
    (("templates", "show", "99"), "No template with id 99"),
    (("templates", "delete", "99"), "No template with id 99"),
    (("templates", "add", " ", "--body", "x"), "needs a name"),
    (("templates", "add", "n", "--body", "  "), "needs some text"),
])
def test_errors_are_one_line_and_exit_1(capsys, args, words):
    """A missing template or a refused one is one clear line on stderr, exit 1."""
    code, out, err = run(capsys, *args)
    assert code == 1 and words in err and err.count("\n") == 1 and "Traceback" not in err


def test_bad_usage_is_exit_2(capsys):
    """A bad language or id is argparse's exit 2."""
    with pytest.raises(SystemExit) as exc:
        main(["templates", "add", "n", "--body", "x", "--language", "fr"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["templates", "delete", "abc"])
    assert exc.value.code == 2
