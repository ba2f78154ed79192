"""Stick figures that show each exercise: a pose model, the bundled poses, and renderers.

Pure: nothing here imports Textual, so the handout and tests can draw without a terminal.
"""
