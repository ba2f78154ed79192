"""Version-1 routine files mean exactly what they meant before format 2.

`tests/data/v1/segments.json` holds the segments the version-1 code (main before format 2)
made of every bundled routine, in every progression week a patient meets in the first
year, and of every YAML example in the format reference. Regenerate it only from that code:

    PYTHONPATH=<a checkout of the v1 code>/src python tests/test_format_v1_same.py
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from backroutine.base.paths import bundled_routines_dir, routine_files
from backroutine.routine.loader import load_routine, parse_routine
from backroutine.routine.model import Routine
from backroutine.routine.progression import routine_for_week

FIXTURE = Path(__file__).parent / "data" / "v1" / "segments.json"
REFERENCE = Path(__file__).parents[1] / "docs" / "routine-format.md"
WEEKS = (1, 2, 3, 4, 6, 8, 12, 26, 52)
_YAML = re.compile(r"^```yaml\n(.*?)^```", re.MULTILINE | re.DOTALL)


def segment_table(routine: Routine) -> list[list[object]]:
    """Every segment with every field, as JSON can hold it."""
    return [
        [
            segment.kind.value,
            segment.seconds,
            segment.step_index,
            segment.name,
            segment.side,
            segment.set_number,
            segment.set_count,
            segment.rep_number,
            segment.rep_count,
        ]
        for segment in routine.segments()
    ]


def v1_routines(reference: str) -> dict[str, Routine]:
    """Every version-1 routine to compare, by a name for the test's id."""
    routines = {}
    for path in routine_files(bundled_routines_dir()):
        routine = load_routine(path).routine
        for week in WEEKS:
            routines[f"{path.stem} week {week}"] = routine_for_week(routine, week)
    for body in _YAML.findall(reference):
        if not re.search(r"^backroutine: *2", body, re.MULTILINE):
            routine = parse_routine(body, "example.yaml")
            routines[f"reference example: {routine.title}"] = routine
    return routines


def _saved() -> dict[str, list[list[object]]]:
    return json.loads(FIXTURE.read_text("utf-8"))


def test_the_fixture_covers_every_bundled_routine_and_reference_example():
    saved = _saved()
    assert sum(not name.startswith("reference") for name in saved) == 6 * len(WEEKS)
    assert sum(name.startswith("reference example") for name in saved) >= 5


@pytest.mark.parametrize("name", sorted(_saved()))
def test_a_version_1_routine_plays_the_same_segments_as_before_format_2(name: str):
    routines = v1_routines(REFERENCE.read_text("utf-8"))
    assert name in routines, "a v1 example was removed from the reference or changed"
    assert segment_table(routines[name]) == _saved()[name]


if __name__ == "__main__":
    tables = {
        name: segment_table(routine)
        for name, routine in v1_routines(REFERENCE.read_text("utf-8")).items()
    }
    FIXTURE.write_text(json.dumps(tables, indent=None, separators=(",", ":")) + "\n", "utf-8")
    sys.stdout.write(f"{len(tables)} routines written to {FIXTURE}\n")
