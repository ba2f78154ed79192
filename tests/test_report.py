"""`backroutine report`: the review page and the clinic view, over a generated fortnight."""

from __future__ import annotations

import copy
import io
import json
import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jsonschema
import pytest
from patient_log import HOSTILE_NOTE, patient_log

from backroutine.cli.main import main
from backroutine.log.export import export
from backroutine.log.report import clinic, patient_report, summary
from backroutine.log.report_html import render_clinic, render_report
from backroutine.log.store import CompletionLog

EVENING = datetime(2026, 6, 14, 18, 0, tzinfo=ZoneInfo("Europe/London"))
HOSTILE = "<script>alert('x')</script>\x1b]8;;http://evil\x07[red]bold[/red] & <i>"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("patient")
    patient_log(folder)
    return folder


@pytest.fixture(scope="module")
def document(folder: Path) -> dict[str, Any]:
    out = io.StringIO()
    with CompletionLog.open(folder / "log.sqlite3") as log:
        export(log, "json", None, out, now=EVENING)
    return json.loads(out.getvalue())


def test_the_summary_says_what_the_therapist_asks_first(document):
    assert summary(patient_report(document)) == [
        "Did 9 of 10 prescribed sessions (5 per week, 01 Jun to 14 Jun 2026).",
        "Pain settled by the next morning after all but one.",
        "Bird-dog reported painful twice, both on the right side.",
        "Bridge partly done once (some reps or sets left).",
        "1 check-in stopped the session: 04 Jun, told to call their GP or clinician the "
        "same day, no exercise (said yes to: a fever, or feeling very unwell).",
        "1 session stopped before the end.",
    ]


def test_the_page_shows_every_part_of_the_review(document):
    page = render_report(patient_report(document), patient="Ann")
    text = re.sub(r"<[^>]+>", " ", page)
    for part in (
        "Sessions against the prescription",
        "Pain (0-10) before and after each session",
        "Each exercise",
        "Check-ins that stopped the session",
        "The patient's notes",
        "Every session",
        "low-back-basics version 1.2, weeks 1-2",
        "03 Jun right side set 2, 10 Jun right side set 2",
        "Advice given: Call your GP or clinician today.",
        "Felt loose afterwards.",
        "3-5 acceptable",
        "6-10 too much",
    ):
        assert part in " ".join(text.split()), part
    assert page.count('<td class="screened"') == 1 and "04 ✗" in page
    assert "<svg" in page and "<script" not in page.lower()


def test_text_from_files_and_notes_is_shown_literally_never_run(document):
    hostile = copy.deepcopy(document)
    for session in hostile["sessions"]:
        session["routine_title"] = HOSTILE
        for exercise in session["exercises"]:
            exercise["exercise"] = HOSTILE
    hostile["check_ins"][3]["summary"] = HOSTILE
    page = render_report(patient_report(hostile), patient=HOSTILE)
    assert "<script" not in page.lower() and "<i>" not in page
    assert "\x1b" not in page and "\x07" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "[red]bold[/red] &amp; &lt;i&gt;" in page
    # The note written into the real log by the patient, too.
    note = HOSTILE_NOTE.split(" ")[0]
    assert note == "<script>alert(1)</script>" and "&lt;script&gt;alert(1)" in render_report(
        patient_report(document)
    )


def test_an_export_made_before_stages_gives_the_same_page(document):
    # Version 3 exports made before the stage was added have no `stage` at all.
    older = copy.deepcopy(document)
    for session in older["sessions"]:
        assert session.pop("stage") is None  # the fortnight's routine has no stages
    schema = Path(__file__).parent.parent / "docs" / "export.schema.json"
    jsonschema.validate(older, json.loads(schema.read_text()))
    assert render_report(patient_report(older)) == render_report(patient_report(document))


def test_the_period_starts_at_the_routines_last_change(document):
    changed = copy.deepcopy(document)
    for session in changed["sessions"][5:]:
        session["routine_sha256"] = "0" * 64  # the therapist changed the file on 9 June
    report = patient_report(changed)
    assert report.first == date(2026, 6, 9)
    assert (
        summary(report)[0] == "Did 4 of 5 prescribed sessions (5 per week, 09 Jun to 14 Jun 2026)."
    )
    earlier = patient_report(changed, since=date(2026, 6, 1))
    assert earlier.first == date(2026, 6, 1)


def test_the_period_ends_on_its_last_day(document):
    report = patient_report(document, since=date(2026, 6, 1), until=date(2026, 6, 8))
    assert report.last == date(2026, 6, 8)
    assert report.sessions and all(s.started.date() <= date(2026, 6, 8) for s in report.sessions)
    assert all(note.day <= date(2026, 6, 8) for note in report.notes)


def _quiet(document: dict[str, Any]) -> dict[str, Any]:
    """The same patient without a hurt, a stop or pain that did not settle."""
    calm = copy.deepcopy(document)
    calm["check_ins"] = [c for c in calm["check_ins"] if c["went_ahead"]]
    for session in calm["sessions"]:
        session["settled_next_morning"] = True
        session["pain_after"] = min(session["pain_after"] or 0, 2)
        for exercise in session["exercises"]:
            exercise["outcome"] = "done"
    return calm


def test_the_clinic_view_puts_who_needs_attention_first(document):
    gone_quiet = copy.deepcopy(_quiet(document))
    gone_quiet["sessions"] = gone_quiet["sessions"][:2]  # nothing since 2 June
    lines = clinic(
        [("Carol", _quiet(document)), ("Ann", document), ("Bob", gone_quiet)],
        date(2026, 6, 14),
    )
    assert [line.patient for line in lines] == ["Ann", "Bob", "Carol"]
    ann = lines[0]
    assert ann.flags == (
        "1 stopped at check-in",
        "2 hurt",
        "1 not settled next morning",
        "1 with pain over 5",
    )
    assert (ann.done, ann.prescribed, ann.last_session) == (9, 10, date(2026, 6, 13))
    page = render_clinic(lines, date(2026, 6, 14))
    assert page.index("Ann") < page.index("Bob") < page.index("Carol")
    assert "9 of 10 (90%)" in page


def test_report_from_the_own_log_an_export_and_a_folder(folder, document, capsys, tmp_path):
    assert main(["report", "--data-dir", str(folder), "--since", "2026-06-01"]) == 0
    assert "Bird-dog reported painful twice, both on the right side." in capsys.readouterr().out
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "ann.json").write_text(json.dumps(document))
    (exports / "notes.json").write_text('{"not": "an export"}')
    assert main(["report", str(exports / "ann.json"), "-o", str(tmp_path / "ann.html")]) == 0
    page = (tmp_path / "ann.html").read_text()
    assert "<h1>ann: Low back, weeks 1-6</h1>" in page
    assert (tmp_path / "ann.html").stat().st_mode & 0o077 == 0
    assert main(["report", str(exports)]) == 0
    out, err = capsys.readouterr()
    assert "Clinic view" in out and "<td>ann</td>" in out
    assert "skipped " in err and "notes.json is not a backroutine export" in err
    assert main(["report", str(exports / "notes.json")]) == 1


def _clinic_rows(page: str) -> list[str]:
    return re.findall(r"<tr><td>.*?</tr>", page)


def test_a_clinic_folder_reads_old_indented_exports_beside_new_compact_ones(
    folder, capsys, tmp_path
):
    exports = tmp_path / "exports"
    exports.mkdir()
    assert (
        main(
            [
                "export",
                "--data-dir",
                str(folder),
                "--format",
                "json",
                "-o",
                str(exports / "ann.json"),
            ]
        )
        == 0
    )
    new = (exports / "ann.json").read_text()
    # Exports from earlier versions of the app were indented, a third bigger.
    old = json.dumps(json.loads(new), indent=2, ensure_ascii=False) + "\n"
    (exports / "bob.json").write_text(old)
    assert new.count("\n") <= 1 and len(new) < 0.75 * len(old)
    capsys.readouterr()
    assert main(["report", str(exports)]) == 0
    out, err = capsys.readouterr()
    assert "skipped" not in err
    ann, bob = _clinic_rows(out)
    assert "<td>ann</td>" in ann and bob == ann.replace("<td>ann</td>", "<td>bob</td>")


def test_the_clinic_view_is_the_same_without_orjson(folder, document, tmp_path):
    exports = tmp_path / "exports"
    exports.mkdir()
    (exports / "ann.json").write_text(json.dumps(document, separators=(",", ":")))
    # A note the JSON escapes as a lone surrogate: orjson refuses it, json reads it.
    odd = copy.deepcopy(document)
    odd["sessions"][-1]["note"] = "\ud83d"
    (exports / "bob.json").write_text(json.dumps(odd))
    pages = {}
    for orjson in ("installed", "missing"):
        hide = "sys.modules['orjson'] = None; " if orjson == "missing" else ""
        run = subprocess.run(
            [
                sys.executable,
                "-c",
                f"import sys; {hide}from backroutine.cli.main import main; "
                "sys.exit(main(sys.argv[1:]))",
                "report",
                str(exports),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert run.returncode == 0 and "skipped" not in run.stderr, run.stderr
        pages[orjson] = run.stdout
    assert len(_clinic_rows(pages["installed"])) == 2
    assert pages["installed"] == pages["missing"]


def _export_of(tmp_path: Path, frequency: str, days: list[int]) -> dict[str, Any]:
    """A real log of one routine done on these days of June 2026 (1 June is a Monday),
    exported on Sunday 7 June."""
    from backroutine.routine.frequency import parse_frequency

    london = ZoneInfo("Europe/London")
    out = io.StringIO()
    with CompletionLog.open(tmp_path / "log.sqlite3") as log:
        for day in days:
            started = datetime(2026, 6, day, 8, tzinfo=london)
            session_id = log.start_session(
                routine_title="Back care",
                routine_path="/back.yaml",
                routine_sha256="1" * 64,
                frequency=parse_frequency(frequency),
                planned_seconds=600,
                started=started,
                time_zone="Europe/London",
            )
            log.finish_session(session_id, status="completed", ended=started)
        export(log, "json", None, out, now=datetime(2026, 6, 7, 20, tzinfo=london))
    return json.loads(out.getvalue())


def _calendar_row(page: str, week: str) -> str:
    (row,) = re.findall(rf'<tr><td class="week">{week}</td>.*?</tr>', page)
    return row


def test_the_calendar_of_a_weekday_routine_prescribes_only_its_weekdays(tmp_path):
    document = _export_of(tmp_path, "daily on mon, wed, fri", [1, 3])
    report = patient_report(document, since=date(2026, 6, 1))
    assert (report.done, report.prescribed) == (2, 3)
    assert summary(report)[0].startswith("Did 2 of 3 prescribed sessions (daily on mon, wed, fri")
    row = _calendar_row(render_report(report), "01 Jun")
    assert row.endswith("<td>2 of 3</td></tr>")  # not "2 of 7"
    cells = re.findall(r'<td(?: class="(\w+)")?[^>]*>(\d\d)', row)
    assert [kind for kind, _ in cells[1:]] == ["done", "off", "done", "off", "", "off", "off"]


def test_the_report_of_an_as_needed_routine_expects_nothing_and_counts_each_time(tmp_path):
    document = _export_of(tmp_path, "as needed", [2, 3, 3, 6])
    report = patient_report(document, since=date(2026, 6, 1))
    assert (report.done, report.prescribed) == (4, 0)
    assert summary(report)[0] == "Did it 4 times (as needed, 01 Jun to 07 Jun 2026)."
    page = render_report(report)
    assert _calendar_row(page, "01 Jun").endswith("<td>4</td></tr>")
    assert not re.search(r"Did \d+ of 0|of 0</td></tr>", page)
    assert "nothing prescribed that day" in page
    [line] = clinic([("Ann", document)], date(2026, 6, 7))
    assert render_clinic([line], date(2026, 6, 7)).count("<td class=n>4</td>") == 1
