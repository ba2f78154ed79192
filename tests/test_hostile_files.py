"""Thousands of hostile routine files, written to disk and loaded as a patient's app would:
0 tracebacks, every error located, nothing outside the routine's folder read.

`bench/reliability.py` runs the same generator at a larger count for BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import random
import stat
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

from backroutine.base.files import FileProblem, TargetExists, read_capped, write_atomically
from backroutine.base.text import printable
from backroutine.cli.main import main
from backroutine.log.store import CompletionLog
from backroutine.routine.loader import MAX_FILE_BYTES, RoutineFileError, load_routine

TEXT_FIELDS = ["title", "description", "author", "name", "caution", "why", "say", "tip", "safety"]
NASTY_TEXT = [
    "[/]",
    "[@click=app.screenshot('x.svg','/tmp')]x[/]",
    "[B]bold",
    "[$accent]x",
    "[ bold]x",
    "\x1b[2J",
    "\x1b]52;c;aGVsbG8=\x07",
    "\x1b]8;;http://example.invalid\x1b\\link\x1b]8;;\x1b\\",
    "\x9b2J",
    "\u202etxt.exe",
    "\x00",
    "\x7f",
    "{{ jinja }}",
    "%s%n",
    "' OR 1=1 --",
]
ABSURD = [
    "0",
    "-1",
    "3601",
    "1e308",
    "nan",
    ".inf",
    "99999999999999999999",
    "1:00:00:00",
    "2.5",
    "true",
    "null",
    "[]",
    "{}",
    "0x10",
    "0o7",
]
ESCAPING_LIBRARIES = [
    "../outside.yaml",
    "/etc/passwd",
    "~/lib.yaml",
    "sub/../../outside.yaml",
    "link-out.yaml",
    "\x00.yaml",
    "libs/" + "a" * 300 + ".yaml",
]


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar holding `text` exactly (escapes for control characters)."""
    escaped = "".join(
        ch if ch.isprintable() and ch not in '"\\' else f"\\U{ord(ch):08x}" for ch in text
    )
    return f'"{escaped}"'


def _valid_routine(rng: random.Random, text: str) -> str:
    field = rng.choice(TEXT_FIELDS)

    def value(name: str) -> str:
        return _quoted(text) if name == field else name.capitalize()

    return (
        f"title: {value('title')}\ndescription: {value('description')}\n"
        f"author: {value('author')}\nsafety: [{value('safety')}]\nsteps:\n"
        f"  - name: {value('name')}\n    hold: 20s\n    tips: [{value('tip')}]\n"
        f"    caution: {value('caution')}\n    why: {value('why')}\n    say: {value('say')}\n"
    )


def hostile_files(rng: random.Random, count: int) -> Iterator[tuple[str, bytes]]:
    """(kind, file bytes) pairs: every class of hostile input, `count` in all."""
    makers = {
        "markup and escapes in a text field": lambda: _valid_routine(
            rng, rng.choice(NASTY_TEXT) + rng.choice(NASTY_TEXT)
        ).encode(),
        "absurd numbers": lambda: (
            f"title: T\nsteps:\n  - name: A\n    {rng.choice(['hold', 'reps', 'sets', 'duration'])}"
            f": {rng.choice(ABSURD)}\n    rest: {rng.choice(ABSURD)}\n"
        ).encode(),
        "library path escapes": lambda: (
            f"title: T\nlibrary: {_quoted(rng.choice(ESCAPING_LIBRARIES))}\n"
            "steps:\n  - exercise: bird-dog\n"
        ).encode(),
        "binary": lambda: rng.randbytes(rng.randint(1, 2000)),
        "deeply nested": lambda: b"title: x\nsteps: " + b"[" * rng.randint(30, 60_000),
        "alias bomb": lambda: (
            b"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\ntitle: bomb\nsteps: *c\n"
        ),
        "huge": lambda: b"title: huge\n" + b"# " + b"x" * (MAX_FILE_BYTES + rng.randint(0, 10)),
        "broken YAML": lambda: bytes(
            rng.choice(b"[]{}:-,&*!|>'\"%@` \n\tabc") for _ in range(rng.randint(1, 300))
        ),
        "wrong shape": lambda: rng.choice(
            [
                b"- a\n- b\n",
                b"42\n",
                b"title: [1, 2]\nsteps: {a: 1}\n",
                b"steps:\n  - 7\n",
                b"? [complex key]\n: v\n",
                b"title: T\nsteps:\n  - rest: 10s\n    name: both\n",
            ]
        ),
    }
    kinds = list(makers)
    for number in range(count):
        kind = kinds[number % len(kinds)]
        yield kind, makers[kind]()


def load_all(folder: Path, files: Iterator[tuple[str, bytes]]) -> Counter:
    """Write each file beside a symlink that escapes its folder, load it, count outcomes."""
    outside = folder.parent / "outside.yaml"
    outside.write_text("exercises:\n  secret:\n    name: SECRET FROM OUTSIDE\n    hold: 5s\n")
    (folder / "link-out.yaml").symlink_to(outside)
    outcomes: Counter = Counter()
    for number, (kind, data) in enumerate(files):
        path = folder / f"hostile-{number}.yaml"
        path.write_bytes(data)
        outcomes["inputs"] += 1
        try:
            routine = load_routine(path).routine
        except RoutineFileError as error:
            located = all(
                p.source == str(path)
                and p.line >= 1
                and p.column >= 1
                and p.message == printable(p.message)
                for p in error.problems
            )
            outcomes["located errors" if located and error.problems else "unlocated errors"] += 1
        except Exception as error:  # the one thing that must never happen
            outcomes[f"traceback: {kind}: {type(error).__name__}: {error}"[:200]] += 1
        else:
            outcomes["loaded"] += 1
            if "SECRET" in repr(routine):
                outcomes["read outside its folder"] += 1
    return outcomes


def test_thousands_of_hostile_files_give_no_traceback_and_located_errors(tmp_path: Path):
    folder = tmp_path / "routines"
    folder.mkdir()
    outcomes = load_all(folder, hostile_files(random.Random(2026), 5000))
    failures = {
        k: v
        for k, v in outcomes.items()
        if k.startswith(("traceback", "unlocated", "read outside"))
    }
    assert failures == {}
    assert outcomes["inputs"] == 5000
    assert outcomes["located errors"] > 3000


# --- text from files on a terminal ---------------------------------------------------

INVISIBLE = {
    "arabic letter mark": "\u061c",
    "line separator": "\u2028",
    "paragraph separator": "\u2029",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "tag letter": "\U000e0041",
    "cancel tag": "\U000e007f",
    "right-to-left override": "\u202e",
    "first strong isolate": "\u2068",
    "zero-width space": "\u200b",
    "invisible separator": "\u2063",
    "soft hyphen": "\u00ad",
    "C1 CSI": "\x9b",
    "escape": "\x1b",
    "lone surrogate": "\udcff",
}


@pytest.mark.parametrize("name", INVISIBLE)
def test_every_invisible_or_control_character_is_shown_as_a_visible_one(name: str):
    hidden = INVISIBLE[name]
    shown = printable(f"Bridge{hidden}Plank")
    assert hidden not in shown
    assert shown.startswith("Bridge") and shown.endswith("Plank")
    assert len(shown) == len("BridgePlank") + 1  # one visible mark where it was


@pytest.mark.parametrize(
    "word",
    [
        "👨\u200d👩\u200d👧",  # a family: one emoji made of three
        "❤\ufe0f\u200d🔥",  # heart on fire: variation selector, then the joiner
        "👍🏽",  # a skin tone
        "می\u200cخواهم",  # Persian "I want": the non-joiner keeps the letters apart
        "क्\u200dष",  # Devanagari: the joiner after a virama
    ],
)
def test_joiners_inside_words_and_emoji_are_kept(word: str):
    assert printable(word) == word


@pytest.mark.parametrize("text", ["\u200dBridge", "Bridge\u200c", "a \u200d b", "1\u200c\u200c2"])
def test_joiners_that_join_nothing_are_shown(text: str):
    assert "\u200d" not in printable(text) and "\u200c" not in printable(text)


NASTY_TITLE = (
    "Core\x1b[2J\x1b]52;c;aGVsbG8=\x07 \u202eevil\u200b\x9b2J\U000e0041 "
    "می\u200cخواهم 👨\u200d👩\u200d👧"
)


@pytest.fixture
def hostile_log(tmp_path: Path) -> Path:
    """A data folder whose log holds a session of a routine with a hostile title and note."""
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        session = log.start_session(
            routine_title=NASTY_TITLE,
            routine_path=f"/r/{NASTY_TITLE}.yaml",
            routine_sha256="0",
            frequency=None,
            planned_seconds=60,
            started=datetime.now().astimezone(),
            time_zone="UTC",
        )
        log.check_out(session, pain_after=2, note="fine\x1b]8;;http://x\x1b\\ \u2066note")
    return tmp_path


@pytest.mark.parametrize("format", ["csv", "json"])
def test_export_to_the_screen_sends_no_escape_or_invisible_character(
    hostile_log: Path, capsys, format: str
):
    assert main(["export", "--format", format, "--data-dir", str(hostile_log)]) == 0
    out = capsys.readouterr().out
    assert out == printable(out, keep_newlines=True)
    assert "می\u200cخواهم 👨\u200d👩\u200d👧" in out  # words and emoji intact
    if format == "json":  # nothing lost: the therapist's tools read the title as it was
        (session,) = json.loads(out)["sessions"]
        assert session["routine_title"] == NASTY_TITLE


def test_file_names_are_shown_harmlessly_by_validate_and_list(tmp_path: Path, capsys):
    routines = tmp_path / "routines"
    routines.mkdir()
    good, bad = "ok\x1b]0;pwned\x07\u202e.yaml", "bad\x1b[2J\u2028.yaml"
    (routines / good).write_text("title: Fine\nsteps: [{name: Plank, hold: 5s}]\n")
    (routines / bad).write_text("title: Bad\nsteps: [{name: Plank, hodl: 5s}]\n")
    main(["validate", str(routines)])
    main(["list", "--data-dir", str(tmp_path)])
    shown = capsys.readouterr()
    for text in (shown.out, shown.err):
        assert text == printable(text, keep_newlines=True)
    assert "ok␛]0;pwned␇" in shown.out and "bad␛[2J" in shown.err + shown.out


# --- writing and reading the files people name ------------------------------------------


def test_a_file_is_replaced_whole_and_keeps_its_permissions(tmp_path: Path):
    target = tmp_path / "log.csv"
    target.write_text("old")
    target.chmod(0o640)
    write_atomically(target, "new ✓")
    assert target.read_text() == "new ✓"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["log.csv"]  # no temporary file left


@pytest.mark.parametrize("durable", [True, False])
def test_only_a_durable_write_waits_for_the_disk(tmp_path: Path, monkeypatch, durable: bool):
    flushed: list[int] = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (flushed.append(fd), real_fsync(fd))[1])
    write_atomically(tmp_path / "cache.pickle", b"data", durable=durable)
    assert (tmp_path / "cache.pickle").read_bytes() == b"data"
    assert len(flushed) == (2 if durable else 0)  # the file, then its folder
    assert [p.name for p in tmp_path.iterdir()] == ["cache.pickle"]


@pytest.mark.parametrize("kind", ["fifo", "folder", "device"])
def test_nothing_but_a_regular_file_is_ever_replaced(tmp_path: Path, kind: str):
    target = tmp_path / "target"
    if kind == "fifo":
        os.mkfifo(target)
    elif kind == "folder":
        target.mkdir()
    else:
        target.symlink_to("/dev/null")  # writing "through" it would reach the device
    with pytest.raises(FileProblem, match="not a file"):
        write_atomically(target, "x")
    assert target.is_symlink() or not target.is_file()


def test_an_existing_file_is_kept_unless_replacing_was_asked(tmp_path: Path):
    target = tmp_path / "r.yaml"
    target.write_text("mine")
    with pytest.raises(TargetExists, match="add --force"):
        write_atomically(target, "theirs", replace=False)
    assert target.read_text() == "mine"


def test_a_pipe_is_read_once_and_a_silent_fifo_is_refused(tmp_path: Path):
    read_end, write_end = os.pipe()
    os.write(write_end, b"title: T\n")
    os.close(write_end)
    assert read_capped(Path(f"/dev/fd/{read_end}"), 100) == b"title: T\n"
    os.close(read_end)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    started = time.monotonic()
    with pytest.raises(FileProblem, match="nothing was written"):
        read_capped(fifo, 100)
    assert time.monotonic() - started < 2
    with pytest.raises(FileProblem, match="is a FIFO"):
        read_capped(fifo, 100, pipes=False)


def test_reading_stops_one_byte_past_the_cap():
    assert len(read_capped(Path(__file__), 10)) == 11
    with pytest.raises(FileProblem, match="is a device, not a file"):
        read_capped(Path("/dev/zero"), 10)
