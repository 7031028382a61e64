"""Who supports what, and voters grouped into budget classes (the fast core of MES and Phragmén).

In MES and sequential Phragmén every voter starts with the same budget (or load) and every
supporter of a bought project moves to a value that depends only on their old value. So voters
fall into few *classes* of equal value. Each project keeps a histogram ``H[p, c]`` = number of its
supporters in class ``c``; buying a project moves only its supporters, and the histograms are
updated from the ballots of those supporters alone. All values are exact fractions; numpy only
counts voters.
"""

from __future__ import annotations

from bisect import insort
from fractions import Fraction

import numpy as np

from byibalance.participation.model import Election, IntArray, Profile


class Support:
    """Supporters per project and, per project, the ballots of its supporters (built once)."""

    def __init__(self, election: Election, profile: Profile) -> None:
        self.num_projects = len(election.projects)
        self.num_voters = profile.num_voters
        self.profile = profile
        lengths = profile.lengths()
        self.row_of: IntArray = np.repeat(np.arange(self.num_voters, dtype=np.int64), lengths)
        order = np.argsort(profile.indices, kind="stable")
        self.sup_voters: IntArray = self.row_of[order]
        counts = np.bincount(profile.indices, minlength=self.num_projects)
        self.counts: IntArray = counts.astype(np.int64)
        self.sup_ptr: IntArray = np.zeros(self.num_projects + 1, np.int64)
        np.cumsum(counts, out=self.sup_ptr[1:])
        self._lengths = lengths
        self._entries: dict[int, tuple[IntArray, IntArray]] = {}

    def supporters(self, p: int) -> IntArray:
        """Indices of the voters who support project ``p``."""
        return self.sup_voters[self.sup_ptr[p] : self.sup_ptr[p + 1]]

    def entries(self, p: int) -> tuple[IntArray, IntArray]:
        """(project, voter) of every ballot entry of the supporters of ``p`` (cached)."""
        hit = self._entries.get(p)
        if hit is None:
            voters = self.supporters(p)
            lens = self._lengths[voters]
            starts = self.profile.indptr[voters]
            total = int(lens.sum())
            offsets = np.repeat(starts - np.concatenate(([0], np.cumsum(lens)[:-1])), lens)
            pos = offsets + np.arange(total, dtype=np.int64)
            hit = (self.profile.indices[pos], np.repeat(voters, lens))
            self._entries[p] = hit
        return hit


class Classes:
    """Voters grouped by exact value (MES budget, Phragmén load), with per-project histograms."""

    def __init__(self, support: Support, initial: Fraction) -> None:
        self.support = support
        self.values: list[Fraction] = [initial]
        self.floats: list[float] = [float(initial)]
        self._ids: dict[Fraction, int] = {initial: 0}
        self.sorted_values: list[tuple[Fraction, int]] = [(initial, 0)]
        self.cls: IntArray = np.zeros(support.num_voters, np.int64)
        self.cap = 8
        self.hist: IntArray = np.zeros((support.num_projects, self.cap), np.int64)
        self.hist[:, 0] = support.counts

    def intern(self, value: Fraction) -> int:
        """The class id of ``value``, made if new."""
        c = self._ids.get(value)
        if c is None:
            c = len(self.values)
            self._ids[value] = c
            self.values.append(value)
            self.floats.append(float(value))
            insort(self.sorted_values, (value, c))
            if c >= self.cap:
                grown = np.zeros((self.hist.shape[0], self.cap * 2), np.int64)
                grown[:, : self.cap] = self.hist
                self.hist, self.cap = grown, self.cap * 2
        return c

    def exact_total(self, p: int) -> Fraction:
        """Sum of the values of the supporters of ``p``: sum_c H[p,c] * value_c."""
        row = self.hist[p]
        return sum((int(row[c]) * v for c, v in enumerate(self.values) if row[c]), Fraction(0))

    def move_supporters(self, p: int, mapping: dict[int, int]) -> None:
        """Move every supporter of ``p`` from class c to ``mapping[c]``; update all histograms."""
        remap = np.arange(len(self.values), dtype=np.int64)
        for old, new in mapping.items():
            remap[old] = new
        eproj, evoter = self.support.entries(p)
        old_c = self.cls[evoter]
        new_c = remap[old_c]
        moved = old_c != new_c
        if not moved.any():
            return
        size = self.hist.size
        flat = self.hist.reshape(-1)
        flat -= np.bincount(eproj[moved] * self.cap + old_c[moved], minlength=size)
        flat += np.bincount(eproj[moved] * self.cap + new_c[moved], minlength=size)
        voters = self.support.supporters(p)
        self.cls[voters] = remap[self.cls[voters]]
