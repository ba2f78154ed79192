"""Screenshots of the review page and a one-page handout for docs/, taken by headless Chromium.

    python scripts/report_screenshots.py

Writes docs/report.png (the report over the generated fortnight of tests/patient_log.py,
the patient's log written by the real engine and recorder) and docs/handout.png (the
desk-break handout, Letter). Look at both before committing them.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from backroutine.base.pdf import find_browser
from backroutine.log.export import export
from backroutine.log.report import patient_report
from backroutine.log.report_html import render_report
from backroutine.log.store import CompletionLog
from backroutine.routine.handout import HandoutFor, render_html
from backroutine.routine.loader import load_routine

ROOT = Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from patient_log import patient_log  # noqa: E402  (a test helper, beside the tests)

EVENING = datetime(2026, 6, 14, 18, 0, tzinfo=ZoneInfo("Europe/London"))
WIDTH = 900  # CSS pixels: about an A4 page's width at 96 dpi, with margins


def screenshot(html: str, out: Path, height: int) -> None:
    """`html` as a PNG of `WIDTH` x `height` CSS pixels."""
    browser = find_browser()
    if browser is None:
        raise SystemExit("needs chromium (apt install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "page.html"
        page.write_text(html, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--disable-gpu",
            "--hide-scrollbars",
            f"--user-data-dir={folder}/profile",
            f"--window-size={WIDTH},{height}",
            f"--screenshot={out}",
            page.as_uri(),
        ]
        if os.geteuid() == 0:
            command.insert(1, "--no-sandbox")
        subprocess.run(command, check=True, capture_output=True)
    print(f"wrote {out}")


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        log_path = patient_log(Path(folder))
        text = io.StringIO()
        with CompletionLog.open(log_path) as log:
            export(log, "json", None, text, now=EVENING)
    report = patient_report(json.loads(text.getvalue()))
    screenshot(render_report(report, patient="Ann Example"), ROOT / "docs" / "report.png", 1560)
    routine = load_routine(ROOT / "src" / "backroutine" / "routines" / "desk-break.yaml").routine
    given = HandoutFor("Ann Example", "Riverside Physio, 01632 960 123", date(2026, 6, 15))
    handout = render_html(routine, week=1, given=given, paper="letter")
    screenshot(handout, ROOT / "docs" / "handout.png", 1140)


if __name__ == "__main__":
    main()
