"""HTML to PDF through a headless Chromium's print, for the report and the handout.

The page is printed as the browser prints it (`@page` size and margins from its CSS), so
what the therapist prints from the browser and the PDF are the same.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PRINT_TIMEOUT_SECONDS = 120


class NoBrowser(Exception):
    """No headless Chromium to print with, or it failed; the message says what to do."""


def find_browser() -> str | None:
    """The first Chromium-like browser on PATH, or None."""
    return next((found for name in BROWSERS if (found := shutil.which(name))), None)


def print_to_pdf(html: str) -> bytes:
    """The page `html` printed to PDF (write it with `files.write_atomically`)."""
    browser = find_browser()
    if browser is None:
        raise NoBrowser(
            "printing to PDF needs Chromium (e.g. apt install chromium); "
            "or write HTML and print it from any browser"
        )
    with tempfile.TemporaryDirectory(prefix="backroutine-print-") as folder:
        page, pdf = Path(folder) / "page.html", Path(folder) / "page.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--disable-gpu",
            "--no-first-run",
            "--no-pdf-header-footer",
            f"--user-data-dir={folder}/profile",
            f"--print-to-pdf={pdf}",
            page.as_uri(),
        ]
        if os.geteuid() == 0:
            command.insert(1, "--no-sandbox")  # Chromium refuses to run as root otherwise
        try:
            done = subprocess.run(
                command, capture_output=True, text=True, timeout=PRINT_TIMEOUT_SECONDS
            )
        except (OSError, subprocess.TimeoutExpired) as error:
            raise NoBrowser(f"{browser} could not print the page: {error}") from None
        if done.returncode != 0 or not pdf.exists():
            last = (done.stderr.strip().splitlines() or ["no message"])[-1]
            raise NoBrowser(f"{browser} could not print the page ({last})")
        return pdf.read_bytes()
