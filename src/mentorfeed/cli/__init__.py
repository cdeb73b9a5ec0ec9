"""The command line: argument parsing and output formatting over the library API."""

import sys

from rich.text import Text

from mentorfeed.cli.app import app, errors

# Importing the command modules registers their commands, in this order.
# isort: off
from mentorfeed.cli import posts  # noqa: F401
from mentorfeed.cli import classify  # noqa: F401
from mentorfeed.cli import curation  # noqa: F401
from mentorfeed.cli import collect  # noqa: F401
from mentorfeed.cli import people  # noqa: F401
from mentorfeed.cli import web  # noqa: F401
# isort: on
from mentorfeed.config import scrub_secrets
from mentorfeed.errors import MentorfeedError

__all__ = ["app", "main"]


def main() -> None:
    """Entry point: one clear sentence for known errors; tracebacks only with --debug."""
    debug = "--debug" in sys.argv
    try:
        app()  # standalone: Typer handles --help, usage errors and exit codes
    except MentorfeedError as exc:
        if debug:
            raise
        errors.print(Text(f"Error: {scrub_secrets(str(exc))}", style="red"))
        sys.exit(1)
    except Exception as exc:
        if debug:
            raise
        errors.print(Text(f"Unexpected error: {type(exc).__name__}: {scrub_secrets(str(exc))}. "
                          "Run again with "
                          "--debug for the traceback, and please report it.", style="red"))
        sys.exit(1)
