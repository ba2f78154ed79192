"""The printed handout: every exercise with its numbers and texts, safely escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from backroutine.cli.main import main
from backroutine.routine.handout import render_html, render_markdown
from backroutine.routine.loader import parse_routine
from backroutine.routine.safety import CLINICIAN_NOTE

HOSTILE = "<script>alert(1)</script> & [click](http://evil.example) **bold**"

ROUTINE = f"""\
title: "Core <b>for</b> Jane"
author: J. Therapist, PT
frequency: 3 per week
review_by: 2030-06-30
safety:
  - Stop on sharp pain.
defaults:
  rest: 30s
steps:
  - exercise: bird-dog
    sets: 2
    tips:
      - "{HOSTILE}"
  - rest: 1m
  - name: Plank
    hold: 20s
    caution: "Hips sag? </p><img src=x onerror=alert(1)>"
    why: Holds the spine steady.
    progression:
      hold: +5s per week, up to 60s
"""


class Page(HTMLParser):
    """The tags and the visible text of an HTML page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)

    def handle_data(self, data):
        self.text.append(data)

    @property
    def visible(self) -> str:
        return "".join(self.text)


@pytest.fixture
def routine():
    return parse_routine(ROUTINE, "jane.yaml")


def test_html_shows_routine_text_literally_and_never_as_markup(routine):
    page = Page(render_html(routine))
    assert "script" not in page.tags and "img" not in page.tags and "b" not in page.tags
    assert HOSTILE in page.visible
    assert "Hips sag? </p><img src=x onerror=alert(1)>" in page.visible
    assert "Core <b>for</b> Jane" in page.visible


def test_html_has_every_exercise_with_its_numbers_tips_and_cautions(routine):
    visible = Page(render_html(routine)).visible
    assert "1. Bird-dog" in visible and "2. Plank" in visible
    dose = "2 sets: 8 reps, hold 5 s each, each side (left first); rest 30 s between sets"
    assert dose in visible
    assert "Stop if your back sags or hurts" in visible  # the caution from the library
    assert "Rest 1 min" in visible
    assert "Stop or ease off: Hips sag?" in visible
    assert "Grows: hold +5 s a week, up to 1 min" in visible
    assert "Review with your therapist by 2030-06-30" in visible


def test_both_formats_always_carry_the_safety_notes_and_the_clinician_note(routine):
    for text in (Page(render_html(routine)).visible, render_markdown(routine)):
        assert CLINICIAN_NOTE in text.replace("\\", "")
        assert "Stop on sharp pain." in text


def test_markdown_escapes_what_would_become_links_or_html(routine):
    text = render_markdown(routine)
    assert "\\<script\\>" in text and "\\[click\\](http://evil.example)" in text
    assert "\\*\\*bold\\*\\*" in text
    # The exercise drawings are the only markup added: an image line of the handout's own.
    drawings = r"^!\[[^\n]*\]\(<data:image/svg\+xml;base64,[A-Za-z0-9+/=]+>\)$"
    text = re.sub(drawings, "", text, flags=re.M)
    assert re.search(r"(?<!\\)[<>\[\]]", text) is None  # every bracket escaped
    assert "### 1. Bird-dog" in text


def test_print_command_writes_the_week_asked_for(tmp_path, capsys):
    path = tmp_path / "jane.yaml"
    path.write_text(ROUTINE, encoding="utf-8")
    output = tmp_path / "jane.html"
    assert main(["print", str(path), "--format", "html", "--week", "3", "-o", str(output)]) == 0
    visible = Page(output.read_text("utf-8")).visible
    assert "hold 30 s" in visible and "Numbers for week 3" in visible
    # The current week comes from a log: this test's own, never the user's.
    mine = ["--data-dir", str(tmp_path)]
    assert main(["print", str(path), *mine, "-o", str(output)]) == 2  # never overwrites unasked
    assert main(["print", str(path), *mine]) == 0
    assert capsys.readouterr().out.startswith("# Core \\<b\\>for\\</b\\> Jane")


def test_the_handout_of_a_week_says_how_the_numbers_grow(tmp_path):
    routine = tmp_path / "core.yaml"
    routine.write_text(
        "title: Core\nprogression:\n  sets: +1 from week 4\nsteps:\n"
        "  - name: Bridge\n    reps: 5\n    hold: 5s\n"
        "    progression:\n      reps: +2 per week, up to 10\n"
        "  - name: Plank\n    hold: 15s\n"
        "    progression:\n      hold: +5s every 2 weeks, up to 25s\n",
        encoding="utf-8",
    )
    for week, reps in ((1, "5 reps"), (3, "9 reps")):
        output = tmp_path / f"week-{week}.html"
        args = ["print", str(routine), "--format", "html", "--week", str(week), "-o", str(output)]
        assert main([*args, "--data-dir", str(tmp_path)]) == 0
        visible = Page(output.read_text("utf-8")).visible
        assert f"{reps}, hold 5 s each" in visible  # this week's numbers...
        assert "Grows: +2 reps a week, up to 10" in visible  # ...and how they grow
        assert "Grows: hold +5 s every 2 weeks, up to 25 s" in visible
        assert "Every exercise grows: +1 set from week 4" in visible  # said once
