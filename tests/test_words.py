"""One place for the words: each sentence a patient meets during a session is written once.

Plain mode and the player once held copies of the same prompts, and the copies drifted. This
reads the string literals (not docstrings) of the modules that speak to the patient and fails
on any of four words or more that stands in two places.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

from backroutine.routine.model import Segment, SegmentKind
from backroutine.routine.words import segment_detail, segment_line, where_stopped

SRC = Path(__file__).parents[1] / "src" / "backroutine"
SPEAKING = [
    *sorted((SRC / "plain").rglob("*.py")),
    *sorted((SRC / "tui").rglob("*.py")),
    *sorted((SRC / "audio").rglob("*.py")),
    *sorted((SRC / "session").rglob("*.py")),
    SRC / "routine" / "words.py",
    SRC / "routine" / "safety.py",
    SRC / "routine" / "handout.py",
    SRC / "cli" / "root.py",
]


def sentences(path: Path) -> list[tuple[str, int]]:
    """The string literals of four words or more in `path`, docstrings left out."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
    }
    return [
        (" ".join(node.value.split()), node.lineno)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and len(node.value.split()) >= 4
    ]


def test_each_sentence_a_patient_meets_is_written_once():
    places: dict[str, list[str]] = defaultdict(list)
    for path in SPEAKING:
        for text, line in sentences(path):
            places[text].append(f"{path.relative_to(SRC)}:{line}")
    assert {text: where for text, where in places.items() if len(where) > 1} == {}


def test_plain_mode_and_the_player_say_a_segment_with_the_same_words():
    rep = Segment(
        SegmentKind.REP,
        5,
        0,
        "Bridge",
        side="left",
        set_number=2,
        set_count=3,
        rep_number=4,
        rep_count=10,
    )
    assert segment_line(rep) == "Hold 5 s, rep 4 of 10, left side, set 2 of 3"
    assert segment_detail(rep) == "Left side · Set 2 of 3 · Rep 4 of 10"
    assert where_stopped(rep) == "Bridge, left side, set 2 of 3"
