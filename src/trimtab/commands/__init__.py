"""CLI command groups, each a module with `register(app)`."""
