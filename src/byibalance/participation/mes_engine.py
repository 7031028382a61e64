"""The Method of Equal Shares, fast and exact.

Each voter's money is kept exactly, as a class id into a table of fractions (voters with equal
money share a class), and as the correctly rounded float of that fraction. A round finds the
winner in floating point, lazily, and confirms it exactly:

- ρ_p = q_p / u_p never decreases during a count (money only decreases, so q_p only grows). A
  heap holds, per project, a lower bound of its exact ρ; only projects whose bound could beat
  the best fresh value are recomputed (as pabutools and equalshares.net do).
- A fresh float ρ_p comes with a relative error bound ``tol_p``: the supporters' money sums to
  ``avail`` with error below (k+2)·u·avail (k supporters, u = 2^-53, each money correctly
  rounded); g(q) = Σ min(m_i, q) is then off by at most that much, and its slope near q is at
  least the number of supporters whose money is clearly above q, so q is off by at most
  error / slope. Every project whose exact ρ could tie or beat the best is recomputed exactly,
  with fractions over its supporters' money classes, and the exact minimum (then the tie-break)
  wins. Affordability is decided in float only outside its error bound, else exactly.

So every decision equals the exact rule's decision, and every voter's money stays exact.

Bookkeeping (what Add1 pays 184 times on Warsaw 2026): the classes' floats live in one numpy
array, each the correctly rounded float of its class's exact value (computed from the fraction,
never by float subtraction), so the error argument above holds unchanged. A payment splits the
winner's classes into poor (pay everything) and rich (pay q) in numpy: a class is poor iff its
exact money m ≤ q; correct rounding is monotone, so float(m) < float(q) implies m < q and
float(m) > float(q) implies m > q, and only equal floats are compared exactly. Sorting classes by
float is likewise the exact order except within runs of equal floats, which are sorted by their
fractions. The previous engine is kept as ``_ReferenceMesEngine``, the oracle of the tests.

Add1's reruns (``run`` without ``explain``) need only the projects bought, and first go to
``certified_chosen``: the same count in floats only, with a rigorous error bound on every
quantity; it answers only if every decision lies outside its bound, else it gives up (``None``)
and the exact count above answers. u = 2^-53, b0 the per-voter budget, η = 8·u·b0.

- Money: each voter's float m~_i carries a bound δ_i ≥ |m~_i − m_i| (m_i exact); initially
  m~ = fl(b0), δ = η. A voter who pays everything gets exactly 0 (δ = 0): so m~_i = 0 iff m_i = 0.
  dmax ≥ every δ_i: it starts at η and grows by d + η per round (an upper bound, not the max).
- Price of p (k supporters, cost c): any float q~ (Newton on G(q) = Σ min(m~_i, q), from a lower
  bound). Then |G_exact(q~) − c| ≤ err = |g − c| + Σ_{m~_i < q~ + dmax + η} δ_i
  + (k+8)·u·(2c+2·max(g, g')), g the float value of G~(q~) = Σ min(m~_i, q~) (voters with
  m~_i ≥ q~ + δ_i have min = q~ both ways; the last term covers the sum's rounding and c's).
  g is not summed again: Newton stops when no m~_i lies between its last two iterates q' and q~,
  so G~ is affine there and g = g' + (q~ − q')·#{m~_i ≥ q'}, g' the float sum at q'; its
  rounding ((k−1)·u·g' for the sum, a few u·max(g, g') for the update) fits the same term.
  Let s = #{m~_i > q~ + T + dmax + η}, so m_i > q~ + T, with T = 1e-9·b0.
  G has slope ≥ s on [q~ − T, q~ + T]; if err ≤ s·T then |q_exact − q~| ≤ d = err/s (+ margins):
  above q~ + d, G would exceed c; below q~ − d, G(q~) would exceed c + err. This also proves p
  affordable (G(q~ + d) ≥ c). Else give up. ρ's interval is [q~ − d, q~ + d] / u(p), widened.
  The near voters' Σ δ_i is first bounded by (#supporters − s)·dmax, reading no δ (a near
  voter is none of the s clearly rich ones, and δ_i ≤ dmax). δ is read only where that bound is
  too coarse to certify, and for each round's winner: its d moves dmax and every payer's δ, and
  the coarse bound there would make them grow geometrically (see below).
- Unaffordable: Σ m~ + Σ δ + rounding < c proves Σ m < c; money only falls, so p stays out.
- Winner: lazy heap of lower bounds of ρ, as above (exact ρ never decreases); the winner is the
  project with the least upper bound, certified only if every other evaluated project's lower
  bound is above it (heap entries are, by the pop condition). Any overlap, including an exact
  tie for the tie-break, gives up.
- Payment: a supporter is certainly poor (m_i ≤ q) if m~_i < q~ − d − η − dmax, certainly rich
  if m~_i > q~ + d + η + dmax (δ_i ≤ dmax; one comparison per supporter, no δ read); one
  undecided supporter (e.g. money exactly equal to the price) gives up. Rich: m~' = fl(m~ − q~),
  δ' = δ + d + η (old error, price error, rounding). As every payer is certainly rich
  (m~ − q~ > 0) or poor (m~ − q~ < 0), m~' is max(fl(m~ − q~), 0) for all of them at once.
- Fewer passes: Newton starts reach = 2T + dmax + 2η below the lower bound of q, and its stop
  test counts the m~ ≤ q~ + reach. Where that count equals the poor count at the step's start
  q' ≤ q~, no m~ lies in [q', q~ + reach]: G~ is affine on [q', q~], s is the number of
  supporters not poor at q' (reach ≥ T + dmax + η), the near voters are exactly those with
  m~ < q~, and if q' ≤ q~ − band the payment is certified without a pass of its own (band =
  d + η + dmax ≤ reach, as err ≤ s·T gives d ≤ T + η). Otherwise each is counted as above.

So a certified answer is the exact rule's selection; the exact count handles the rest. On
Warsaw 2026 no Add1 step gives up, and each float count takes ~5–8 ms instead of ~90 ms.
The winner's near voters' δ are summed from the δ gathered to pay them
(``np.where(mask, δ, 0).sum()``), not with ``np.dot`` and a boolean mask: that dot casts the mask
and goes through BLAS, and was once the count's largest cost (a third in a line profile, far
worse when other jobs share the CPU). The other projects priced in a round (about one per round
on Warsaw 2026) use the bound without δ, and each step's total cost is summed in integers (the
costs over one common denominator), not in fractions. Other
per-election structures (supporter counts, the supported projects) are built once per engine,
affordability at the start is decided in floats unless within rounding, and the winner's
supporters' money, gathered to price it, is reused to pay. A global bound instead (#near ·
dmax, no δ per voter) was tried and rejected: dmax then grows geometrically over a count and
every Warsaw 2026 step gave up.
Rejected: parametric skipping over b (the poor sets change at every 1 PLN step on Warsaw 2026,
so a run's decision path never extends to the next step; the selection does, 119 of 184 times,
but no cheap certificate of that was found).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np

from byibalance.participation.model import Election
from byibalance.participation.outcome import Round
from byibalance.participation.support import Support

_U = 2.0**-53
_add = np.add.reduce  # what ndarray.sum runs, without its Python-level wrapper (hot loop)

try:  # GMP rationals are ~10x faster than fractions.Fraction; same exact values
    from gmpy2 import mpq as _Q
except ImportError:  # pragma: no cover - gmpy2 comes with the test extra
    _Q = Fraction


def _q(x: Fraction) -> Any:
    return _Q(x.numerator, x.denominator)


def _fraction(x: Any) -> Fraction:
    return Fraction(int(x.numerator), int(x.denominator))


def _masked_sum(values: np.ndarray, mask: np.ndarray) -> float:
    """Σ of the nonnegative ``values`` where ``mask`` holds: x·1 = x and x·0 = 0 exactly, and a
    product is cheaper than a where or a boolean gather (and a dot would cast and go to BLAS)."""
    return float(_add(np.multiply(values, mask)))


def _near_errors(errors: np.ndarray, money: np.ndarray, below: float) -> float:
    """Σ δ_i over the voters whose float money is below ``below``."""
    return _masked_sum(errors, money < below)


@dataclass
class MesResult:
    """Bought projects in order; with ``explain``, rounds, effective support and shortfalls."""

    chosen: list[int]
    rounds: list[Round] = field(default_factory=list)
    effective_support: dict[int, float] = field(default_factory=dict)
    shortfall: dict[int, Fraction] = field(default_factory=dict)


_Priced = tuple[int, float, int, float, float, "np.ndarray | None", np.ndarray, np.ndarray]


class MesEngine:
    """MES counts over one election; ``run(b0)`` counts with b0 per voter (Add1 reruns it).

    Below ``REFERENCE_BELOW_VOTERS`` voters the counts go to the previous engine (same exact
    results, fewer numpy calls on tiny arrays, which cost more than they save there).
    """

    REFERENCE_BELOW_VOTERS = 1000
    # Below this, Add1's reruns skip the float count: tiny elections tie often and numpy's
    # per-call cost dominates (Assen 2024, 84 voters: 2.4 s with it, 1.1 s without).
    CERTIFIED_FROM_VOTERS = 1000

    def __init__(
        self,
        election: Election,
        support: Support,
        utility: str,
        tie_key: Callable[[int], tuple[object, ...]],
    ) -> None:
        self.election = election
        self.support = support
        self.costs = [_q(p.cost) for p in election.projects]
        self.fcosts = [float(c) for c in self.costs]
        self.cost_utility = utility == "cost"
        self.tie_key = tie_key
        self._fvals: list[float] = []
        self._fv = np.zeros(0)  # correctly rounded float of every class's exact money
        self._last_unique: tuple[int, np.ndarray, np.ndarray, np.ndarray] | None = None
        self.exact_fallbacks = 0  # counts the certified float count gave up on
        self._sups = [support.supporters(p) for p in range(len(self.costs))]
        self._counts: list[int] = support.counts.tolist()
        self._supported = [(p, k) for p, k in enumerate(self._counts) if k]
        self._reference = (
            _ReferenceMesEngine(election, support, utility, tie_key)
            if support.num_voters < self.REFERENCE_BELOW_VOTERS
            else None
        )

    def _utility(self, p: int) -> Any:
        return self.costs[p] if self.cost_utility else _Q(1)

    def run(self, budget_per_voter: Fraction, explain: bool = False) -> MesResult:
        """Count with ``b0`` per voter (see the module docstring for the exactness argument).

        Without ``explain`` (Add1's reruns), the certified float count answers first; it gives
        up (``None``) on any decision inside its error bound, and the exact count answers then.
        """
        if not explain and self.support.num_voters >= self.CERTIFIED_FROM_VOTERS:
            chosen = self.certified_chosen(budget_per_voter)
            if chosen is not None:
                return MesResult(chosen)
            self.exact_fallbacks += 1
        return self._exact_run(budget_per_voter, explain)

    def certified_chosen(self, budget_per_voter: Fraction) -> list[int] | None:
        """The projects bought with ``b0`` per voter, counted in floats with rigorous error
        bounds; ``None`` as soon as a decision cannot be certified (see the module docstring).
        """
        # per project, its supporters who may still hold money: a supporter at exactly 0 stays
        # there, is poor for every price and adds 0 to every sum, so is dropped (compacted)
        sups = list(self._sups)
        compact = [True] * len(sups)
        counts = self._counts
        b0 = _q(budget_per_voter)
        fb = float(b0)
        if not 0 < fb < float("inf"):
            return None
        eta = 8 * _U * fb  # absorbs the rounding of each comparison and bound below
        slack = 1e-9 * fb  # a price's error bound must stay below this
        money = np.full(self.support.num_voters, fb)  # m~_i; m~_i = 0 exactly iff m_i = 0
        delta = np.full(self.support.num_voters, eta)  # |m~_i - m_i| <= δ_i
        dmax = eta  # an upper bound of every δ_i
        fcosts = self.fcosts
        utils = fcosts if self.cost_utility else [1.0] * len(fcosts)
        heap: list[tuple[float, int]] = []
        for p, cnt in self._supported:
            # k·b0 >= c in floats unless within rounding (then exactly), as the exact count
            have = cnt * fb
            if have < fcosts[p] * (1 - 1e-12) or (
                have <= fcosts[p] * (1 + 1e-12) and cnt * b0 < self.costs[p]
            ):
                continue
            # q_p >= c_p / k_p always (no supporter pays more than q): a lower bound of
            # ρ_p for the whole count, as ρ_p never decreases
            heap.append((fcosts[p] / cnt / utils[p] * (1 - 8 * _U), p))
        heapq.heapify(heap)
        chosen: list[int] = []
        while heap:
            refreshed: list[tuple[float, int]] = []  # (lower bound of exact ρ_p, p)
            # (p, q~, s, error but the near voters', their δ if read, supporters, their money):
            # the winner's gather is reused to pay
            best: _Priced | None = None
            best_hi = float("inf")
            # at least slack + dmax + η (s below) and at least any winner's band (d <= slack + η)
            reach = 2 * slack + dmax + 2 * eta
            while heap and heap[0][0] <= best_hi:
                lo0, p = heapq.heappop(heap)
                sup = sups[p]
                m = money.take(sup, mode="wrap")  # valid indices: "wrap" only skips the error path
                k, c, u = counts[p], fcosts[p], utils[p]
                zeros = k - len(sup)
                # q~: Newton on the piecewise linear G(q) = Σ min(m~_i, q), from below; it
                # stops when the poor set {m~ < q} no longer grows (then q~ = (c - Σ_poor) /
                # #rich up to rounding). Any q~ will do: the bounds below certify it or not.
                # It starts `reach` below the lower bound, so that where it lands in one step
                # no supporter's money lies within `reach` of q~ on either side (see `clear`).
                q = max(lo0 * u - reach, 0.0)
                npoor = zeros + int(np.count_nonzero(m < q))
                g = gq = 0.0
                clear = -1.0  # if >= 0: no m~ in [clear, q~ + reach]
                s = -1
                for _ in range(64):
                    if npoor == k:
                        break
                    gq = float(_add(np.minimum(m, q)))
                    q_new = q + (c - gq) / (k - npoor)
                    if q <= q_new and zeros + int(np.count_nonzero(m <= q_new + reach)) == npoor:
                        # no supporter's money in [q, q_new + reach]: G is affine on [q, q_new],
                        # and every supporter not poor at q is clearly rich at q_new
                        g = gq + (q_new - q) * (k - npoor)
                        clear, q, s = q, q_new, k - npoor
                        break
                    now_poor = zeros + int(np.count_nonzero(m < q_new))
                    if now_poor == npoor:
                        # no supporter's money lies between q and q_new, so G is affine there
                        g = gq + (q_new - q) * (k - npoor)
                        q = q_new
                        break
                    q, npoor = q_new, now_poor
                else:
                    return None
                if npoor == k or not q > 0:
                    avail = float(m.sum())
                    slop = float(delta[sup].sum()) + (k + 4) * _U * avail + 4 * _U * c
                    if avail + slop < c:
                        continue  # exactly unaffordable now, hence for the rest of the count
                    return None
                # |G_exact(q~) - c|: the residual, the sum's rounding, the money's errors
                # (only voters with m~ < q~ + δ can have min(m, q~) != min(m~, q~)), and
                # the rounding of c. The money's errors are first bounded without reading δ:
                # a near voter is none of the s clearly rich ones and has δ_i <= dmax.
                if s < 0:
                    s = int(np.count_nonzero(m > q + (slack + dmax + eta)))
                if s == 0:
                    return None
                base = abs(g - c) + (k + 8) * _U * (2 * c + 2 * max(g, gq))
                err = base + (len(sup) - s) * dmax
                dg = None
                if err * (1 + 1e-6) > s * slack:
                    dg = delta.take(sup, mode="wrap")
                    err = base + _near_errors(dg, m, q + (dmax + eta))
                    if err * (1 + 1e-6) > s * slack:
                        return None
                d = err * (1 + 1e-6) / s + eta  # |q_exact - q~| <= d (slope argument)
                lo = max(q - d - eta, 0.0) / u * (1 - 4 * _U)
                hi = (q + d + eta) / u * (1 + 4 * _U)
                refreshed.append((lo, p))
                if compact[p] and 2 * (npoor - zeros) > len(sup):
                    live = sup[m > 0.0]
                    compact[p] = len(live) < 0.9 * len(sup)
                    sups[p] = live
                if hi < best_hi:
                    best_hi, best = hi, (p, q, s, base, clear, dg, sup, m)
            if best is None:
                break
            w, q, s, base, clear, dg, sup, m = best  # nobody's money changed since w was priced
            # the winner's price error from its near voters' own δ (it moves every payer's δ
            # and dmax, so the coarse bound would make them grow geometrically); where Newton
            # left no money within reach of q~, the near voters are the poor ones, m~ < q~
            if dg is None:
                dg = delta.take(sup, mode="wrap")
            poor = m < (q if clear >= 0 else q + (dmax + eta))
            d = (base + _masked_sum(dg, poor)) * (1 + 1e-6) / s + eta
            u = utils[w]
            best_hi = min(best_hi, (q + d + eta) / u * (1 + 4 * _U))
            for lo, p in refreshed:
                if p != w:
                    if lo <= best_hi:
                        return None  # a near-tie for the winner: the exact count decides
                    heapq.heappush(heap, (lo, p))
            band = d + eta + dmax  # δ_i <= dmax
            if not (0 <= clear <= q - band and band <= reach):
                rich = m > q + band
                if np.count_nonzero(rich) + np.count_nonzero(m < q - band) != len(m):
                    return None  # a supporter's money too close to the price
                poor = ~rich
            # every payer is certainly rich (m~ - q~ > band > 0) or poor (m~ - q~ < 0), so
            # this is m~ - q~ for the rich and 0 for the poor, as rounded by one subtraction
            money[sup] = np.maximum(m - q, 0.0)
            # a rich payer's new error: old error + price error + rounding; the poor have 0
            dg += d + eta
            dg *= ~poor
            delta[sup] = dg
            dmax += d + eta
            chosen.append(w)
        return chosen

    def _exact_run(self, budget_per_voter: Fraction, explain: bool) -> MesResult:
        if self._reference is not None:
            return self._reference.run(budget_per_voter, explain)
        b0 = _q(budget_per_voter)
        sup_of = self.support.supporters
        n = self.support.num_voters
        values: list[Any] = [_Q(0), b0]  # class 0: no money left
        fvals: list[float] = [0.0, float(b0)]
        cls = np.ones(n, np.int64)
        money = np.full(n, float(b0))
        self._fvals = fvals
        fv_arr = np.empty(max(1024, 4 * n))
        fv_arr[:2] = fvals
        nvals = 2
        self._fv = fv_arr
        self._last_unique = None
        heap: list[tuple[float, int]] = []
        for p, cnt in enumerate(self.support.counts.tolist()):
            if cnt and cnt * b0 >= self.costs[p]:
                rho = self.costs[p] / cnt / self._utility(p)
                heap.append((float(rho) * (1 - 4 * _U), p))
        heapq.heapify(heap)
        result = MesResult([])
        while heap:
            refreshed: list[tuple[float, float, int]] = []  # (lower, upper, p) of exact ρ
            best_upper = float("inf")
            while heap and heap[0][0] <= best_upper:
                _, p = heapq.heappop(heap)
                fresh = self._float_rho(p, money[sup_of(p)], cls, values)
                if fresh is None:
                    continue
                refreshed.append((fresh[0], fresh[1], p))
                best_upper = min(best_upper, fresh[1])
            if not refreshed:
                break
            exact: list[tuple[Any, tuple[object, ...], int, Any]] = []
            for lower, _, p in refreshed:
                if lower <= best_upper:
                    q = self._exact_q(p, cls, values)
                    if q is not None:
                        exact.append((q / self._utility(p), self.tie_key(p), p, q))
            if not exact:
                for lower, _, p in refreshed:
                    if lower > best_upper:
                        heapq.heappush(heap, (lower, p))
                continue
            exact.sort(key=lambda t: (t[0], t[1]))
            rho_w, _, w, q = exact[0]
            for lower, _, p in refreshed:
                if p != w:
                    heapq.heappush(heap, (lower, p))
            sup = sup_of(w)
            last = self._last_unique
            if last is not None and last[0] == w:  # the exact q of w was just computed
                _, uniq, inverse, counts_a = last
            else:
                uniq, inverse, counts_a = np.unique(
                    cls[sup], return_inverse=True, return_counts=True
                )
            self._last_unique = None
            fv = fv_arr[uniq]
            fq = float(q)
            # Class 0 is the only class without money: a new class is made only for a payer
            # whose exact money exceeds q, so its new money v - q is positive.
            has = uniq != 0
            poor = fv < fq
            for k in np.flatnonzero(fv == fq).tolist():  # float tie: decide exactly
                poor[k] = values[int(uniq[k])] <= q
            payers = int(counts_a[has].sum())
            paid_all = int(counts_a[poor & has].sum())
            rich = np.flatnonzero(~poor)
            new_vals = [values[c] - q for c in uniq[rich].tolist()]
            m = len(new_vals)
            if nvals + m > len(fv_arr):
                fv_arr = np.concatenate((fv_arr, np.empty(max(nvals + m, len(fv_arr)))))
                self._fv = fv_arr
            fv_arr[nvals : nvals + m] = [float(v) for v in new_vals]
            values.extend(new_vals)
            new_ids = np.zeros(len(uniq), np.int64)
            new_ids[rich] = np.arange(nvals, nvals + m)
            nvals += m
            new_cls = new_ids[inverse]
            cls[sup] = new_cls
            money[sup] = fv_arr[new_cls]
            result.chosen.append(w)
            if explain:
                cost, q = _fraction(self.costs[w]), _fraction(q)
                result.rounds.append(
                    Round(
                        len(result.rounds) + 1,
                        self.election.projects[w].id,
                        cost,
                        len(sup),
                        q,
                        payers,
                        paid_all,
                        cost / q if self.cost_utility else None,
                    )
                )
                self._explain_round(float(rho_w), w, heap, money, cls, values, result)
        if explain:
            chosen = set(result.chosen)
            for p in range(len(self.costs)):
                if p not in chosen and self.support.counts[p] > 0:
                    have = self._exact_avail(p, cls, values)
                    result.shortfall[p] = _fraction(max(self.costs[p] - have, _Q(0)))
        return result

    def _explain_round(
        self,
        rho_w: float,
        w: int,
        heap: list[tuple[float, int]],
        money: np.ndarray,
        cls: np.ndarray,
        values: list[Any],
        result: MesResult,
    ) -> None:
        """Effective support: best over rounds of ρ_winner / ρ_p, for projects in play."""
        for _, p in heap:
            fresh = self._float_rho(p, money[self.support.supporters(p)], cls, values)
            if fresh is not None and p != w:
                ratio = rho_w / ((fresh[0] + fresh[1]) / 2)
                result.effective_support[p] = max(result.effective_support.get(p, 0.0), ratio)

    def _float_rho(
        self, p: int, m: np.ndarray, cls: np.ndarray, values: list[Any]
    ) -> tuple[float, float] | None:
        """(lower, upper) bounds of exact ρ_p, or None if p is exactly unaffordable."""
        k = len(m)
        c = self.fcosts[p]
        avail = float(m.sum())
        err = (k + 2) * _U * avail
        if avail + err < c:
            return None
        if avail - err < c and self._exact_avail(p, cls, values) < self.costs[p]:
            return None
        ms = np.sort(m)
        paid = np.concatenate(([0.0], np.cumsum(ms)[:-1]))
        with np.errstate(divide="ignore", invalid="ignore"):
            qs = (c - paid) / (k - np.arange(k))
        ok = qs <= ms * (1 + 4 * _U)
        j = int(ok.argmax()) if ok.any() else k - 1
        q = max(float(qs[j]), 0.0)
        clear = k - int(np.searchsorted(ms, q * (1 + 1e-9) + err, side="right"))
        slope = max(clear, 1)
        dq = (err + 4 * _U * c) / slope + 4 * _U * q
        u = c if self.cost_utility else 1.0
        return (max(q - dq, 0.0) / u * (1 - 4 * _U), (q + dq) / u * (1 + 4 * _U))

    def _groups(self, p: int, cls: np.ndarray, values: list[Any]) -> list[tuple[Any, int]]:
        """(exact money, number of supporters of p) per class, in increasing exact money."""
        return list(self._iter_groups(p, cls, values))

    def _iter_groups(self, p: int, cls: np.ndarray, values: list[Any]) -> Iterator[tuple[Any, int]]:
        uniq, inverse, counts = np.unique(
            cls[self.support.supporters(p)], return_inverse=True, return_counts=True
        )
        self._last_unique = (p, uniq, inverse, counts)  # reused if p wins this round
        # Correct rounding is monotone, so the float order is the exact order except between
        # equal floats; runs of equal floats are ordered by their fractions. (The order between
        # classes of equal exact money does not change any sum or q below.)
        fv = self._fv[uniq]
        order = np.argsort(fv, kind="stable")
        uniq, counts, fv = uniq[order].tolist(), counts[order].tolist(), fv[order]
        same = np.flatnonzero(fv[1:] == fv[:-1])
        if same.size:
            starts = same[np.concatenate(([True], same[1:] != same[:-1] + 1))].tolist()
            for s in starts:
                e = s + 1
                while e < len(uniq) and fv[e] == fv[s]:
                    e += 1
                run = sorted(zip(uniq[s:e], counts[s:e], strict=True), key=lambda t: values[t[0]])
                uniq[s:e] = [c for c, _ in run]
                counts[s:e] = [h for _, h in run]
        for c, h in zip(uniq, counts, strict=True):
            yield values[c], h

    def _exact_avail(self, p: int, cls: np.ndarray, values: list[Any]) -> Any:
        """Σ of the exact money of the supporters of ``p``. Summed in integers per denominator
        first: thousands of classes share a few hundred denominators (each class is b0 less some
        prices), and one fraction addition per denominator costs far less than one per class."""
        uniq, counts = np.unique(cls[self.support.supporters(p)], return_counts=True)
        by_denominator: dict[Any, Any] = {}
        for c, h in zip(uniq.tolist(), counts.tolist(), strict=True):
            v = values[c]
            by_denominator[v.denominator] = by_denominator.get(v.denominator, 0) + v.numerator * h
        return sum((_Q(n, d) for d, n in by_denominator.items()), _Q(0))

    def _exact_q(self, p: int, cls: np.ndarray, values: list[Any]) -> Any:
        """Least q with Σ_{i in N_p} min(b_i, q) = c_p, exactly; None if N_p cannot pay c_p."""
        remaining = self.costs[p]
        rich = int(self.support.counts[p])
        for value, h in self._iter_groups(p, cls, values):
            if value * rich >= remaining:
                return remaining / rich
            remaining -= value * h
            rich -= h
        return None


class _ReferenceMesEngine:
    """The previous engine, kept verbatim as the oracle of the faster one (tests, benchmarks)."""

    def __init__(
        self,
        election: Election,
        support: Support,
        utility: str,
        tie_key: Callable[[int], tuple[object, ...]],
    ) -> None:
        self.election = election
        self.support = support
        self.costs = [_q(p.cost) for p in election.projects]
        self.fcosts = [float(c) for c in self.costs]
        self.cost_utility = utility == "cost"
        self.tie_key = tie_key
        self._fvals: list[float] = []

    def _utility(self, p: int) -> Any:
        return self.costs[p] if self.cost_utility else _Q(1)

    def run(self, budget_per_voter: Fraction, explain: bool = False) -> MesResult:
        """Count with ``b0`` per voter (see the module docstring for the exactness argument)."""
        b0 = _q(budget_per_voter)
        sup_of = self.support.supporters
        n = self.support.num_voters
        values: list[Any] = [_Q(0), b0]  # class 0: no money left
        fvals: list[float] = [0.0, float(b0)]
        cls = np.ones(n, np.int64)
        money = np.full(n, float(b0))
        self._fvals = fvals
        heap: list[tuple[float, int]] = []
        for p, cnt in enumerate(self.support.counts.tolist()):
            if cnt and cnt * b0 >= self.costs[p]:
                rho = self.costs[p] / cnt / self._utility(p)
                heap.append((float(rho) * (1 - 4 * _U), p))
        heapq.heapify(heap)
        result = MesResult([])
        while heap:
            refreshed: list[tuple[float, float, int]] = []  # (lower, upper, p) of exact ρ
            best_upper = float("inf")
            while heap and heap[0][0] <= best_upper:
                _, p = heapq.heappop(heap)
                fresh = self._float_rho(p, money[sup_of(p)], cls, values)
                if fresh is None:
                    continue
                refreshed.append((fresh[0], fresh[1], p))
                best_upper = min(best_upper, fresh[1])
            if not refreshed:
                break
            exact: list[tuple[Any, tuple[object, ...], int, Any]] = []
            for lower, _, p in refreshed:
                if lower <= best_upper:
                    q = self._exact_q(p, cls, values)
                    if q is not None:
                        exact.append((q / self._utility(p), self.tie_key(p), p, q))
            if not exact:
                for lower, _, p in refreshed:
                    if lower > best_upper:
                        heapq.heappush(heap, (lower, p))
                continue
            exact.sort(key=lambda t: (t[0], t[1]))
            rho_w, _, w, q = exact[0]
            for lower, _, p in refreshed:
                if p != w:
                    heapq.heappush(heap, (lower, p))
            sup = sup_of(w)
            uniq, inverse = np.unique(cls[sup], return_inverse=True)
            new_ids = np.empty(len(uniq), np.int64)
            payers = paid_all = 0
            counts = np.bincount(inverse, minlength=len(uniq)).tolist()
            fq = float(q)
            for k, c in enumerate(uniq.tolist()):
                v, fv = values[c], fvals[c]
                if fv > 0 or v > 0:
                    payers += counts[k]
                poor = fv < fq or (fv == fq and v <= q)
                if poor:
                    paid_all += counts[k] if (fv > 0 or v > 0) else 0
                    new_ids[k] = 0
                    continue
                values.append(v - q)
                fvals.append(float(values[-1]))
                new_ids[k] = len(values) - 1
            new_cls = new_ids[inverse]
            cls[sup] = new_cls
            money[sup] = np.asarray(fvals)[new_cls]
            result.chosen.append(w)
            if explain:
                cost, q = _fraction(self.costs[w]), _fraction(q)
                result.rounds.append(
                    Round(
                        len(result.rounds) + 1,
                        self.election.projects[w].id,
                        cost,
                        len(sup),
                        q,
                        payers,
                        paid_all,
                        cost / q if self.cost_utility else None,
                    )
                )
                self._explain_round(float(rho_w), w, heap, money, cls, values, result)
        if explain:
            chosen = set(result.chosen)
            for p in range(len(self.costs)):
                if p not in chosen and self.support.counts[p] > 0:
                    have = self._exact_avail(p, cls, values)
                    result.shortfall[p] = _fraction(max(self.costs[p] - have, _Q(0)))
        return result

    def _explain_round(
        self,
        rho_w: float,
        w: int,
        heap: list[tuple[float, int]],
        money: np.ndarray,
        cls: np.ndarray,
        values: list[Any],
        result: MesResult,
    ) -> None:
        """Effective support: best over rounds of ρ_winner / ρ_p, for projects in play."""
        for _, p in heap:
            fresh = self._float_rho(p, money[self.support.supporters(p)], cls, values)
            if fresh is not None and p != w:
                ratio = rho_w / ((fresh[0] + fresh[1]) / 2)
                result.effective_support[p] = max(result.effective_support.get(p, 0.0), ratio)

    def _float_rho(
        self, p: int, m: np.ndarray, cls: np.ndarray, values: list[Any]
    ) -> tuple[float, float] | None:
        """(lower, upper) bounds of exact ρ_p, or None if p is exactly unaffordable."""
        k = len(m)
        c = self.fcosts[p]
        avail = float(m.sum())
        err = (k + 2) * _U * avail
        if avail + err < c:
            return None
        if avail - err < c and self._exact_avail(p, cls, values) < self.costs[p]:
            return None
        ms = np.sort(m)
        paid = np.concatenate(([0.0], np.cumsum(ms)[:-1]))
        with np.errstate(divide="ignore", invalid="ignore"):
            qs = (c - paid) / (k - np.arange(k))
        ok = qs <= ms * (1 + 4 * _U)
        j = int(ok.argmax()) if ok.any() else k - 1
        q = max(float(qs[j]), 0.0)
        clear = k - int(np.searchsorted(ms, q * (1 + 1e-9) + err, side="right"))
        slope = max(clear, 1)
        dq = (err + 4 * _U * c) / slope + 4 * _U * q
        u = c if self.cost_utility else 1.0
        return (max(q - dq, 0.0) / u * (1 - 4 * _U), (q + dq) / u * (1 + 4 * _U))

    def _groups(self, p: int, cls: np.ndarray, values: list[Any]) -> list[tuple[Any, int]]:
        uniq, counts = np.unique(cls[self.support.supporters(p)], return_counts=True)
        # Correct rounding is monotone, so (float, fraction) order is the exact order and the
        # fractions are compared only between equal floats.
        fv = self._fvals
        return [
            (v, h)
            for _, v, h in sorted(
                (fv[c], values[c], h) for c, h in zip(uniq.tolist(), counts.tolist(), strict=True)
            )
        ]

    def _exact_avail(self, p: int, cls: np.ndarray, values: list[Any]) -> Any:
        return sum((v * h for v, h in self._groups(p, cls, values)), _Q(0))

    def _exact_q(self, p: int, cls: np.ndarray, values: list[Any]) -> Any:
        """Least q with Σ_{i in N_p} min(b_i, q) = c_p, exactly; None if N_p cannot pay c_p."""
        remaining = self.costs[p]
        rich = int(self.support.counts[p])
        for value, h in self._groups(p, cls, values):
            if value * rich >= remaining:
                return remaining / rich
            remaining -= value * h
            rich -= h
        return None
