"""bench/run_all.py rewrites only the blocks of BENCHMARKS.md it owns: the explanations
written by hand between its tables, and the sections of other runs, stay as they were."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "bench"))
import run_all  # the bench folder is not a package: imported from its path

SAMPLE = """\
# Benchmarks

<!-- header: written by bench/run_all.py -->
Written by `python bench/run_all.py` on 2026-11-24 18:16 UTC.
<!-- end of header -->

## Tiny (issue 1)

<!-- Tiny: written by bench/run_all.py -->
`python bench/tiny.py` (1 s)

| what | ms |
|---|---|
| old figure | 99 |
<!-- end of Tiny -->

Why the old figure was 99: written by hand, between the tables.

## A run of its own, on an idle machine (issue 1, by hand)

| what | ms |
|---|---|
| idle figure | 7 |
"""


def test_the_hand_written_text_stays_and_only_the_figures_change(tmp_path, monkeypatch):
    bench = tmp_path / "bench"
    bench.mkdir()
    (bench / "tiny.py").write_text("print('| what | ms |\\n|---|---|\\n| new figure | 42 |')\n")
    (bench / "new.py").write_text("print('a new benchmark')\n")
    output = tmp_path / "BENCHMARKS.md"
    output.write_text(SAMPLE)
    monkeypatch.setattr(run_all, "HERE", bench)
    monkeypatch.setattr(
        run_all, "BENCHMARKS", [("Tiny", 1, "tiny.py", [], []), ("New", 2, "new.py", [], [])]
    )
    monkeypatch.setattr(sys, "argv", ["run_all.py", "-o", str(output)])
    run_all.main()
    written = output.read_text()
    assert "| new figure | 42 |" in written and "| old figure | 99 |" not in written
    assert "2026-11-24" not in written  # the header is this run's
    hand = SAMPLE[SAMPLE.index("Why the old figure") :]  # the explanation and the idle run
    assert hand.rstrip() in written  # was lost: the file was written anew from the runs
    assert written.index("new figure") < written.index("Why the old figure")
    assert written.rstrip().endswith(
        "## New (issue 2)\n\n<!-- New: written by bench/run_all.py -->\n"
        "`python bench/new.py` (0 s)\n\na new benchmark\n<!-- end of New -->"
    )
    run_all.main()  # a second run replaces its blocks again, adding nothing
    assert output.read_text().count("## New (issue 2)") == 1


@pytest.mark.parametrize("old", ["", "# Benchmarks\n"])
def test_a_new_file_gets_the_title_and_each_block_under_its_heading(old):
    written = run_all.merged(old, {"header": ("# Benchmarks", "Written now.")})
    assert written == (
        "# Benchmarks\n\n<!-- header: written by bench/run_all.py -->\nWritten now.\n"
        "<!-- end of header -->\n"
    )
