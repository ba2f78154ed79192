"""Routine files as therapists write them: valid ones load, broken ones get located errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from backroutine.routine.loader import MAX_FILE_BYTES, RoutineFileError, load_routine, parse_routine

BAD = sorted((Path(__file__).parent / "data" / "bad").glob("*.yaml"))
GOOD = sorted((Path(__file__).parent / "data" / "good").glob("*.yaml"))


def problems_of(path_or_bytes, source="r.yaml") -> list[str]:
    with pytest.raises(RoutineFileError) as caught:
        if isinstance(path_or_bytes, Path):
            load_routine(path_or_bytes)
        else:
            parse_routine(path_or_bytes, source)
    return [str(problem) for problem in caught.value.problems]


@pytest.mark.parametrize("path", BAD, ids=lambda p: p.stem)
def test_each_mistake_is_reported_at_its_line_and_column(path: Path):
    expected = re.match(r"# expect: (.*)", path.read_text(encoding="utf-8")).group(1)
    problems = problems_of(path)
    assert any(problem.startswith(f"{path}:{expected}") for problem in problems), problems


@pytest.mark.parametrize("path", GOOD, ids=lambda p: p.stem)
def test_good_files_load(path: Path):
    assert load_routine(path).routine.steps


def test_every_problem_in_a_file_is_reported_at_once():
    problems = problems_of(
        b"title: Many\nsteps:\n  - name: A\n    hodl: 30s\n  - name: B\n    hold: 0\n"
        b"  - name: C\n    reps: 1000\n",
    )
    assert [p.split(": ", 1)[0] for p in problems] == ["r.yaml:4:5", "r.yaml:6:11", "r.yaml:8:11"]


def test_binary_file_is_refused_plainly(tmp_path: Path):
    path = tmp_path / "photo.yaml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert problems_of(path) == [
        f"{path}:1:1: this is a binary file, not a routine: save the routine as plain text"
    ]


def test_wrong_encoding_points_at_the_first_bad_byte(tmp_path: Path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: Étirements\nsteps: []\n".encode("latin-1"))
    assert problems_of(path) == [
        f"{path}:1:8: the file is not UTF-8 text ('É' here is in the Windows-1252 encoding, "
        "as older Windows editors save): save it with UTF-8 encoding"
    ]


def test_utf8_with_byte_order_mark_is_fine():
    routine = parse_routine("\ufefftitle: Étirements\nsteps: [{name: Pont, hold: 20s}]\n".encode())
    assert routine.title == "Étirements"


def test_huge_file_is_refused_before_parsing(tmp_path: Path):
    path = tmp_path / "huge.yaml"
    path.write_bytes(b"title: x\n" + b"# padding\n" * (MAX_FILE_BYTES // 10 + 1))
    (problem,) = problems_of(path)
    assert "over 256 KB" in problem


@pytest.mark.parametrize("depth", [40, 5_000, 100_000])
def test_deep_nesting_is_a_located_error_not_a_crash(depth: int):
    text = b"title: deep\nsteps: " + b"[" * depth + b"]" * depth + b"\n"
    if len(text) > MAX_FILE_BYTES:
        text = text[:MAX_FILE_BYTES]
    (problem,) = problems_of(text)
    assert re.match(r"r.yaml:2:\d+: nested more than 32 levels deep", problem)


def test_billion_laughs_is_refused_at_the_first_anchor():
    bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for level in "bcdefg":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
    (problem,) = problems_of(("title: bomb\n" + bomb + "steps: *g\n").encode())
    assert problem.startswith("r.yaml:2:4: a value cannot start with '&' or '*'")


def test_error_messages_never_carry_terminal_escapes():
    problems = problems_of(b'title: x\nsteps:\n  - name: A\n    "\\e]52;c;aGk=\\a": 1\n')
    assert all("\x1b" not in p and "\x07" not in p for p in problems)
    assert "␛]52" in problems[0]


def test_rest_step_and_defaults():
    routine = parse_routine(
        b"title: T\ndefaults:\n  rest: 20s\nsteps:\n  - {name: A, hold: 10s, sets: 2}\n"
        b"  - rest: 1m\n  - {name: B, reps: 5}\n"
    )
    kinds = [(s.kind.value, s.seconds) for s in routine.segments()]
    assert kinds == [
        ("prepare", 5),
        ("hold", 10),
        ("rest", 20),
        ("hold", 10),
        ("rest", 60),
        ("prepare", 5),
        ("self-paced", None),
    ]


@pytest.mark.parametrize(
    "written, read", [("1.10", "1.10"), ("2.0", "2.0"), ("3", "3"), ("'1.2.1'", "1.2.1")]
)
def test_a_version_is_read_as_written(written: str, read: str):
    text = f"title: T\nversion: {written}\nsteps:\n  - {{name: A, hold: 5s}}\n"
    assert parse_routine(text).version == read


def test_version_1_10_replaces_version_1_9_on_import(tmp_path: Path):
    from datetime import date

    from backroutine.routine.sharing import install_routine

    def routine_file(version: str) -> Path:
        path = tmp_path / f"jane-{version}.yaml"
        path.write_text(
            f"title: Core for Jane\nid: core-for-jane\nversion: {version}\n"
            "steps:\n  - {name: Plank, hold: 20s}\n",
            encoding="utf-8",
        )
        return path

    user_dir = tmp_path / "routines"
    install_routine(routine_file("1.9"), user_dir, today=date(2026, 3, 1))
    installed = install_routine(routine_file("1.10"), user_dir, today=date(2026, 3, 1))
    assert installed.report()[0] == f"replaced {user_dir / 'core-for-jane.yaml'}: 1.9 -> 1.10"
