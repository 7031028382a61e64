"""Imports every command family so that its commands are registered on the app.

Add one line per family module (``from byibalance.cli import NAME``), sorted.
"""

from __future__ import annotations

from byibalance.cli import web  # noqa: F401
