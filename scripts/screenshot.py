"""Regenerate the README's screenshot: the player during a bird-dog, at 80x24.

.venv/bin/python scripts/screenshot.py [docs/player.svg]
"""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from backroutine.base.paths import bundled_routines_dir
from backroutine.routine.catalog import Catalog
from backroutine.session.engine import FakeClock
from backroutine.tui.app import AppContext, create_app


async def main(target: Path) -> None:
    clock = FakeClock()
    app = create_app(
        AppContext(
            routines=Catalog(None),
            clock=clock,
            check_in=False,
            start_with=bundled_routines_dir() / "core-stability.yaml",
        )
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("N")  # past the bridge, to the bird-dog
        await pilot.pause()
        clock.advance(8 + 5 + 3 + 5 + 3 + 2.4)  # get ready, then into its second rep
        app.screen.sync()
        await pilot.pause()
        app.save_screenshot(str(target.name), str(target.parent))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/player.svg")))
