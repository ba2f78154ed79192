"""A step's `figure:` and `image:`: a figure id that exists, a picture file beside the routine."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any

from backroutine.base.text import printable
from backroutine.figures.load import library as figures
from backroutine.routine.library import UnsafeLibraryPath, library_file
from backroutine.routine.model import Problem
from backroutine.routine.reading import Places


def check_pictures(
    document: dict[str, Any], places: Places, source: str, folder: Path | None
) -> list[Problem]:
    """Every unknown `figure:` id (with the nearest one) and unusable `image:` path, located."""
    problems: list[Problem] = []
    steps = document.get("steps")
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        if not isinstance(step, dict):
            continue
        wanted = step.get("figure")
        if isinstance(wanted, str) and wanted not in figures():
            close = difflib.get_close_matches(wanted, list(figures()), n=1, cutoff=0.6)
            hint = f"did you mean '{close[0]}'?" if close else "see the ids in docs/figures.svg"
            where = places.nearest(("steps", index, "figure"))
            problems.append(
                Problem(source, *where, f"unknown figure '{printable(wanted)}': {hint}")
            )
        image = step.get("image")
        if isinstance(image, str):
            where = places.nearest(("steps", index, "image"))
            try:
                if not image.lower().endswith((".png", ".svg")):
                    raise UnsafeLibraryPath("give a .png or .svg picture, e.g. bridge.png")
                if folder is None:
                    raise UnsafeLibraryPath("only a routine saved as a file can show an image")
                library_file(folder, image, what="image", example="bridge.png")
            except UnsafeLibraryPath as error:
                problems.append(Problem(source, *where, f"image: {error}"))
    return problems
