"""The executable's first guess, before the argument parser loads: is this the app?"""

from __future__ import annotations

import io

import pytest

from backroutine import entry


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["run", "morning"],
        ["--data-dir", "/tmp/patient", "run", "morning"],
        ["--data-dir=/tmp/patient", "run", "morning"],
        ["--beat", "4", "run", "morning", "--data-dir", "/tmp/patient"],
        ["--no-audio", "--data-dir", "run"],  # a folder called "run": the app, with its picker
    ],
)
def test_the_app_is_expected_and_its_helper_started_early(monkeypatch, args):
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("sys.stdout", Terminal())
    assert entry._may_open_the_app(args)


@pytest.mark.parametrize(
    "args",
    [
        ["history"],
        ["--data-dir", "/tmp/patient", "history"],
        ["--data-dir", "run", "history"],  # a folder called "run", and another command
        ["run", "morning", "--plain"],
    ],
)
def test_other_commands_start_no_helper(monkeypatch, args):
    monkeypatch.setattr("sys.stdin", Terminal())
    monkeypatch.setattr("sys.stdout", Terminal())
    assert not entry._may_open_the_app(args)


def test_no_app_without_a_terminal(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO())
    monkeypatch.setattr("sys.stdout", Terminal())
    assert not entry._may_open_the_app(["run", "morning"])
