"""An unlabelled, shuffled sheet of the library's exercise figures, for judging whether each one
is recognisable as its exercise by someone who did not draw them.

    python scripts/recognition_sheet.py [OUT_DIR] [--seed N]

Writes to OUT_DIR (default: ./recognition):
- sheet.svg: every library exercise's key poses (start first), numbered 1..34 in a shuffled
  order, with no names, pose labels or text alternatives;
- names.txt: the 34 exercise names in alphabetical order, for the reviewer to choose from;
- key.txt: which number is which exercise. Keep it from the reviewer.
Give the reviewer sheet.svg (or a PNG: `rsvg-convert -b white sheet.svg -o sheet.png`) and
names.txt; they write one name per number, then compare with key.txt. The same seed gives the
same order.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import yaml
from contact_sheet import sheet  # beside this script

from backroutine.figures.load import library

EXERCISES = Path(__file__).parent.parent / "src" / "backroutine" / "exercises.yaml"


def main(argv: list[str] | None = None) -> int:
    """Write the sheet, the list of names and the key."""
    parser = argparse.ArgumentParser(description="An unlabelled, shuffled sheet of the figures.")
    parser.add_argument("out", nargs="?", default="recognition", type=Path)
    parser.add_argument("--seed", type=int, default=17)
    args = parser.parse_args(argv)
    exercises = yaml.safe_load(EXERCISES.read_text("utf-8"))["exercises"]
    figures = library()
    order = sorted(exercises)
    random.Random(args.seed).shuffle(order)
    args.out.mkdir(parents=True, exist_ok=True)
    cells = [(str(number), figures[eid]) for number, eid in enumerate(order, start=1)]
    (args.out / "sheet.svg").write_text(sheet(cells, labels=False), encoding="utf-8")
    names = sorted(exercise["name"] for exercise in exercises.values())
    (args.out / "names.txt").write_text("\n".join(names) + "\n", encoding="utf-8")
    (args.out / "key.txt").write_text(
        "".join(
            f"{number}: {exercises[eid]['name']} ({eid})\n"
            for number, eid in enumerate(order, start=1)
        ),
        encoding="utf-8",
    )
    print(f"{len(order)} exercises -> {args.out}/sheet.svg and names.txt; key: {args.out}/key.txt")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
