"""The report and the handouts printed by a real headless Chromium, read back from the PDF.

Needs `chromium` and `pdftotext`/`pdfinfo` (poppler-utils), which `./dev` installs.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from patient_log import patient_log

from backroutine.cli.main import main
from backroutine.routine.loader import load_routine
from backroutine.routine.model import ExerciseStep

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("chromium") and shutil.which("pdftotext")),
        reason="needs chromium and poppler-utils (./dev installs them)",
    ),
]

ROUTINES = Path(__file__).parent.parent / "src" / "backroutine" / "routines"
SIX = sorted(
    path
    for path in ROUTINES.glob("*.yaml")
    if len([s for s in load_routine(path).routine.steps if isinstance(s, ExerciseStep)]) <= 6
)
POINTS = {"a4": (595, 842), "letter": (612, 792)}


def pdf_info(path: Path) -> tuple[int, tuple[int, int]]:
    """Pages and page size in points."""
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M)[1])  # type: ignore[index]
    size = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+)", info.stdout, re.M)
    assert size is not None
    return pages, (round(float(size[1])), round(float(size[2])))


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True).stdout
    return " ".join(text.split())


@pytest.mark.parametrize("paper", ["a4", "letter"])
@pytest.mark.parametrize("routine", SIX, ids=lambda path: path.stem)
def test_a_handout_of_up_to_six_exercises_prints_on_one_page(tmp_path, routine, paper):
    pdf = tmp_path / "handout.pdf"
    given = ["--patient", "Ann Example", "--clinic", "Riverside Physio, 01632 960 123"]
    args = ["print", str(routine), *given, "--paper", paper, "-o", str(pdf)]
    assert main([*args, "--data-dir", str(tmp_path)]) == 0
    assert pdf_info(pdf) == (1, POINTS[paper])
    text = pdf_text(pdf)
    steps = load_routine(routine).routine.exercises
    assert len(steps) >= 5
    for step in steps:
        assert step.name in text
    for words in (
        "For: Ann Example",
        "Contact: Riverside Physio, 01632 960 123",
        "Issued:",
        "Safety",
        "Two weeks: tick each exercise done",
        "Pain scale",
        "3-5: acceptable if settled by the next morning",
    ):
        assert words in text, words


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_report_prints_with_its_text_and_no_script(tmp_path, paper):
    patient_log(tmp_path)
    html = tmp_path / "report.html"
    pdf = tmp_path / "report.pdf"
    common = ["--data-dir", str(tmp_path), "--since", "2026-06-01", "--paper", paper]
    assert main(["report", *common, "-o", str(html)]) == 0
    assert main(["report", *common, "-o", str(pdf)]) == 0
    assert "<script" not in html.read_text().lower()
    pages, size = pdf_info(pdf)
    assert size == POINTS[paper] and 1 <= pages <= 3
    text = pdf_text(pdf)
    for words in (
        "Bird-dog reported painful twice, both on the right side.",
        "Pain settled by the next morning after all but one.",
        "Sessions against the prescription",
        "6-10 too much",
        "<script>alert(1)</script>",  # the hostile note, shown as text
        "pain 6/10 after the session; pain after sessions rising",  # a flag, not cut off
    ):
        assert words in text, words


def test_the_clinic_view_prints(tmp_path):
    patient_log(tmp_path)
    exports = tmp_path / "exports"
    exports.mkdir()
    out = ["-o", str(exports / "ann.json")]  # as the patient sends it
    assert main(["export", "--format", "json", "--data-dir", str(tmp_path), *out]) == 0
    assert json.loads((exports / "ann.json").read_text())["version"] == 3
    pdf = tmp_path / "clinic.pdf"
    assert main(["report", str(exports), "-o", str(pdf)]) == 0
    text = pdf_text(pdf)
    # Exported months ago: nothing done in the last four weeks, which is what it says.
    assert "ann Low back, weeks 1-6" in text and "0 of 25 (0%)" in text
