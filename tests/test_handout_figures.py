"""Figures on the handout and in routine files: a drawing per exercise with its words,
the therapist's own picture instead when given, and `figure:` / `image:` checked by validate."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from backroutine.base.paths import bundled_routines_dir, routine_files
from backroutine.routine.handout import render
from backroutine.routine.loader import load_routine
from backroutine.routine.model import ExerciseStep, RoutineFileError

SVG = "{http://www.w3.org/2000/svg}"
BUNDLED = routine_files(bundled_routines_dir())


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_the_html_handout_has_a_drawing_with_words_per_exercise(path: Path) -> None:
    routine = load_routine(path).routine
    exercises = [s for s in routine.steps if isinstance(s, ExerciseStep)]
    page = render(routine, "html")
    drawings = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(drawings) == len(exercises)
    for drawing, step in zip(drawings, exercises, strict=True):
        root = ET.fromstring(drawing)
        assert root.get("role") == "img"
        assert root.find(f"{SVG}desc").text.strip()
        assert len(root.findall(f"{SVG}circle")) == 2  # the start and the end pose
        assert step.name.split(" (")[0].lower() in root.find(f"{SVG}title").text.lower()


@pytest.mark.parametrize("path", BUNDLED, ids=lambda p: p.stem)
def test_the_markdown_handout_carries_each_drawing_inside_it(path: Path) -> None:
    routine = load_routine(path).routine
    exercises = [s for s in routine.steps if isinstance(s, ExerciseStep)]
    text = render(routine, "md")
    images = re.findall(r"!\[([^\n]+?)\]\(<data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)>\)", text)
    assert len(images) == len(exercises)
    for alt, data in images:
        assert alt.strip()
        assert ET.fromstring(base64.b64decode(data)).tag == f"{SVG}svg"


ROUTINE = """\
title: Mine
steps:
  - name: My bridge
    hold: 10s
    image: pics/bridge.png
  - name: Reach
    hold: 10s
    figure: bird-dog
"""


def test_a_therapists_picture_replaces_the_drawing_and_a_figure_id_chooses_one(
    tmp_path: Path,
) -> None:
    (tmp_path / "pics").mkdir()
    (tmp_path / "pics" / "bridge.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (tmp_path / "mine.yaml").write_text(ROUTINE)
    page = render(load_routine(tmp_path / "mine.yaml").routine, "html")
    assert '<img class="figure" src="pics/bridge.png" alt="My bridge: the picture from your' in page
    assert page.count("<svg") == 1
    assert "<title>Bird-dog</title>" in page


@pytest.mark.parametrize(
    ("step", "message"),
    [
        ("figure: brdige", "4:13: unknown figure 'brdige': did you mean 'bridge'?"),
        ("figure: handstand", "4:13: unknown figure 'handstand'"),
        ("image: ../secret.png", "4:12: image: the image must be in the routine's folder"),
        ("image: /etc/x.png", "4:12: image: give the image's file name beside the routine"),
        ("image: gone.svg", "4:12: image: there is no file 'gone.svg' beside the routine"),
        ("image: notes.txt", "4:12: image: give a .png or .svg picture"),
    ],
)
def test_validate_locates_an_unknown_figure_or_an_unusable_image(
    tmp_path: Path, step: str, message: str
) -> None:
    path = tmp_path / "r.yaml"
    path.write_text(f"title: R\nsteps:\n  - name: Bridge\n    {step}\n    hold: 10s\n")
    with pytest.raises(RoutineFileError) as caught:
        load_routine(path)
    assert any(message in str(problem) for problem in caught.value.problems), caught.value
