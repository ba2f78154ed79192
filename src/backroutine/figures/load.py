"""Figures from `figures.yaml`: key poses as data, placed on their floor or prop."""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from msgspec.structs import replace

from backroutine.figures.model import (
    AXIAL_JOINTS,
    LIMB_JOINTS,
    SIDES,
    Figure,
    Pose,
    Prop,
    View,
    radius,
)

# Beside this module, as package data.
_FOLDER = Path(__file__).parent


class FigureDataError(ValueError):
    """figures.yaml says something the model cannot draw."""


def _angles(raw: dict[str, Any], figure_id: str) -> dict[str, float]:
    angles: dict[str, float] = {}
    for key, value in raw.items():
        if key in LIMB_JOINTS:
            left, right = value if isinstance(value, list) else (value, value)
            angles[f"{key}_l"], angles[f"{key}_r"] = float(left), float(right)
        elif key in ("trunk", *AXIAL_JOINTS) or key.rpartition("_")[::2] in (
            (j, s) for j in LIMB_JOINTS for s in SIDES
        ):
            angles[key] = float(value)
        elif key not in ("name", "rests", "x", "arrow"):
            raise FigureDataError(f"{figure_id}: unknown pose key {key!r}")
    return angles


def _place(figure_id: str, pose: Pose, surfaces: dict[str, tuple[float, float, float]]) -> Pose:
    """Lift the pose so its first contact rests on its surface."""
    if not pose.contacts:
        raise FigureDataError(f"{figure_id}: a key pose rests on nothing")
    point, surface = pose.contacts[0]
    if surface not in surfaces:
        raise FigureDataError(f"{figure_id}: no surface {surface!r} (add the prop)")
    y = pose.points()[point][1] - pose.root[1]
    return replace(pose, root=(pose.root[0], surfaces[surface][0] + radius(point) - y))


def _arrow(figure_id: str, item: dict[str, Any], view: View) -> tuple[str, float] | None:
    """A pose's `arrow: [point, direction]`, checked against the points the view draws."""
    if "arrow" not in item:
        return None
    point, direction = item["arrow"]
    if point not in Pose(view, {}).points():
        raise FigureDataError(f"{figure_id}: an arrow points at {point!r}, not a body point")
    return str(point), float(direction)


def parse_figure(figure_id: str, raw: dict[str, Any]) -> Figure:
    """One figure from its YAML mapping; each pose inherits what it does not change."""
    view = View(raw.get("view", "side"))
    props = tuple(
        Prop(kind, float(x))
        for item in raw.get("props", [])
        for kind, x in (item.items() if isinstance(item, dict) else [(item, 0)])
    )
    figure = Figure(
        figure_id, raw["name"], view, (), raw.get("hold", ""), props, raw.get("alt", "")
    )
    surfaces = figure.surfaces()
    angles: dict[str, float] = {}
    contacts: tuple[tuple[str, str], ...] = ()
    x = 0.0
    poses = []
    for item in raw["poses"]:
        angles = angles | _angles(item, figure_id)
        if "rests" in item:
            contacts = tuple((p, surface) for surface, pts in item["rests"].items() for p in pts)
        x = float(item.get("x", x))
        pose = Pose(view, dict(angles), (x, 0.0), 1, contacts, _arrow(figure_id, item, view))
        poses.append((item["name"], _place(figure_id, pose, surfaces)))
    hold = raw.get("hold", poses[-1][0])
    if hold not in dict(poses):
        raise FigureDataError(f"{figure_id}: hold pose {hold!r} is not one of its poses")
    figure = replace(figure, poses=tuple(poses), hold=hold)
    return figure.side(other=raw.get("side", "left") == "right")


def read_source() -> dict[str, Any]:
    """figures.yaml, the poses as written (with a safe YAML loader)."""
    import yaml  # only the compile step reads YAML: the app starts without it

    text = (_FOLDER / "figures.yaml").read_text("utf-8")
    source = yaml.safe_load(text)
    if not isinstance(source, dict):
        raise FigureDataError("figures.yaml: expected keys and values at the top, such as figures:")
    return source


def compiled() -> str:
    """figures.json's text: figures.yaml with its shorthands expanded, for the app to read."""
    return json.dumps(read_source(), indent=1, sort_keys=True) + "\n"


@cache
def _sources() -> dict[str, dict[str, Any]]:
    """Every bundled figure's poses as compiled to figures.json, by id, read once.

    The app plays a prepared routine without importing YAML (a start-up budget), so it reads
    the poses compiled to JSON; scripts/contact_sheet.py writes it and a test keeps it current.
    """
    text = (_FOLDER / "figures.json").read_text("utf-8")
    figures: dict[str, dict[str, Any]] = json.loads(text)["figures"]
    return figures


@cache
def _figure(figure_id: str) -> Figure:
    return parse_figure(figure_id, _sources()[figure_id])


def library() -> dict[str, Figure]:
    """Every bundled figure by id."""
    return {figure_id: _figure(figure_id) for figure_id in _sources()}


def _key(text: str) -> str:
    """A name reduced to what identifies it: "Standing back extension (again)" -> its id form."""
    text = re.sub(r"\(.*?\)", "", text.lower())
    return "-".join(re.findall(r"[a-z0-9]+", text.replace("'", "")))


def figure_for(name: str, exercise: str | None = None, figure: str | None = None) -> Figure | None:
    """The figure for a routine step: its `figure:` id, else its `exercise:` id, else its name.

    Only the figure found is built from its poses: the player's first frame waits for it.
    """
    if figure is not None:
        return _figure(figure) if figure in _sources() else None
    by_name = _ids_by_name()
    for wanted in (exercise, name):
        if wanted is not None and (found := by_name.get(wanted) or by_name.get(_key(wanted))):
            return _figure(found)
    return None


@cache
def _ids_by_name() -> dict[str, str]:
    """Figure ids by their name's id form, and by themselves (the player asks each second)."""
    sources = _sources()
    by_name = {_key(raw["name"]): figure_id for figure_id, raw in sources.items()}
    return by_name | {figure_id: figure_id for figure_id in sources}
