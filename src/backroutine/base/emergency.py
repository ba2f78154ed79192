"""The emergency number the safety advice names: the patient's setting, else their
locale's, else words. Below the settings, which show it, and the safety rules, which say it."""

from __future__ import annotations

import os
from collections.abc import Mapping

LOCAL_EMERGENCY_NUMBER = "your local emergency number"

_EU_AND_EEA = (
    "AT",
    "BE",
    "BG",
    "CY",
    "CZ",
    "DE",
    "DK",
    "EE",
    "ES",
    "FI",
    "FR",
    "GR",
    "HR",
    "HU",
    "IT",
    "LT",
    "LU",
    "LV",
    "MT",
    "NL",
    "PL",
    "PT",
    "RO",
    "SE",
    "SI",
    "SK",
    "IS",
    "LI",
    "NO",
    "CH",
)
EMERGENCY_NUMBERS: dict[str, str] = {
    "GB": "999",
    "IE": "112 or 999",
    "US": "911",
    "CA": "911",
    "MX": "911",
    "AU": "000",
    "NZ": "111",
    "IN": "112",
    "JP": "119",
    **dict.fromkeys(_EU_AND_EEA, "112"),
}
"""Country (ISO 3166 code, as in a locale's territory) -> its emergency number."""


def locale_country(environ: Mapping[str, str] | None = None) -> str | None:
    """The territory of the patient's locale (`en_GB.UTF-8` -> `GB`), or None."""
    environ = os.environ if environ is None else environ
    for name in ("LC_ALL", "LC_TELEPHONE", "LANG"):
        value = environ.get(name, "")
        if value:
            territory = value.split(".")[0].split("@")[0].partition("_")[2]
            return territory.upper() or None
    return None


def emergency_number(setting: str | None, environ: Mapping[str, str] | None = None) -> str:
    """The number the emergency advice names: the setting, else the locale's, else words."""
    if setting:
        return setting
    country = locale_country(environ)
    return EMERGENCY_NUMBERS.get(country or "", LOCAL_EMERGENCY_NUMBER)
