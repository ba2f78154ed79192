"""Sharing: `backroutine import` installs a therapist's routine, `new` writes a template."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from backroutine.cli.main import main
from backroutine.routine.loader import load_routine, parse_routine
from backroutine.routine.sharing import SCHEMA_FILE, template

ROUTINE = """\
title: Core for Jane
id: core-for-jane
version: {version}
author: J. Therapist, PT
licence: CC BY 4.0
review_by: 2030-06-30
{library}steps:
  - exercise: bridge
  - exercise: plank
    hold: {plank}
{extra}"""


def routine_text(version="1", plank="20s", extra="", library="") -> str:
    return ROUTINE.format(version=version, plank=plank, extra=extra, library=library)


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "from-therapist").mkdir()
    return tmp_path


def share(home: Path, text: str, name: str = "jane.yaml") -> Path:
    path = home / "from-therapist" / name
    path.write_text(text, encoding="utf-8")
    return path


def run(home: Path, *args: str) -> int:
    return main(["--data-dir", str(home / "data"), *args])


def installed(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "data" / "routines").iterdir())


def test_import_installs_a_valid_routine_under_its_id(home, capsys):
    assert run(home, "import", str(share(home, routine_text()))) == 0
    assert installed(home) == ["core-for-jane.yaml"]
    assert "installed" in capsys.readouterr().out
    assert run(home, "list") == 0
    assert re.search(r"^core-for-jane +Core for Jane: .*\(yours\)$", capsys.readouterr().out, re.M)


def test_a_newer_version_replaces_the_older_and_says_what_changed(home, capsys):
    run(home, "import", str(share(home, routine_text())))
    capsys.readouterr()
    newer = routine_text("2", plank="30s", extra="  - exercise: bird-dog\n")
    assert run(home, "import", str(share(home, newer, "jane-v2.yaml"))) == 0
    out = capsys.readouterr().out
    assert "replaced" in out and "1 -> 2" in out
    assert "changed: Plank (hold 20 s -> 30 s)" in out
    assert "added: Bird-dog" in out
    assert installed(home) == ["core-for-jane.yaml"]
    routine = load_routine(home / "data" / "routines" / "core-for-jane.yaml").routine
    assert routine.version == "2"


def test_removed_exercises_are_named(home, capsys):
    run(home, "import", str(share(home, routine_text(extra="  - exercise: dead-bug\n"))))
    run(home, "import", str(share(home, routine_text("1.1"))))
    assert "removed: Dead bug" in capsys.readouterr().out


@pytest.mark.parametrize("version", ["1", "0.9"])
def test_an_equal_or_older_version_is_refused_unless_forced(home, capsys, version):
    run(home, "import", str(share(home, routine_text(plank="25s"))))
    capsys.readouterr()
    older = share(home, routine_text(version, plank="15s"), "old.yaml")
    assert run(home, "import", str(older)) == 1
    err = capsys.readouterr().err
    assert "you already have version 1 of 'core-for-jane'" in err and "--force" in err
    installed_routine = home / "data" / "routines" / "core-for-jane.yaml"
    assert load_routine(installed_routine).routine.exercises[1].hold == 25  # untouched
    assert run(home, "import", "--force", str(older)) == 0
    assert load_routine(installed_routine).routine.exercises[1].hold == 15


def test_an_invalid_routine_is_refused_with_its_located_problems(home, capsys):
    bad = share(home, routine_text(extra="  - exercise: bird-dgo\n"))
    assert run(home, "import", str(bad)) == 1
    err = capsys.readouterr().err
    assert f"{bad}:11:15: unknown exercise 'bird-dgo': did you mean 'bird-dog'?" in err
    assert "was not imported" in err and "Traceback" not in err
    assert not (home / "data" / "routines").exists()


def test_the_library_file_is_copied_along(home, capsys):
    library = home / "from-therapist" / "libs" / "mine.yaml"
    library.parent.mkdir()
    library.write_text("exercises:\n  wall-sit:\n    name: Wall sit\n    hold: 20s\n", "utf-8")
    text = routine_text(library="library: libs/mine.yaml\n", extra="  - exercise: wall-sit\n")
    assert run(home, "import", str(share(home, text))) == 0
    assert "installed its exercise library" in capsys.readouterr().out
    copied = load_routine(home / "data" / "routines" / "core-for-jane.yaml")
    assert copied.library == home / "data" / "routines" / "libs" / "mine.yaml"
    assert copied.routine.exercises[-1].name == "Wall sit"


def test_a_routine_without_an_id_is_installed_by_file_name_and_never_silently_replaced(home):
    plain = share(home, "title: Walks\nsteps:\n  - exercise: walk\n", "walks.yaml")
    assert run(home, "import", str(plain)) == 0
    assert run(home, "import", str(plain)) == 1
    assert run(home, "import", "--force", str(plain)) == 0
    assert installed(home) == ["walks.yaml"]


def test_the_template_is_valid_as_written_and_points_editors_at_the_schema():
    text = template()
    assert text.splitlines()[0] == f"# yaml-language-server: $schema={SCHEMA_FILE}"
    routine = parse_routine(text, "template.yaml")
    assert routine.id and routine.version and routine.licence and routine.progression
    assert any(step.exercise for step in routine.exercises)


def test_new_writes_the_template_and_refuses_to_overwrite(tmp_path, capsys):
    target = tmp_path / "jane.yaml"
    assert main(["new", str(target)]) == 0
    assert main(["validate", str(target)]) == 0
    assert main(["new", str(target)]) == 2
    assert "exists" in capsys.readouterr().err


def test_the_schema_accepts_the_new_keys_and_steps_that_only_name_an_exercise(capsys):
    main(["schema"])
    schema = json.loads(capsys.readouterr().out)
    step = schema["$defs"]["ExerciseStep"]
    assert "name" not in step.get("required", [])
    for key in ("id", "version", "licence", "review_by", "library", "progression"):
        assert key in schema["properties"], key
    assert {"exercise", "progression"} <= set(step["properties"])


@pytest.mark.parametrize(
    "line, message",
    [
        ("id: Core For Jane", "id: write lower-case letters, digits and '-'"),
        ("version: one", "version: write the version as a number such as 2 or 1.3"),
        ("review_by: next spring", "review_by: write a date such as 2026-06-30"),
        ("license: MIT", "unknown key 'license' in the routine: did you mean 'licence'?"),
    ],
)
def test_sharing_keys_are_validated_at_their_line(line, message):
    text = f"title: T\n{line}\nsteps:\n  - exercise: walk\n"
    with pytest.raises(Exception) as caught:
        parse_routine(text, "r.yaml")
    assert re.search(rf"r\.yaml:2:\d+: {re.escape(message)}", str(caught.value))


def test_a_card_or_a_pack_added_is_named_not_counted_as_a_rest(home, capsys):
    run(home, "import", str(share(home, routine_text())))
    capsys.readouterr()
    newer = routine_text("2", extra="  - card: {title: Why move, text: It helps.}\n")
    assert run(home, "import", str(share(home, newer, "jane-v2.yaml"))) == 0
    out = capsys.readouterr().out
    assert "added: Why move" in out
    assert "rest steps" not in out
