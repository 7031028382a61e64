"""Imports every command family so that its commands are registered on the app.

Add one line per family module (``from byibalance.cli import NAME``), sorted.
"""

from __future__ import annotations

from byibalance.cli import (
    data,  # noqa: F401
    finance,  # noqa: F401
    pb,  # noqa: F401
    population,  # noqa: F401
    portfolio,  # noqa: F401
    report,  # noqa: F401
    simulate,  # noqa: F401
    sustainability,  # noqa: F401
    web,  # noqa: F401
)
