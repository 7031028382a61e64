"""Fast path for the VOTES section of a ``.pb`` file: numpy on the UTF-8 bytes.

Used when the section has no quotes and no padded fields, every line has the header's number of
fields and every project id is a plain decimal number (no sign, no leading zero), as in the large
Warsaw files. Anything else returns None and the general reader (which also produces the error
messages) takes over; the result is then identical to the general reader's.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import overload

import numpy as np

from byibalance.participation.model import IntArray

_SEMI, _NL, _COMMA, _ZERO = ord(";"), ord("\n"), ord(","), ord("0")
_POW10 = 10.0 ** np.arange(16)  # exact in float64


class ByteColumn(Sequence[str]):
    """A column of strings kept as byte spans of one buffer and decoded on first use."""

    def __init__(self, buf: bytes, starts: IntArray, ends: IntArray) -> None:
        self._buf, self._starts, self._ends = buf, starts, ends
        self._values: list[str] | None = None

    def _decoded(self) -> list[str]:
        if self._values is None:
            buf = self._buf
            self._values = [
                buf[a:b].decode("utf-8")
                for a, b in zip(self._starts.tolist(), self._ends.tolist(), strict=True)
            ]
        return self._values

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, i: int) -> str: ...
    @overload
    def __getitem__(self, i: slice) -> Sequence[str]: ...
    def __getitem__(self, i: int | slice) -> str | Sequence[str]:
        return self._decoded()[i]

    def __iter__(self) -> Iterator[str]:
        return iter(self._decoded())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence):
            return NotImplemented
        return list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]


class LazyColumns(Mapping[str, Sequence[str]]):
    """Per-voter columns (age, sex, ...) decoded only when asked for."""

    def __init__(self, columns: dict[str, ByteColumn]) -> None:
        self._columns = columns

    def __getitem__(self, key: str) -> Sequence[str]:
        return self._columns[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._columns)

    def __len__(self) -> int:
        return len(self._columns)


def numeric_ids(project_ids: Sequence[str]) -> tuple[IntArray, IntArray] | None:
    """(sorted numeric ids, project index of each) if every id is a canonical decimal number."""
    if not all(
        p.isdecimal() and p.isascii() and (p == "0" or p[0] != "0") and len(p) < 18
        for p in project_ids
    ):
        return None
    values = np.array([int(p) for p in project_ids], np.int64)
    order = np.argsort(values)
    return values[order], order.astype(np.int64)


def fast_votes(
    block: str, header: Sequence[str], ids: tuple[IntArray, IntArray]
) -> tuple[ByteColumn, IntArray, IntArray, LazyColumns] | None:
    """Parse the VOTES rows (without the header line) or None if the fast path does not apply.

    Returns voter ids, indptr, project indices and the other columns. Only ``voter_id`` and
    ``vote`` columns may hold data the fast path interprets; a ``points`` column sends the section
    to the general reader.
    """
    if '"' in block or "points" in header or not block:
        return None
    buf = block.encode("utf-8")
    arr = np.frombuffer(buf, np.uint8)
    width = len(header)
    seps = np.flatnonzero((arr == _SEMI) | (arr == _NL))
    n_lines = block.count("\n") + 1
    if len(seps) != n_lines * width - 1:
        return None
    bounds = np.append(seps, len(arr)).reshape(n_lines, width)
    if not (arr[bounds[:, :-1]] == _SEMI).all() or not (arr[bounds[:-1, -1]] == _NL).all():
        return None
    if (arr == ord(" ")).any() and _padded(arr, bounds):
        return None
    starts = np.empty_like(bounds)
    starts[:, 1:] = bounds[:, :-1] + 1
    starts[0, 0] = 0
    starts[1:, 0] = bounds[:-1, -1] + 1
    vcol = header.index("vote")
    s, e = starts[:, vcol], bounds[:, vcol]
    parsed = _tokens(arr, s, e, ids)
    if parsed is None:
        return None
    indptr, indices = parsed
    icol = header.index("voter_id")
    voters = ByteColumn(buf, starts[:, icol], bounds[:, icol])
    extra = {
        h: ByteColumn(buf, starts[:, j], bounds[:, j])
        for j, h in enumerate(header)
        if h not in ("voter_id", "vote")
    }
    return voters, indptr, indices, LazyColumns(extra)


def voters_unique(column: ByteColumn) -> bool:
    """Whether all voter ids differ; decimal ids are compared as numbers without decoding."""
    arr = np.frombuffer(column._buf, np.uint8)
    s, e = column._starts, column._ends
    lens = e - s
    n = len(s)
    if n and (lens > 0).all() and (lens <= 15).all():
        total = int(lens.sum())
        before = np.concatenate(([0], np.cumsum(lens)[:-1]))
        d = arr[np.repeat(s - before, lens) + np.arange(total)] - np.uint8(_ZERO)
        if not (d > 9).any():
            exp = np.repeat(lens + before, lens) - 1 - np.arange(total)
            owner = np.repeat(np.arange(n), lens)
            values = np.bincount(owner, weights=d * _POW10[exp], minlength=n).astype(np.int64)
            values.sort()
            if not (values[1:] == values[:-1]).any():
                return True  # distinct numbers come from distinct strings
    return len(set(column)) == n


def _padded(arr: np.ndarray, bounds: np.ndarray) -> bool:
    flat = bounds.reshape(-1)
    before = flat[flat > 0] - 1
    after = flat[:-1] + 1
    space = ord(" ")
    return bool((arr[before] == space).any() or (arr[after] == space).any() or arr[0] == space)


def _tokens(
    arr: np.ndarray, s: IntArray, e: IntArray, ids: tuple[IntArray, IntArray]
) -> tuple[IntArray, IntArray] | None:
    n = len(s)
    lens = e - s
    total = int(lens.sum())
    before = np.concatenate(([0], np.cumsum(lens)[:-1]))
    chars = arr[np.repeat(s - before, lens) + np.arange(total)]
    if not len(chars):
        return np.zeros(n + 1, np.int64), np.zeros(0, np.int64)
    commas = chars == _COMMA
    digits = chars - np.uint8(_ZERO)  # wraps below '0', so one test covers both sides
    if ((digits > 9) & ~commas).any():
        return None
    nonempty = lens > 0
    first_char = before[nonempty]
    last_char = first_char + lens[nonempty] - 1
    if commas[first_char].any() or commas[last_char].any() or (commas[1:] & commas[:-1]).any():
        return None  # an empty project id: the general reader names the line
    is_start = np.zeros(len(chars), bool)
    is_start[first_char] = True
    is_start[1:] |= commas[:-1]
    tok_id = np.cumsum(is_start) - 1
    keep = ~commas
    tok_of = tok_id[keep]
    dig = digits[keep]
    n_tok = int(tok_id[-1]) + 1
    tok_len = np.bincount(tok_of, minlength=n_tok)
    if (tok_len > 15).any():
        return None
    tok_first = np.concatenate(([0], np.cumsum(tok_len)[:-1]))
    if ((dig[tok_first] == 0) & (tok_len > 1)).any():
        return None
    # Horner's rule, one pass per digit position (ids have at most 15 digits)
    values = np.zeros(n_tok, np.int64)
    last = len(dig) - 1
    for k in range(int(tok_len.max())):
        digit = dig[np.minimum(tok_first + k, last)].astype(np.int64)
        values = np.where(tok_len > k, values * 10 + digit, values)
    sorted_ids, index_of = ids
    top = int(sorted_ids[-1])
    if top <= 1_000_000:  # a direct table is faster than a binary search
        table = np.full(top + 2, -1, np.int64)
        table[sorted_ids] = index_of
        indices = table[np.minimum(values, top + 1)]
        if (indices < 0).any():
            return None  # an unknown project: the general reader names the line
    else:
        where = np.minimum(np.searchsorted(sorted_ids, values), len(sorted_ids) - 1)
        if not (sorted_ids[where] == values).all():
            return None
        indices = index_of[where]
    per_field = np.zeros(n, np.int64)
    per_field[nonempty] = tok_id[last_char] - tok_id[first_char] + 1
    indptr = np.zeros(n + 1, np.int64)
    np.cumsum(per_field, out=indptr[1:])
    return indptr, indices
