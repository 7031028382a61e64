"""Where byibalance keeps the user's own files: one data folder for every adapter.

``$BYIBALANCE_DATA_HOME`` if set, else ``$XDG_DATA_HOME/byibalance``, else
``~/.local/share/byibalance``. It holds the web app's SQLite database and secret key and the
StatBank snapshots; the embedded data and parameters ship inside the package instead.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path


def data_home(env: Mapping[str, str] | None = None) -> Path:
    """The user's byibalance data folder (not created here)."""
    env = os.environ if env is None else env
    explicit = env.get("BYIBALANCE_DATA_HOME")
    if explicit:
        return Path(explicit)
    xdg = env.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "byibalance"
