"""The Textual shell: an app factory, one screen per module, layout in .tcss files."""
