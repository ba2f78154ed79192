"""Thousands of mutated and generated routine files: never a traceback, always a location."""

from __future__ import annotations

from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backroutine.routine.loader import RoutineFileError, parse_routine
from backroutine.routine.model import Routine

SEEDS = [path.read_bytes() for path in (Path(__file__).parent / "data").rglob("*.yaml")]
FUZZ = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])

NASTY = [
    b"&a ",
    b"*a",
    b"!!python/object:os.system ",
    b"[" * 50,
    b"{",
    b"\t",
    b"\x00",
    b"\x1b[2J",
    b"\xff\xfe",
    b": ",
    b"- ",
    b"---\n",
    b"? ",
    b"|\n",
    b"'",
    b'"',
    b"\\",
    b"\n  ",
    b"hold: 0\n",
    b"reps: 1000\n",
    b"per_side: maybe\n",
    b"[/]",
    b"[@click=app.quit]",
]


def check(data: bytes) -> Routine | None:
    """Parse; a bad file must give located problems, never any other exception."""
    source = "fuzz.yaml"
    try:
        return parse_routine(data, source)
    except RoutineFileError as error:
        assert error.problems
        # YAML also breaks lines at NEL, U+2028 and U+2029, as str.splitlines does.
        lines = len(data.decode("utf-8", "replace").splitlines()) + 2
        for problem in error.problems:
            assert problem.source == source
            assert 1 <= problem.line <= lines and problem.column >= 1
            assert problem.message and "\x1b" not in problem.message
        return None


@st.composite
def mutated_files(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        if not data:
            data += draw(st.binary(max_size=20))
            continue
        at = draw(st.integers(0, len(data) - 1))
        action = draw(st.integers(0, 4))
        if action == 0:
            data[at] = draw(st.integers(0, 255))
        elif action == 1:
            del data[at : at + draw(st.integers(1, 40))]
        elif action == 2:
            data[at:at] = draw(st.sampled_from(NASTY))
        elif action == 3:
            data[at:at] = draw(st.binary(max_size=8))
        else:
            lines = bytes(data).split(b"\n")
            line = draw(st.integers(0, len(lines) - 1))
            lines.insert(line, lines[draw(st.integers(0, len(lines) - 1))])
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@FUZZ
@given(mutated_files())
def test_mutated_files_give_located_errors_or_load(data: bytes):
    check(data)


KEYS = [
    "title",
    "steps",
    "name",
    "hold",
    "duration",
    "reps",
    "relax",
    "sets",
    "rest",
    "per_side",
    "tips",
    "caution",
    "why",
    "say",
    "defaults",
    "frequency",
    "safety",
    "tags",
    "hodl",
    "x",
]
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.sampled_from(["30s", "2m", "1m30s", "90 sec", "0s", "-5", "3 per week"]),
)
trees = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.sampled_from(KEYS), children, max_size=6)
    ),
    max_leaves=30,
)


@FUZZ
@given(st.dictionaries(st.sampled_from(KEYS), trees, max_size=8))
def test_generated_documents_give_located_errors_or_load(document: dict):
    check(yaml.safe_dump(document, allow_unicode=True).encode())


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_never_crash(data: bytes):
    check(data)
