"""Benchmark: 500 ambitions over 15 years solved by HiGHS to proven optimality, against a greedy
heuristic run side by side in the same process (time and objective).

    python benchmarks/portfolio_optimise.py [--ambitions 500] [--years 15] [--seed 1]
                                            [--time-limit 600] [--frames hard|warning]

The catalogue is random but seeded (costs 1-40 mio. DKK a year, durations 1-4 years, windows
up to 6 years, 10 % with a dependency, 5 % in an either-or pair); the room is sized so that
about a third of the ambitions fit. ``--frames hard`` (default) makes every rule a constraint,
the model measured since the start; ``warning`` leaves the collective frames (capital, service)
out of the constraints, as ``byibalance ambitions`` does by default.
"""

from __future__ import annotations

import argparse
import random
import time

from byibalance.portfolio import (
    Ambition,
    Catalogue,
    Headroom,
    Problem,
    check_plan,
    greedy_plan,
    modes_for,
)
from byibalance.portfolio import solve as solve_exact
from byibalance.provenance import Status


def catalogue(n: int, first: int, years: int, rng: random.Random) -> Catalogue:
    items: list[Ambition] = []
    for i in range(n):
        earliest = first + rng.randrange(years - 1)
        latest = min(first + years - 1, earliest + rng.randrange(6))
        requires: list[str] = []
        if i > 10 and rng.random() < 0.10:
            requires = [f"a{rng.randrange(i)}"]
        excludes: list[str] = []
        if i > 10 and rng.random() < 0.05:
            other = f"a{rng.randrange(i)}"
            if other not in requires:
                excludes = [other]
        items.append(
            Ambition(
                id=f"a{i}", name=f"Ambition {i}", capital_per_year=rng.uniform(1, 40),
                operating_per_year=rng.uniform(-2, 3), revenue_one_off=rng.choice([0, 0, 0, 30]),
                earliest_start=earliest, latest_start=latest, duration=rng.randint(1, 4),
                requires=requires, excludes=excludes, priority=rng.choice([0.5, 1, 1.5]),
                social=rng.uniform(-2, 10), economic=rng.uniform(-2, 10),
                climate=rng.uniform(0, 3000), environment=rng.uniform(-2, 10),
                status=Status.ASSUMPTION, source="benchmark",
            )
        )  # fmt: skip
    return Catalogue(items)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ambitions", type=int, default=500)
    parser.add_argument("--years", type=int, default=15)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--time-limit", type=float, default=600.0)
    parser.add_argument("--frames", choices=["hard", "warning"], default="hard")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    first = 2027
    cat = catalogue(args.ambitions, first, args.years, rng)
    total = sum(a.capital_per_year * a.duration for a in cat.ambitions())
    per_year = total / args.years / 3
    room = Headroom(
        years=tuple(range(first, first + args.years)),
        capital=(per_year,) * args.years,
        liquidity=tuple(per_year * 0.6 * (i + 1) for i in range(args.years)),
        service=(args.ambitions * 0.05,) * args.years,
        status=Status.ASSUMPTION, source="benchmark",
    )  # fmt: skip
    problem = Problem(cat, room, modes=modes_for(args.frames))

    t0 = time.perf_counter()
    greedy = greedy_plan(problem)
    t_greedy = time.perf_counter() - t0
    t0 = time.perf_counter()
    exact = solve_exact(problem, time_limit=args.time_limit)
    t_exact = time.perf_counter() - t0
    assert check_plan(problem, exact.starts) == [] and check_plan(problem, greedy.starts) == []

    print(f"{args.ambitions} ambitions x {args.years} years, seed {args.seed}, "
          f"frames {args.frames}")  # fmt: skip
    print(f"exact (HiGHS): {t_exact:8.2f} s  objective {exact.objective:10.3f}  "
          f"chosen {len(exact.starts)}  proven optimal {exact.proven_optimal}  "
          f"gap {exact.gap:.2e}")  # fmt: skip
    print(f"greedy:        {t_greedy:8.2f} s  objective {greedy.objective:10.3f}  "
          f"chosen {len(greedy.starts)}")  # fmt: skip
    print(f"ratio time exact/greedy: {t_exact / t_greedy:.1f}x; objective greedy/exact: "
          f"{greedy.objective / exact.objective:.4f} "
          f"({100 * (1 - greedy.objective / exact.objective):.2f} % lost by greedy)")  # fmt: skip


if __name__ == "__main__":
    main()
