"""Calendar reminders: the .ics file read back, and its alarms over the coming weeks."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from backroutine.cli.main import main
from backroutine.reminders.ics import ScheduleError, routine_calendar, schedule_for
from backroutine.routine.loader import parse_routine
from backroutine.routine.model import Frequency
from backroutine.routine.safety import CLINICIAN_NOTE

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
STAMP = datetime(2025, 3, 20, 12, tzinfo=timezone.utc)


def routine(frequency: str | None):
    text = (
        "title: Core stability\n"
        + (f"frequency: {frequency}\n" if frequency else "")
        + "safety:\n  - Stop if your leg goes numb.\n"
        "steps:\n  - name: Bird-dog\n    hold: 10s\n"
    )
    return parse_routine(text.encode(), "core.yaml")


def alarms(ics: bytes, first: date, weeks: int, tz) -> list[datetime]:
    """Every alarm time in the file over `weeks` weeks from `first`, in `tz`, in order."""
    calendar = Calendar.from_ical(ics)
    start = datetime.combine(first, time(), tz)
    found = recurring_ical_events.of(calendar, components=["VALARM"]).between(
        start, start + timedelta(weeks=weeks)
    )
    triggers = [event.subcomponents[0]["TRIGGER"].dt for event in found]
    return sorted(trigger.astimezone(tz) for trigger in triggers)


def write(frequency, at=(), days=None, *, start=date(2025, 3, 24), tz=LONDON) -> bytes:
    loaded = routine(frequency)
    schedule = schedule_for(loaded.frequency, list(at), days)
    return routine_calendar(loaded, "core", schedule, start=start, tz=tz, stamp=STAMP).to_ical()


def test_daily_alarm_stays_at_eight_local_across_the_spring_change():
    found = alarms(write("daily", ["08:00"]), date(2025, 3, 24), 3, LONDON)
    assert len(found) == 21
    assert {moment.time() for moment in found} == {time(8, 0)}
    assert found[0].date() == date(2025, 3, 24)
    # Clocks go forward at 01:00 on Sunday 30 March: from then on 08:00 is 07:00 UTC.
    utc_hours = [moment.astimezone(timezone.utc).hour for moment in found]
    assert utc_hours == [8] * 6 + [7] * 15


def test_three_a_week_defaults_to_monday_wednesday_friday():
    found = alarms(write("3 per week"), date(2025, 3, 24), 3, LONDON)
    assert [moment.strftime("%a %H:%M") for moment in found[:3]] == [
        "Mon 08:00",
        "Wed 08:00",
        "Fri 08:00",
    ]
    assert len(found) == 9


def test_three_a_week_on_chosen_days_and_time_in_new_york():
    ics = write("3 per week", ["18:30"], "mon,tue,fri", start=date(2025, 3, 5), tz=NEW_YORK)
    found = alarms(ics, date(2025, 3, 5), 2, NEW_YORK)  # from a Wednesday
    assert [moment.strftime("%a %d %H:%M") for moment in found] == [
        "Fri 07 18:30",
        "Mon 10 18:30",
        "Tue 11 18:30",
        "Fri 14 18:30",
        "Mon 17 18:30",
        "Tue 18 18:30",
    ]


def test_twice_a_day_gets_two_alarms_each_day_at_the_default_spread():
    found = alarms(write("2 per day"), date(2025, 3, 24), 1, LONDON)
    assert len(found) == 14
    assert [moment.strftime("%H:%M") for moment in found[:2]] == ["08:00", "20:00"]


def test_twice_a_day_at_chosen_times():
    found = alarms(write("twice a day", ["07:15", "19:45"]), date(2025, 3, 24), 1, LONDON)
    assert {moment.strftime("%H:%M") for moment in found} == {"07:15", "19:45"}


def test_events_carry_the_title_the_safety_note_and_how_to_start():
    calendar = Calendar.from_ical(write("daily"))
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert str(events[0]["SUMMARY"]) == "Core stability"
    description = str(events[0]["DESCRIPTION"])
    assert "Stop if your leg goes numb." in description
    assert CLINICIAN_NOTE in description
    assert "backroutine run core" in description


def test_the_same_routine_keeps_the_same_uids_so_a_new_import_updates():
    def uids(ics: bytes) -> list[str]:
        return [str(event["UID"]) for event in Calendar.from_ical(ics).walk("VEVENT")]

    assert uids(write("2 per day")) == uids(write("2 per day", start=date(2025, 6, 1)))


@pytest.mark.parametrize(
    ("frequency", "at", "days", "message"),
    [
        (Frequency(2, "day"), ["08:00"], None, "needs 2 different --at times"),
        (Frequency(3, "week"), [], "mon,wed", "needs 3 days, not 2"),
        (Frequency(1, "day"), [], "mon", "--days is for routines done per week"),
        (Frequency(3, "week"), ["25:00"], None, "not a time of day"),
        (Frequency(2, "week"), [], "mon,funday", "'funday' is not a day"),
    ],
)
def test_schedules_that_do_not_fit_the_frequency_are_refused(frequency, at, days, message):
    with pytest.raises(ScheduleError, match=message):
        schedule_for(frequency, at, days)


def test_ics_command_writes_a_file_a_calendar_can_read(tmp_path: Path, capsys):
    data = tmp_path / "data"
    (data / "routines").mkdir(parents=True)
    (data / "routines" / "core.yaml").write_text(
        "title: Core stability\nfrequency: 3 per week\nsteps:\n  - name: Bird-dog\n    hold: 10s\n"
    )
    out = tmp_path / "core.ics"
    args = ["--data-dir", str(data), "remind", "ics", "core", "--days", "mon,wed,fri"]
    args += ["-o", str(out)]
    assert main(args) == 0
    assert "3 per week on mo, we, fr at 08:00" in capsys.readouterr().err
    rule = next(iter(Calendar.from_ical(out.read_bytes()).walk("VEVENT")))["RRULE"]
    assert rule["FREQ"] == ["WEEKLY"] and rule["BYDAY"] == ["MO", "WE", "FR"]
    assert main(args) == 2  # exists: not replaced without --force
    assert main([*args, "--force"]) == 0
