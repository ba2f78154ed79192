"""The foundation: files, text, paths and settings; it imports no other layer."""
