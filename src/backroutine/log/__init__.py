"""The completion log (SQLite) and what it answers: history, export."""
