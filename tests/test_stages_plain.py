"""The stage question in plain mode: the real `backroutine run --plain`, answered on its
standard input, kept in the real log; `list` and `history` show the stage."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema

from backroutine.log.store import CompletionLog
from backroutine.routine.safety import QUESTIONS

STAGED = """\
backroutine: 2
title: Extension in lying
stages:
  - name: Lying face down
    move_on: when the pain has eased
    ask_every: every session
    steps:
      - {name: Lie face down, hold: 1s, prepare: 1s}
  - name: On elbows
    steps:
      - {name: Prone on elbows, hold: 1s, prepare: 1s}
"""


def backroutine(data: Path, *args: str, answers: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "backroutine", *args, "--data-dir", str(data)],
        input=answers,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_plain_mode_asks_the_stage_question_and_the_next_session_plays_the_next_stage(
    tmp_path: Path,
):
    data = tmp_path / "data"
    (data / "routines").mkdir(parents=True)
    routine = data / "routines" / "extension.yaml"
    routine.write_text(STAGED)
    # Pain now, no to every check-in question; after: no pain score, no note, then yes.
    check_in = "2\n" + "\n" * len(QUESTIONS)
    first = backroutine(
        data, "run", str(routine), "--plain", "--no-audio", answers=check_in + "\n\ny\n"
    )
    assert first.returncode == 0, first.stderr
    assert "Stage 1 of 2, Lying face down." in first.stdout
    assert "Get ready: Lie face down" in first.stdout
    assert (
        "You are at stage 1 of 2, Lying face down. Move on when the pain has eased. Is that true "
        "for you now? A yes moves you on to stage 2 of 2, On elbows." in first.stdout
    )
    assert "From your next session: stage 2 of 2, On elbows." in first.stdout

    listed = backroutine(data, "list")
    assert "stage 2 of 2, On elbows" in listed.stdout
    second = backroutine(data, "run", str(routine), "--plain", "--no-audio", "--no-checkin")
    assert second.returncode == 0, second.stderr
    assert "Stage 2 of 2, On elbows." in second.stdout
    assert "Get ready: Prone on elbows" in second.stdout
    history = backroutine(data, "history")
    assert "Stage now: 2." in history.stdout
    with CompletionLog.open(data / "log.sqlite3") as log:
        assert [session.stage for session in log.sessions()] == [1, 2]
    exported = json.loads(backroutine(data, "export", "--format", "json").stdout)
    assert [session["stage"] for session in exported["sessions"]] == [1, 2]
    schema = Path(__file__).parent.parent / "docs" / "export.schema.json"
    jsonschema.validate(exported, json.loads(schema.read_text()))
    exported_path = tmp_path / "ann.json"
    exported_path.write_text(json.dumps(exported))
    report = backroutine(data, "report", str(exported_path), "-o", str(tmp_path / "ann.html"))
    assert report.returncode == 0, report.stderr
    table = (tmp_path / "ann.html").read_text().split("<h2>Every session</h2>")[1]
    heads = re.findall(r"<th[^>]*>(.*?)</th>", table.split("</thead>")[0])
    rows = [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in table.split("<tr>")[2:]]
    assert [row[heads.index("Stage")] for row in rows] == ["1", "2"]
