"""The Typer application that every command family registers on.

Each family lives in its own module under ``byibalance.cli`` (``population``, ``pb``, ...), imports
``app`` (or adds a sub-app) from here, and stays thin: parse options, call the core, render.

Every family is imported on every start (Typer reads all command signatures then), so a family
module imports at its top only the standard library, Typer, Rich and :mod:`byibalance.errors`;
the core it calls (pandas, the projection, the optimiser, the web app) is imported inside the
command. Option types and defaults must therefore be cheap: a choice that mirrors a core enum is
a CLI enum of the same values, converted in the command (a test keeps the values equal).
"""

from __future__ import annotations

import typer

app = typer.Typer(
    name="byibalance",
    help=(
        "By i balance: population, services, budget, ambitions and the citizens' budget "
        "for a Danish municipality (Albertslund, code 165, by default)."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _root() -> None:
    """By i balance: a city in balance."""


@app.command()
def version() -> None:
    """Print the byibalance version."""
    from byibalance import __version__

    typer.echo(__version__)
