"""Reminders that reach the patient while the app is closed.

`due` says what is due now; `shell` writes the start-up nudge; `timers` sets up desktop
notifications (systemd user timer, launchd agent); `ics` writes calendar events. Each is
imported on its own, so the quick ones (`due`, `shell`) stay quick.
"""
