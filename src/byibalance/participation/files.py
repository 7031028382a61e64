"""File adapter: read and write ``.pb`` files on disk (the only place that opens them)."""

from __future__ import annotations

from pathlib import Path

from byibalance.errors import ErrorLocation, PabulibFormatError
from byibalance.participation.model import Election, Profile
from byibalance.participation.pabulib import format_pb, parse_pb


def read_pb(path: str | Path) -> tuple[Election, Profile]:
    """Read a ``.pb`` file (UTF-8) into an election and its profile."""
    p = Path(path)
    try:
        text = p.read_bytes().decode("utf-8")
    except OSError as exc:
        raise PabulibFormatError(
            f"cannot read the file ({exc.strerror})",
            fix="check the path",
            where=ErrorLocation(file=str(p)),
        ) from None
    except UnicodeDecodeError as exc:
        raise PabulibFormatError(
            f"not UTF-8 at byte {exc.start}",
            fix="save the file as UTF-8",
            where=ErrorLocation(file=str(p)),
        ) from None
    return parse_pb(text, str(p))


def write_pb(path: str | Path, election: Election, profile: Profile) -> None:
    """Write an election and profile as a ``.pb`` file (CRLF line ends, as Pabulib)."""
    Path(path).write_bytes(format_pb(election, profile).encode("utf-8"))
