"""Test-wide isolation: no test reads or writes the user's own byibalance data folder.

A developer may have downloaded StatBank snapshots or created a web database in
``~/.local/share/byibalance``; the tests must see only the embedded data and their own files.
"""

from __future__ import annotations

import os
import tempfile

import pytest


def pytest_configure(config: pytest.Config) -> None:
    home = tempfile.mkdtemp(prefix="byibalance-test-home-")
    os.environ["BYIBALANCE_DATA_HOME"] = os.path.join(home, "byibalance")
    os.environ["XDG_DATA_HOME"] = home
