"""Which tests are functional: the real app under Pilot, real processes, terminals and devices.

`pytest -m "not functional"` leaves the unit tests of the core: the quick loop, under a minute.
`./dev test` runs everything.
"""

from __future__ import annotations

import pytest

FUNCTIONAL_MODULES = {
    "test_audio_device",
    "test_audio_neural",
    "test_cli",
    "test_history_screen",
    "test_log_trouble",
    "test_prevalidate",
    "test_printed",
    "test_recorder_kill",
    "test_reminders_shell",
    "test_reminders_timers",
    "test_session_lock",
    "test_smoke",
}
"""Test modules (outside tests/tui/, which is all functional) that start processes or terminals."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.parent.name == "tui" or item.path.stem in FUNCTIONAL_MODULES:
            item.add_marker(pytest.mark.functional)


@pytest.fixture(scope="session")
def _test_cache(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One cache folder for the whole run: synthesised speech is then made once, not per test."""
    return str(tmp_path_factory.mktemp("cache"))


@pytest.fixture(autouse=True)
def _own_folders(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory, _test_cache: str
) -> None:
    """No test reads or writes the user's own log, settings or cache (nor its subprocesses):
    a test run must never migrate a real log or depend on what it holds."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", _test_cache)
