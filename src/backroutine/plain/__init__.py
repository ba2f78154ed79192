"""Plain mode: a session as one line per event, for screen readers and dumb terminals."""
