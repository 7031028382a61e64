"""MES with Add1 completion: byibalance vs its previous engine and pabutools, side by side.

Run: ``python benchmarks/pb_add1.py [FOLDER]`` (FOLDER defaults to ``BYIBALANCE_PABULIB_DIR``,
else ``shared/data/pabulib``). ``python benchmarks/pb_add1.py --against REV [FOLDER]`` instead
times Add1's steps on Warsaw 2026 (``rules._add1``, the float counts) with this engine and with
``participation/mes_engine.py`` as of git revision REV, then the whole rule ("last feasible", one
worker) with this checkout's and with REV's ``mes_engine.py`` and ``rules.py``, alternately in one
process, 3 runs each, and checks that both settle on the same selection and per-voter budget.
``python benchmarks/pb_add1.py --now [FOLDER]`` times only this engine's whole rule
(``method_of_equal_shares``) on Warsaw 2026, 3 runs per completion, one worker (the steps one
after another) and two workers (``add1_workers=2``: steps counted ahead in forked processes)
alternately, and checks that both settle on the same budget and selection.

- Add1 "last feasible" (``add1``) and "first exhaustive" (``add1-exhaustive``): the current engine
  against the previous one (``rules._add1_reference``), same process; selections must be
  identical. Warsaw 2026 is the issue's target (2 s). From 1,000 voters each Add1 step is
  first counted in floats with proven error bounds (``MesEngine.certified_chosen``); the line
  says how many steps gave up and went to the exact count.
- "First exhaustive" against pabutools (``voter_budget_increment=1``, cost utilities) on the
  small files only: pabutools Add1 on Warsaw 2026 takes far too long to run side by side.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import types
from fractions import Fraction
from pathlib import Path

from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import method_of_equal_shares as pabu_mes

from byibalance.participation import RuleOptions, method_of_equal_shares
from byibalance.participation.files import read_pb
from byibalance.participation.mes_engine import MesEngine, MesResult
from byibalance.participation.rules import _add1, _add1_reference, _tie_key
from byibalance.participation.support import Support

SMALL = ("Netherlands_Assen_2024.pb", "Poland_Swiecie_2023.pb")
VERSUS_REFERENCE = (*SMALL, "Poland_Wieliczka_2023_Green_Budget.pb", "Poland_Warszawa_2026.pb")


_FALLBACKS = [0]
_exact_run = MesEngine._exact_run


def _counting_exact_run(self: MesEngine, budget: Fraction, explain: bool) -> MesResult:
    """The engine's exact count, counted when it answers for a float count that gave up."""
    _FALLBACKS[0] += not explain and self.support.num_voters >= self.CERTIFIED_FROM_VOTERS
    return _exact_run(self, budget, explain)


setattr(MesEngine, "_exact_run", _counting_exact_run)  # noqa: B010 (a benchmark probe)


def _count_fallbacks() -> int:
    return _FALLBACKS[0]


def _module_at(rev: str, name: str, uses: dict[str, types.ModuleType]) -> types.ModuleType:
    """``participation/<name>.py`` as of git revision ``rev``, importing ``uses`` in place of
    this checkout's modules of those names (so its rules count with its own engine)."""
    source = subprocess.run(
        ["git", "show", f"{rev}:src/byibalance/participation/{name}.py"],
        check=True,
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
    ).stdout
    module = types.ModuleType(f"previous_{name}")
    sys.modules[module.__name__] = module  # its dataclasses look their module up
    ours = {key: sys.modules[key] for key in uses}
    sys.modules.update(uses)
    try:
        exec(compile(source, f"{name}.py@{rev}", "exec"), module.__dict__)
    finally:
        sys.modules.update(ours)
    return module


def against(rev: str, folder: Path) -> None:
    """Warsaw 2026 with Add1, this checkout beside git revision ``rev``: Add1's steps (the float
    counts, ``rules._add1`` with each revision's engine), then the whole rule with one worker
    (``method_of_equal_shares`` with each revision's engine and rules), alternately."""
    previous = _module_at(rev, "mes_engine", {})
    previous_rules = _module_at(rev, "rules", {"byibalance.participation.mes_engine": previous})
    election, profile = read_pb(folder / "Poland_Warszawa_2026.pb")
    support = Support(election, profile)
    key = _tie_key(election, support.counts, "id")
    start = election.budget / profile.num_voters
    options = RuleOptions(completion="add1")
    times: dict[str, list[float]] = {rev: [], "now": []}
    for _ in range(3):
        for name, cls in ((rev, previous.MesEngine), ("now", MesEngine)):
            engine = cls(election, support, "cost", key)
            t0 = time.perf_counter()
            budget = _add1(election, engine, start, options)
            times[name].append(time.perf_counter() - t0)
            print(f"{name}: {times[name][-1]:.2f} s, per-voter budget {budget}", flush=True)
    best_prev, best_now = min(times[rev]), min(times["now"])
    print(
        f"Warsaw 2026 Add1 steps, best of 3: now {best_now:.2f} s, {rev} {best_prev:.2f} s, "
        f"ratio {best_prev / best_now:.2f}x; load {os.getloadavg()}",
        flush=True,
    )
    whole: dict[str, list[float]] = {rev: [], "now": []}
    seen = set()
    for _ in range(3):
        for name, rule in (
            (rev, previous_rules.method_of_equal_shares),
            ("now", method_of_equal_shares),
        ):
            t0 = time.perf_counter()
            out = rule(election, profile, options=options)
            whole[name].append(time.perf_counter() - t0)
            seen.add((out.selected, out.voter_budget))
            print(f"{name} whole rule: {whole[name][-1]:.2f} s", flush=True)
    best_prev, best_now = min(whole[rev]), min(whole["now"])
    print(
        f"Warsaw 2026 Add1 whole rule, one worker, best of 3: now {best_now:.2f} s, {rev} "
        f"{best_prev:.2f} s, ratio {best_prev / best_now:.2f}x; same selection and per-voter "
        f"budget: {len(seen) == 1}; load {os.getloadavg()}",
        flush=True,
    )


def main() -> None:
    shared = Path(__file__).parents[2] / "shared/data/pabulib"
    args = sys.argv[1:]
    rev = None
    if args[:1] == ["--against"]:
        rev, args = args[1], args[2:]
    folder = Path(args[0] if args else os.environ.get("BYIBALANCE_PABULIB_DIR", shared))
    now_only = args[:1] == ["--now"]
    if now_only:
        args = args[1:]
        folder = Path(args[0] if args else os.environ.get("BYIBALANCE_PABULIB_DIR", shared))
    if rev is not None or now_only:
        print(f"load average (1, 5, 15 min): {os.getloadavg()}", flush=True)
        if rev is not None:
            against(rev, folder)
            return
        election, profile = read_pb(folder / "Poland_Warszawa_2026.pb")
        seen: dict[str, set[tuple[object, ...]]] = {}
        for completion in ("add1", "add1", "add1", "add1-exhaustive", "add1-exhaustive"):
            for workers in (1, 2):
                t0 = time.perf_counter()
                ours = method_of_equal_shares(
                    election,
                    profile,
                    options=RuleOptions(completion=completion, add1_workers=workers),  # type: ignore[arg-type]
                )
                print(
                    f"Warsaw 2026 {completion}, {workers} worker(s): "
                    f"{time.perf_counter() - t0:.2f} s, per-voter budget {ours.voter_budget}",
                    flush=True,
                )
                seen.setdefault(completion, set()).add((ours.voter_budget, ours.selected))
        print(f"same result with 1 and 2 workers: {all(len(v) == 1 for v in seen.values())}")
        print(f"load average (1, 5, 15 min): {os.getloadavg()}", flush=True)
        return
    print(f"load average (1, 5, 15 min): {os.getloadavg()}", flush=True)
    for name in VERSUS_REFERENCE:
        election, profile = read_pb(folder / name)
        for completion in ("add1", "add1-exhaustive"):
            options = RuleOptions(completion=completion)
            gave_up = _count_fallbacks()
            t0 = time.perf_counter()
            ours = method_of_equal_shares(election, profile, options=options)
            ours_s = time.perf_counter() - t0
            fallbacks = _count_fallbacks() - gave_up
            t0 = time.perf_counter()
            ref_selected, ref_budget = _add1_reference(election, profile, options)
            ref_s = time.perf_counter() - t0
            same = ours.selected == ref_selected and ours.voter_budget == ref_budget
            print(
                f"{name} {completion}: now {ours_s:.2f} s, previous engine {ref_s:.2f} s, "
                f"ratio {ref_s / ours_s:.2f}x, identical selections: {same}, "
                f"float counts that gave up: {fallbacks}",
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
