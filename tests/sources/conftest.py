"""Fixtures for the StatBank client and snapshot tests (their data home is ``home`` of
tests/conftest.py, never the user's)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from byibalance.cli import data as data_cli
from byibalance.sources.statbank import StatBankClient

from .replay import load_session, replay_transport

Edit = Callable[[str, dict[str, Any], bytes], tuple[int, bytes]]


@pytest.fixture
def no_sleep() -> list[float]:
    """A sleep that records its waits instead of sleeping."""
    return []


@pytest.fixture
def cli_replays(monkeypatch: pytest.MonkeyPatch) -> Callable[..., None]:
    """``cli_replays(session, edit=None)``: from then on the CLI's StatBank client answers from
    the recorded ``session`` (each answer through ``edit``, see ``replay_transport``), without
    sleeping between retries."""

    def replay(session: str, edit: Edit | None = None) -> None:
        def make(progress, retries, timeout):  # type: ignore[no-untyped-def]
            return StatBankClient(
                transport=replay_transport(load_session(session), edit),
                progress=progress,
                retries=retries,
                sleep=lambda s: None,
            )

        monkeypatch.setattr(data_cli, "make_client", make)

    return replay
