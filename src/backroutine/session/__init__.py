"""A session being played: the engine, its recorder into the log, the session lock."""
