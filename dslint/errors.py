"""The one exception type that ends a run with exit code 2 and a one-line message."""


class DslintError(Exception):
    """Usage, configuration or input problem that stops the run (exit code 2)."""
