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
