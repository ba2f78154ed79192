"""The test run keeps away from the patient's own folders (see the autouse fixture in
conftest.py): a test that ran `list` once migrated the real log of whoever ran the tests."""

from __future__ import annotations

from pathlib import Path

from backroutine.base.paths import cache_dir, config_dir, data_dir


def test_no_test_sees_the_users_own_log_settings_or_cache():
    home = Path.home()
    for folder in (data_dir(), config_dir(), cache_dir()):
        assert not folder.is_relative_to(home), folder
