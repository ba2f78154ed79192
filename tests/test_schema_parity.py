"""The JSON Schema an editor checks with agrees with `backroutine validate`.

Every file validate accepts, the schema accepts (the bundled routines, the template, the
fine fixtures); every file validate refuses for a reason a schema can express, the schema
refuses too. Files are read as an editor's YAML 1.2 reads them: `1:30` and `2030-01-31`
are text there, not a number and a date.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import jsonschema
import pytest
import yaml

from backroutine.base.paths import bundled_routines_dir
from backroutine.routine.json_schema import json_schema
from backroutine.routine.loader import RoutineFileError, check_routine_file, parse_routine
from backroutine.routine.sharing import template

DATA = Path(__file__).parent / "data"
FIXTURES = sorted(
    [
        *DATA.glob("mistakes/*.yaml"),
        *DATA.glob("bad/*.yaml"),
        *DATA.glob("good/*.yaml"),
        *bundled_routines_dir().glob("*.yaml"),
    ]
)

# Refused by validate for reasons no JSON Schema can see: the layout of the text (an
# editor shows those as YAML errors), a file's bytes, or a value's meaning in words.
BEYOND_A_SCHEMA = {
    "absurd-hold": "2h is over the one-hour limit only once its words are read",
    "frequency-bad": "the words of a frequency",
    "bad-frequency": "the words of a frequency",
    "title-yes": "yes is text to an editor's YAML 1.2, yes/no to backroutine's YAML 1.1",
    "every-hour-singular": "the words of a frequency",
    "window-backwards": "the words of a frequency",
    "stage-ask-every": "the words of how often to ask",
    "reps-range-down": "a range that goes down, 12-8, is seen only once its numbers are read",
    "hold-range-target": "a target outside its range is seen only once the numbers are read",
    "tip-indented-under-the-tip-above": "the layout of the text: YAML reads it as one tip",
}


class EditorYaml(yaml.SafeLoader):
    """YAML 1.2's core schema, as editors read it: no dates, no 1:30 as 90, no yes/no.

    A key given twice is an error there too, before any schema is applied.
    """

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        if len(keys) != len(set(keys)):
            raise yaml.constructor.ConstructorError(None, None, "duplicate key", node.start_mark)
        return super().construct_mapping(node, deep=deep)


EditorYaml.yaml_implicit_resolvers = {}
for tag, pattern, first in [
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^[-+]?[0-9]+$|^0o[0-7]+$|^0x[0-9a-fA-F]+$", "-+0123456789"),
    (
        "float",
        r"^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$"
        r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$",
        "-+.0123456789",
    ),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
]:
    EditorYaml.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern), list(first))


def editor_reads(text: str):
    return yaml.load(text, Loader=EditorYaml)  # a SafeLoader underneath


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validate_accepts(path: Path) -> bool:
    try:
        check_routine_file(path, today=date(2026, 11, 30))
    except RoutineFileError:
        return False
    return True


@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_the_schema_agrees_with_validate(path: Path, validator):
    try:
        document = editor_reads(path.read_bytes().decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError):
        assert not validate_accepts(path)  # the editor shows these as YAML errors
        return
    errors = [error.message for error in validator.iter_errors(document)]
    if validate_accepts(path):
        assert errors == [], errors
    elif path.stem not in BEYOND_A_SCHEMA:
        assert errors, f"validate refuses {path.name}, the schema accepts it"


def test_the_template_and_the_documented_examples_pass_the_schema(validator):
    assert list(validator.iter_errors(editor_reads(template()))) == []
    parse_routine(template())
    reference = (Path(__file__).parents[1] / "docs" / "routine-format.md").read_text("utf-8")
    examples = re.findall(r"^```yaml\n(.*?)^```", reference, re.MULTILINE | re.DOTALL)
    assert len(examples) >= 5
    for example in examples:
        if "title:" in example:  # a whole routine, not a fragment
            parse_routine(example)
            assert list(validator.iter_errors(editor_reads(example))) == [], example


@pytest.mark.parametrize(
    "step, accepted",
    [
        ("{rest: 60s}", True),
        ("{exercise: bird-dog}", True),
        ("{name: Plank, hold: '1:30'}", True),
        ("{name: Plank, hold: 90}", True),
        ("{name: Plank, hold: 1.5m}", True),
        ("{name: Plank, hold: 1 min 30 s}", True),
        ("{name: Walk, duration: 10.00}", True),
        ("{name: Plank, hold: 1.30}", False),
        ("{name: Walk, duration: 10m, progression: false}", True),
        ("{name: Bridge, reps: 10, sets: three}", True),
        ("{name: Bridge, reps: 10 reps, sets: 2 sets}", True),
        ("{name: Bridge, reps: 10, sets: 50}", False),
        ("{name: Bridge, reps: 10, sets: 50 sets}", False),
        ("{name: Bridge, reps: 1000}", False),
        ("{name: Plank, hold: 30s, duration: 1m}", False),
        ("{name: Plank}", False),
        ("{reps: 10}", False),
        ("{exercise: bird-dgo}", False),
        ("{rest: 60s, hold: 5s}", False),
        # Format 2
        ("{name: Bridge, reps: 8-12, target: 10}", True),
        ("{name: Plank, hold: 5-10s}", True),
        ("{name: Curl-up, reps: [6, 4, 2], hold: 10s}", True),
        ("{name: Curl-up, reps: [6, 4, 0], hold: 10s}", False),
        ("{name: Breathing, hold: 5 breaths}", True),
        ("{name: Bird-dog, reps: 6, hold: 10s, sides: alternate}", True),
        ("{name: Bird-dog, hold: 10s, sides: alternate}", False),
        ("{name: Step-up, reps: 10, side: affected}", True),
        ("{name: Step-up, reps: 10, side: lefty}", False),
        ("{name: Step-up, reps: 10, side: left, sides: both}", False),
        ("{name: Squat, reps: 10, tempo: 3-1-1}", True),
        ("{name: Squat, reps: 10, tempo: 3-1}", False),
        ("{name: Squat, hold: 5s, tempo: 3-1-1}", False),
        ("{name: Walk, duration: 10m, effort: talk test, load: none, equipment: [shoes]}", True),
        ("{block: {name: Big 3, rounds: 3, rest_between_rounds: 30, steps: [{rest: 5}]}}", True),
        ("{block: {name: Big 3, steps: [{rest: 5}]}}", False),
        ("{card: {title: Why, text: Moving helps.}}", True),
        ("{card: {title: Why}}", False),
        ("{heat: 15 min}", True),
        ("{cold: 10m, name: Ice}", True),
        ("{heat: 15 min, reps: 3}", False),
        ("{breathing: {minutes: 3, in: 4, out: 6}}", True),
        ("{breathing: {minutes: 3, owt: 6}}", False),
        ("{walk: {minutes: 10}}", True),
        ("{walk: {steps: 10, times: 4}}", True),
        ("{walk: {target_steps: 3000}}", True),
        ("{walk: {minits: 10}}", False),
        ("{walk: {minutes: 10, target_steps: 3000}}", False),
        ("{walk: {times: 4}}", False),
        ("{walk: {minutes: 10, times: 4}}", False),
        ("{walk: 10 min}", True),
        ("{walk: 10}", False),
        ("{breathing: 3 min, name: Belly breathing}", True),
    ],
)
def test_steps_in_the_schema(step: str, accepted: bool, validator):
    document = editor_reads(f"title: T\nsteps:\n  - {step}\n")
    assert validator.is_valid(document) is accepted


@pytest.mark.parametrize(
    "top, accepted",
    [
        ("version: 1.2", True),
        ("version: 1.2.1", True),
        ("library: libs/mine.yaml", True),
        ("library: ../mine.yaml", False),
        ("library: /etc/mine.yaml", False),
        ("library: libs/../../mine.yaml", False),
        ("review_by: 2030-01-31", True),
        ("backroutine: 2", True),
        ("backroutine: 3", False),
        ("affected_side: left", True),
        ("affected_side: both", False),
        ("equipment: [mat, chair]", True),
    ],
)
def test_routine_keys_in_the_schema(top: str, accepted: bool, validator):
    document = editor_reads(f"title: T\n{top}\nsteps:\n  - {{name: A, hold: 5s}}\n")
    assert validator.is_valid(document) is accepted


def test_python_yaml_readers_get_the_same_answers(validator):
    # PyYAML reads YAML 1.1: the template's review_by is a date there, and 1:30 is 90.
    for path in filter(validate_accepts, FIXTURES):
        document = yaml.safe_load(path.read_bytes())
        if True in document:  # the key `on:` (weekdays): YAML 1.1's `true`, but not ours
            document["on"] = document.pop(True)
        assert validator.is_valid(document), path.name
    assert validator.is_valid(yaml.safe_load(template()))
    assert not validator.is_valid(yaml.safe_load("title: T\nreview_by: 5\nsteps: [{rest: 5}]"))


def test_a_routine_with_its_own_library_may_name_its_own_exercises(validator):
    document = editor_reads("title: T\nlibrary: mine.yaml\nsteps:\n  - exercise: my-stretch\n")
    assert validator.is_valid(document)


def test_every_key_has_a_description_for_hover_help():
    schema = json_schema()
    for where in [schema, *schema["$defs"].values()]:
        for key, prop in where["properties"].items():
            assert prop.get("description"), key


def test_hover_help_is_the_docstring_under_each_field_even_inherited_or_renamed():
    defs = json_schema()["$defs"]
    assert defs["ExerciseStep"]["properties"]["days"]["description"] == (
        "The weekdays this step is done on, e.g. [mon, thu]; every day if not given."
    )
    assert defs["Breathing"]["properties"]["in"]["description"] == (
        "Seconds to breathe in (4 if not given)."
    )
    assert defs["Stage"]["properties"]["frequency"]["description"] == (
        "How often while this is the patient's stage, in place of the routine's frequency:\n"
        "daily, 2 per day, 3 per week, as needed, every 2 hours between 08:00 and 20:00."
    )


def test_what_is_beyond_a_schema_is_only_that(validator):
    # Keeps the list honest: each file on it is one the schema accepts.
    for path in FIXTURES:
        if path.stem in BEYOND_A_SCHEMA:
            assert validator.is_valid(editor_reads(path.read_text("utf-8"))), path.name
