"""`backroutine new`: a routine to start from, with its own title, file name, id and schema."""

from __future__ import annotations

import io
import json
import shlex
from pathlib import Path

import jsonschema
import pytest
import yaml

from backroutine.cli.main import main
from backroutine.routine.loader import check_routine_file
from backroutine.routine.sharing import SCHEMA_FILE


def written(capsys) -> list[str]:
    return capsys.readouterr().out.splitlines()


def test_a_title_makes_the_file_name_and_a_unique_id(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["new", "--title", "Core for Jane"]) == 0
    assert written(capsys)[0] == (
        "wrote core-for-jane.yaml; check it with: backroutine validate core-for-jane.yaml"
    )
    loaded, warnings = check_routine_file(tmp_path / "core-for-jane.yaml")
    assert warnings == []
    assert loaded.routine.title == "Core for Jane"
    assert loaded.routine.id.startswith("core-for-jane-")

    assert main(["new", "--title", "Core for Jane", "second.yaml"]) == 0
    second, _ = check_routine_file(tmp_path / "second.yaml")
    assert second.routine.id != loaded.routine.id  # a patient can import both


def test_a_name_without_yaml_gets_it_and_the_command_can_be_pasted(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal: nothing is asked
    assert main(["new", "My routine"]) == 0
    path = tmp_path / "My routine.yaml"
    assert written(capsys)[0] == (
        f"wrote My routine.yaml; check it with: backroutine validate {shlex.quote(path.name)}"
    )
    assert check_routine_file(path)[0].routine.title == "My routine"
    assert main(["validate", str(path)]) == 0


def test_the_title_is_asked_for_at_a_terminal(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    answers = io.StringIO("Back: phase 2\n")
    answers.isatty = lambda: True
    monkeypatch.setattr("sys.stdin", answers)
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    assert main(["new"]) == 0
    loaded, warnings = check_routine_file(tmp_path / "back-phase-2.yaml")
    assert (loaded.routine.title, warnings) == ("Back: phase 2", [])


def test_new_writes_the_schema_the_template_names_and_the_routine_passes_it(tmp_path, capsys):
    target = tmp_path / "jane.yaml"
    assert main(["new", "--title", "Jane", str(target)]) == 0
    first_line = target.read_text("utf-8").splitlines()[0]
    assert first_line == f"# yaml-language-server: $schema={SCHEMA_FILE}"
    schema = json.loads((tmp_path / SCHEMA_FILE).read_text("utf-8"))
    document = yaml.safe_load(target.read_text("utf-8").replace("2030-01-31", "'2030-01-31'"))
    jsonschema.Draft202012Validator(schema).validate(document)
    assert written(capsys)[1] == (
        f"wrote {tmp_path / SCHEMA_FILE} beside it: editors with YAML support check the "
        "routine as you type"
    )


def test_new_refuses_to_replace_a_file(tmp_path, capsys):
    target = tmp_path / "jane.yaml"
    target.write_text("mine", encoding="utf-8")
    assert main(["new", "--title", "Jane", str(target)]) == 2
    assert capsys.readouterr().err == f"backroutine: {target} exists; add --force to replace it\n"
    assert target.read_text("utf-8") == "mine"


@pytest.mark.parametrize("title", ["yes", "12", "Étirements #2", 'Say "hi"', "null"])
def test_any_title_is_written_so_it_reads_back_as_typed(tmp_path, title):
    target = tmp_path / "r.yaml"
    assert main(["new", "--title", title, str(target)]) == 0
    assert check_routine_file(Path(target))[0].routine.title == title


def test_new_with_its_output_redirected_prints_the_template(capsys):
    assert main(["new"]) == 0
    text = capsys.readouterr().out
    assert text.startswith(f"# yaml-language-server: $schema={SCHEMA_FILE}\n")
    assert "id: my-back-routine-" in text
