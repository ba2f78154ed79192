"""The exercise figures: every exercise has one, and every drawing of it is a body a patient
would believe: limbs that keep their length, joints inside their range, resting on the floor or
its prop, and a true mirror image for the other side."""

from __future__ import annotations

import math
import subprocess
import sys
from dataclasses import replace
from importlib import resources

import pytest
import yaml

from backroutine.figures.load import (
    FigureDataError,
    compiled,
    figure_for,
    library,
    parse_figure,
)
from backroutine.figures.model import RANGES, Pose, View
from backroutine.figures.quality import (
    bone_lengths,
    frames,
    out_of_range,
    problems,
    support_problems,
)

FIGURES = library()


def _yaml(package: str, name: str) -> dict:
    return yaml.safe_load(resources.files(package).joinpath(name).read_text("utf-8"))


def _bundled_steps() -> list[tuple[str, dict]]:
    routines = resources.files("backroutine.routines")
    return [
        (item.name, step)
        for item in routines.iterdir()
        if item.name.endswith(".yaml")
        for step in yaml.safe_load(item.read_text("utf-8"))["steps"]
        if "name" in step
    ]


def _other_side(point: str) -> str:
    base, _, side = point.rpartition("_")
    return f"{base}_{ {'l': 'r', 'r': 'l'}[side] }" if side in ("l", "r") else point


def test_every_library_exercise_has_its_figure() -> None:
    exercises = _yaml("backroutine", "exercises.yaml")["exercises"]
    assert len(exercises) == 34
    for exercise_id, exercise in exercises.items():
        figure = figure_for(exercise["name"], exercise=exercise_id)
        assert figure is not None and figure.id == exercise_id, exercise_id
        assert figure.name == exercise["name"]


def test_every_exercise_in_the_bundled_routines_has_a_figure() -> None:
    steps = _bundled_steps()
    assert len(steps) > 20
    missing = [
        (routine, step["name"])
        for routine, step in steps
        if figure_for(step["name"], step.get("exercise"), step.get("figure")) is None
    ]
    assert missing == []


def test_a_figure_key_wins_over_the_name_and_an_unknown_one_finds_nothing() -> None:
    assert figure_for("My own stretch", figure="bird-dog").id == "bird-dog"
    assert figure_for("Bird-dog", figure="bird-dgo") is None
    assert figure_for("Standing back extension (again)").id == "standing-back-extension"


@pytest.mark.parametrize("figure_id", sorted(FIGURES))
def test_figure_passes_every_geometric_check(figure_id: str) -> None:
    assert problems(FIGURES[figure_id]) == []


@pytest.mark.parametrize("figure_id", sorted(FIGURES))
def test_limbs_keep_their_length_in_every_frame(figure_id: str) -> None:
    figure = FIGURES[figure_id]
    for pose in frames(figure) + frames(figure.side(other=True)):
        for start, end, drawn, model in bone_lengths(pose):
            assert drawn == pytest.approx(model, abs=1e-6), (start, end)


@pytest.mark.parametrize("figure_id", sorted(FIGURES))
def test_the_other_side_is_a_mirror_image(figure_id: str) -> None:
    figure = FIGURES[figure_id]
    mirrored = figure.side(other=True)
    for (name, pose), (_, other) in zip(figure.poses, mirrored.poses, strict=True):
        original, reflected = pose.points(), other.points()
        for point, (x, y) in original.items():
            assert reflected[_other_side(point)] == pytest.approx((-x, y), abs=1e-6), (name, point)
        assert support_problems(mirrored, name, other) == []
    assert figure.side(other=True).side(other=True).poses[-1][1].points() == pytest.approx(
        figure.poses[-1][1].points()
    )


def test_the_moving_limb_changes_side_in_the_mirror() -> None:
    """Bird-dog lifts the left leg first (as its words say); on the other side, the right."""
    reach = FIGURES["bird-dog"].end
    other = FIGURES["bird-dog"].side(other=True).end
    assert reach.points()["ankle_l"][1] > reach.points()["ankle_r"][1] + 20
    assert other.points()["ankle_r"][1] > other.points()["ankle_l"][1] + 20


@pytest.mark.parametrize(
    ("figure_id", "low", "high"),
    [
        ("bird-dog", "hand_l", "hand_r"),  # "Left leg and right arm first"
        ("single-leg-stance", "ankle_l", "ankle_r"),  # "Stand on your left leg first"
        ("side-plank", "hip_l", "hip_r"),  # "On your left side first"
        ("hip-flexor-stretch", "knee_l", "knee_r"),  # "Left knee down first"
        ("dead-bug", "ankle_l", "ankle_r"),  # "Left leg first": it straightens, low
        ("clamshell", "knee_r", "knee_l"),  # "Lying on your right side, left knee lifts first"
    ],
)
def test_the_first_side_drawn_is_the_one_the_words_name(
    figure_id: str, low: str, high: str
) -> None:
    points = FIGURES[figure_id].end.points()
    assert points[low][1] < points[high][1] - 5


def test_the_checks_catch_a_floating_or_sunken_or_overstretched_figure() -> None:
    bridge = FIGURES["bridge"]
    name, lifted = bridge.poses[-1]
    floating = replace(lifted, root=(lifted.root[0], lifted.root[1] + 10))
    sunken = replace(lifted, root=(lifted.root[0], lifted.root[1] - 10))
    assert any("off the mat" in p for p in support_problems(bridge, name, floating))
    assert any("off the mat" in p for p in support_problems(bridge, name, sunken))
    knee = RANGES[View.SIDE]["knee"][1]
    assert out_of_range(replace(lifted, angles=lifted.angles | {"knee_l": knee + 20})) != []
    lying = Pose(View.SIDE, {"trunk": 180}, (0.0, 30.0), contacts=(("hip", "mat"),))
    assert any(
        "lower than anything" in p or "off the mat" in p
        for p in support_problems(bridge, "lying", lying)
    )


def test_a_hold_pose_that_is_not_a_pose_is_reported() -> None:
    raw = _yaml("backroutine.figures", "figures.yaml")["figures"]["bridge"] | {"hold": "lfit"}
    with pytest.raises(FigureDataError, match="lfit"):
        parse_figure("bridge", raw)


def test_a_movement_is_visible_between_start_and_hold() -> None:
    """Each figure's hold pose differs from its start by more than a twitch somewhere."""
    for figure in FIGURES.values():
        start, end = figure.start.points(), figure.end.points()
        moved = max(math.dist(start[p], end[p]) for p in start)
        assert moved > 4, figure.id


def test_the_figures_import_no_textual() -> None:
    code = (
        "import sys, backroutine.figures.load, backroutine.figures.svg, "
        "backroutine.figures.braille, backroutine.figures.motion; "
        "assert 'textual' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_compiled_poses_the_app_reads_are_current() -> None:
    """figures.json is figures.yaml compiled: rerun scripts/contact_sheet.py if not."""
    json_text = resources.files("backroutine.figures").joinpath("figures.json").read_text("utf-8")
    assert json_text == compiled()


def test_the_contact_sheet_in_docs_is_current(tmp_path) -> None:
    """docs/figures.svg shows the figures as they are: rerun scripts/contact_sheet.py if not."""
    root = resources.files("backroutine").joinpath("..", "..")
    sheet = tmp_path / "figures.svg"
    subprocess.run(
        [sys.executable, str(root / "scripts" / "contact_sheet.py"), str(sheet)],
        check=True,
        capture_output=True,
    )
    assert sheet.read_text() == (root / "docs" / "figures.svg").read_text()
    assert sheet.read_text().count("<desc>") == len(FIGURES) == 35
