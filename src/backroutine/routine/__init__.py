"""A routine: the model, reading and checking its file, the library, progressions."""
