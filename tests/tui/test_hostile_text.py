"""Text from a routine file is shown literally: no markup, no actions, no escape sequences."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import OptionList

from backroutine.tui.screens.player import PlayerScreen

from .conftest import advance, opened, read_check_in, shown, shown_once_drawn

HOSTILE = r"""
title: "[@click=app.screenshot('owned.svg','{target}')]Click me[/]\e]0;pwned\a"
description: "[/] \e[2J \e]52;c;aGVsbG8=\a"
safety:
  - "[B]bold[/B] [$accent]accent [ bold]spaced \e]8;;http://evil.example\e\\link\e]8;;\e\\"
steps:
  - name: "[/]Bridge[red\e[2J"
    hold: 10s
    tips:
      - "\e[31mred\e[0m and a C1 CSI: \x9b2J"
      - "[@click=app.quit]Quit[/]"
    caution: "[bold]not bold[/bold]"
  - name: Plank
    hold: 5s
"""


async def test_markup_actions_and_escapes_in_a_routine_file_are_shown_as_written(
    tmp_path: Path, routines_dir: Path, make_app, clock
):
    target = tmp_path / "target"
    target.mkdir()
    (routines_dir / "hostile.yaml").write_text(HOSTILE.replace("{target}", str(target)))
    app = make_app()
    async with opened(app, size=(100, 30)) as pilot:
        options = app.screen.query_one(OptionList)
        titles = [
            str(options.get_option_at_index(i).prompt).split("\n")[0]
            for i in range(options.option_count)
        ]
        assert titles[0] == (
            "[@click=app.screenshot('owned.svg','" + str(target) + "')]Click me[/]␛]0;pwned␇"
        )
        preview = await shown_once_drawn(pilot, "#preview")
        assert "[/] ␛[2J ␛]52;c;aGVsbG8=␇" in preview
        assert "[B]bold[/B] [$accent]accent [ bold]spaced" in preview
        await pilot.click(OptionList, offset=(6, 5))  # on the title: selects it, nothing more
        await pilot.pause()
        assert list(target.iterdir()) == []
        safety = " ".join(str(w.render()) for w in app.screen.query(".safety"))
        assert "␛]8;;http://evil.example␛\\link" in safety
        await read_check_in(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PlayerScreen)
        assert shown(app, "#name") == "[/]Bridge[red␛[2J"
        tips = shown(app, "#tips")
        assert "␛[31mred␛[0m and a C1 CSI: \ufffd2J" in tips
        assert "[@click=app.quit]Quit[/]" in tips
        await pilot.click("#tips", offset=(4, 1))
        await pilot.pause()
        assert app.is_running
        assert shown(app, "#caution") == "⚠ [bold]not bold[/bold]"
        header = str(app.screen.query_one("TitleBar").render())
        assert "\x1b" not in header and "Click me[/]␛]0;pwned␇" in header
        await advance(pilot, clock, 7)
        await pilot.press("h")  # the dialog quotes the exercise's name
        await pilot.pause()
        assert "Noted: [/]Bridge[red␛[2J hurt" in str(app.screen.query_one("#question").render())
        await pilot.press("escape")
        await advance(pilot, clock, 20)
        screenshot = app.export_screenshot()
        assert "\x1b" not in screenshot and "\x9b" not in screenshot
