"""The ``byibalance`` command line: a thin adapter over the core.

Errors that byibalance raises on purpose (:class:`byibalance.errors.ByibalanceError`) become one
line on standard error and the class's exit code, never a traceback.

The command families import the core they call inside each command, so ``byibalance --help``
and a light command do not pay for pandas, the optimiser or the web app
(``benchmarks/cli_startup.py``).
"""

from __future__ import annotations

import sys

from byibalance.cli.app import app
from byibalance.errors import ByibalanceError

# Command families register themselves on import.
from byibalance.cli import commands as _commands  # noqa: F401  # isort: skip


def main(argv: list[str] | None = None) -> None:
    """Run the command line; bad input ends with a one-line message and a non-zero exit code."""
    try:
        app(args=argv, prog_name="byibalance")
    except ByibalanceError as err:
        from rich.console import Console
        from rich.text import Text

        Console(stderr=True, highlight=False, soft_wrap=True).print(
            Text.assemble(("error: ", "bold red"), str(err))
        )
        sys.exit(err.exit_code)


__all__ = ["app", "main"]
