"""Benchmark: the ambitions' reasons (``explain``, one exact re-solve per ambition) for
Albertslund's plan as ``byibalance ambitions --municipality 165`` builds it, against a previous
revision's ``explain`` run side by side in the same process.

    git worktree add /tmp/explain-base <revision>
    python benchmarks/portfolio_explain.py --baseline /tmp/explain-base [--rounds 2]
    git worktree remove /tmp/explain-base

The baseline is that revision's ``src/byibalance/portfolio/explain.py`` loaded as a module of its
own (the model, the solver and the rest of the package are this checkout's). Rounds alternate
baseline and current; each prints its wall time, and the script checks that both give the same
reasons, displaced and incoming ambitions and values lost (to 1e-6 of a value point, the
solver's tolerance; the command's JSON rounds to 6 decimals).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from byibalance.cli.portfolio import _budget_headroom
from byibalance.portfolio import Problem, explain, modes_for
from byibalance.portfolio.budget import solve_verified
from byibalance.portfolio.loaders import default_catalogue_path, read_catalogue


def load_baseline(worktree: Path) -> ModuleType:
    path = worktree / "src" / "byibalance" / "portfolio" / "explain.py"
    spec = importlib.util.spec_from_file_location("explain_baseline", path)
    if spec is None or spec.loader is None:
        sys.exit(f"no explain.py at {path}: give the worktree of the baseline revision")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def albertslund() -> tuple[Problem, Any]:
    catalogue = read_catalogue(default_catalogue_path("165")).catalogue
    room, budget_check = _budget_headroom("165", None, None, True)
    problem = Problem(catalogue, room, modes=modes_for("warning"))
    plan, problem, _ = solve_verified(problem, lambda starts: budget_check(starts, catalogue))
    return problem, plan


def summary(e: Any) -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for r in e.rejected:
        loss = None if r.value_loss is None else round(r.value_loss, 6)
        rows.append((r.id, str(r.reason), r.displaces, loss, r.best_start, r.money_needed))
    for c in e.chosen:
        loss = None if c.value_loss_if_removed is None else round(c.value_loss_if_removed, 6)
        rows.append((c.id, str(c.reason), c.would_come_in, loss, c.start))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, required=True, help="worktree of the baseline")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    base = load_baseline(args.baseline)
    problem, plan = albertslund()
    print(f"Albertslund: {len(problem.catalogue)} ambitions, {len(plan.starts)} chosen")
    times: dict[str, list[float]] = {"baseline": [], "current": []}
    results: dict[str, list[tuple[Any, ...]]] = {}
    for _ in range(args.rounds):
        for name, fn in (("baseline", base.explain), ("current", explain)):
            t = time.perf_counter()
            e = fn(problem, plan)
            times[name].append(time.perf_counter() - t)
            results[name] = summary(e)
            print(f"  {name:8s} {times[name][-1]:6.2f} s", flush=True)
    same = results["baseline"] == results["current"]
    b, c = statistics.median(times["baseline"]), statistics.median(times["current"])
    print(f"median: baseline {b:.2f} s, current {c:.2f} s, {b / c:.2f}x; same reasons: {same}")
    if not same:
        sys.exit("the explanations differ")


if __name__ == "__main__":
    main()
