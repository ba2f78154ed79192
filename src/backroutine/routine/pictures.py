"""A step's `figure:` and `image:`: a figure id that exists, a picture file beside the routine."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from backroutine.base.text import printable
from backroutine.routine.library import UnsafeLibraryPath, library_file, step_lists
from backroutine.routine.model import Problem
from backroutine.routine.reading import KeyPath, Places


def check_pictures(
    document: dict[str, Any], places: Places, source: str, folder: Path | None
) -> list[Problem]:
    """Every unknown `figure:` id (with the nearest one) and unusable `image:` path, located."""
    problems: list[Problem] = []
    for prefix, steps in step_lists(document):
        problems += _check_steps(steps, prefix, places, source, folder)
    return problems


def _check_steps(
    steps: list[Any], prefix: KeyPath, places: Places, source: str, folder: Path | None
) -> list[Problem]:
    problems: list[Problem] = []
    for index, step in enumerate(steps):
        if not isinstance(step, dict):
            continue
        wanted = step.get("figure")
        if isinstance(wanted, str) and wanted not in _figure_ids():
            close = difflib.get_close_matches(wanted, list(_figure_ids()), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "see the ids in docs/figures.svg"
            where = places.nearest((*prefix, index, "figure"))
            problems.append(
                Problem(source, *where, f"unknown figure '{printable(wanted)}': {hint}")
            )
        image = step.get("image")
        if isinstance(image, str):
            where = places.nearest((*prefix, index, "image"))
            try:
                if not image.lower().endswith((".png", ".svg")):
                    raise UnsafeLibraryPath("give a .png or .svg picture, e.g. bridge.png")
                if folder is None:
                    raise UnsafeLibraryPath("only a routine saved as a file can show an image")
                library_file(folder, image, what="image", example="bridge.png")
            except UnsafeLibraryPath as error:
                problems.append(Problem(source, *where, f"image: {error}"))
    return problems


def _figure_ids() -> list[str]:
    """The bundled figures' ids, loaded only for a step that names a figure: few do, and
    the figures' code would cost every routine validated (the app's helper) the time."""
    from backroutine.figures.load import library

    return list(library())
