"""MES with Add1 completion: byibalance vs its previous engine and pabutools, side by side.

Run: ``python benchmarks/pb_add1.py [FOLDER]`` (FOLDER defaults to ``BYIBALANCE_PABULIB_DIR``,
else ``shared/data/pabulib``).

- Add1 "last feasible" (``add1``) and "first exhaustive" (``add1-exhaustive``): the current engine
  against the previous one (``rules._add1_reference``), same process; selections must be
  identical. Warsaw 2026 is the issue's target (2 s).
- "First exhaustive" against pabutools (``voter_budget_increment=1``, cost utilities) on the
  small files only: pabutools Add1 on Warsaw 2026 takes far too long to run side by side.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import method_of_equal_shares as pabu_mes

from byibalance.participation import RuleOptions, method_of_equal_shares
from byibalance.participation.files import read_pb
from byibalance.participation.rules import _add1_reference

SMALL = ("Netherlands_Assen_2024.pb", "Poland_Swiecie_2023.pb")
VERSUS_REFERENCE = (*SMALL, "Poland_Wieliczka_2023_Green_Budget.pb", "Poland_Warszawa_2026.pb")


def main() -> None:
    shared = Path(__file__).parents[2] / "shared/data/pabulib"
    folder = Path(
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BYIBALANCE_PABULIB_DIR", shared)
    )
    for name in VERSUS_REFERENCE:
        election, profile = read_pb(folder / name)
        for completion in ("add1", "add1-exhaustive"):
            options = RuleOptions(completion=completion)  # type: ignore[arg-type]
            t0 = time.perf_counter()
            ours = method_of_equal_shares(election, profile, options=options)
            ours_s = time.perf_counter() - t0
            t0 = time.perf_counter()
            ref_selected, ref_budget = _add1_reference(election, profile, options)
            ref_s = time.perf_counter() - t0
            same = ours.selected == ref_selected and ours.voter_budget == ref_budget
            print(
                f"{name} {completion}: now {ours_s:.2f} s, previous engine {ref_s:.2f} s, "
                f"ratio {ref_s / ours_s:.2f}x, identical selections: {same}",
                flush=True,
            )
    for name in SMALL:
        election, profile = read_pb(folder / name)
        t0 = time.perf_counter()
        ours = method_of_equal_shares(
            election, profile, options=RuleOptions(completion="add1-exhaustive")
        )
        ours_s = time.perf_counter() - t0
        instance, pprofile = parse_pabulib(str(folder / name))
        t0 = time.perf_counter()
        theirs = pabu_mes(instance, pprofile, sat_class=Cost_Sat, voter_budget_increment=1)
        theirs_s = time.perf_counter() - t0
        same = set(ours.selected) == {p.name for p in theirs}
        print(
            f"{name} add1-exhaustive: byibalance {ours_s:.2f} s, pabutools {theirs_s:.2f} s, "
            f"ratio {theirs_s / ours_s:.1f}x, identical selections: {same}",
            flush=True,
        )


if __name__ == "__main__":
    main()
