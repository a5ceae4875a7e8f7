"""CLI command groups, one module each, registered on the `trimtab` app by cli.py."""
