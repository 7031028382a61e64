"""MES with Add1 completion: byibalance vs pabutools (``voter_budget_increment=1``), side by side.

Run: ``python benchmarks/pb_add1.py [FOLDER]``. Both use "first exhaustive" (our
``add1-exhaustive``), the variant pabutools implements, with cost utilities; the selections must
be identical. Prints each time and the ratio.
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

FILES = ("Netherlands_Assen_2024.pb", "Poland_Swiecie_2023.pb")


def main() -> None:
    shared = Path(__file__).parents[2] / "shared/data/pabulib"
    folder = Path(
        sys.argv[1] if len(sys.argv) > 1 else os.environ.get("BYIBALANCE_PABULIB_DIR", shared)
    )
    for name in FILES:
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
            f"{name}: byibalance {ours_s:.2f} s, pabutools {theirs_s:.2f} s, "
            f"ratio {theirs_s / ours_s:.1f}x, identical selections: {same}"
        )


if __name__ == "__main__":
    main()
