"""The command line: parser, handlers, and the composition root that builds the app."""
