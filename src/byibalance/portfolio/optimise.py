"""Choose the ambitions and their start years: an exact mixed-integer programme (HiGHS).

Variables ``x[a, s] in {0, 1}``: ambition ``a`` starts in year ``s`` (``s`` in its window and in
the budget years). Maximise ``sum v[a, s] x[a, s]`` subject to, for every budget year ``y``:

- capital:   ``sum capital_a(s, y) x[a, s] <= capital_room[y]``
- service:   ``sum operating_a(s, y) x[a, s] <= service_room[y]``
- liquidity: ``sum_{t <= y} sum cash_a(s, t) x[a, s] <= liquidity_room[y]``

and ``sum_s x[a, s] <= 1`` (one start; ``= 1`` pinned in, ``= 0`` pinned out), exclusions
``sum_s x[a, s] + sum_s x[b, s] <= 1``, dependencies ``x[b, s] <= sum_{s' + d_a <= s} x[a, s']``.

Only the rules in hard mode (``Problem.modes``; by default the binding liquidity rule) are
constraints, with room ``max(0, baseline slack)``; a rule in warning mode (by default the
collective frames, anlægsramme and serviceramme) is not, and the plan reports per year how far
baseline and plan together go above it (:func:`frame_warnings`).

The value of a start (:func:`start_values`)::

    v[a, s] = 100 * priority_a * (1 + support_weight * support_a)
                  * sum_d (w_d / sum w) * effect[a, d] / max_b |effect[b, d]|
                  * DF(s + duration_a - first_year)

with the Ministry of Finance's discount factor ``DF(t) = 1.035^-t`` (t <= 35), then
``1.035^-35 * 1.025^-(t-35)`` (DOMAIN §5), so that a benefit that comes sooner is worth more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
from highspy._core import (  # the plain solver class: highspy.Highs prints a banner to stdout
    HighsLp,
    HighsModelStatus,
    HighsVarType,
    MatrixFormat,
    _Highs,
)
from scipy.sparse import coo_matrix, vstack

from byibalance.errors import ErrorLocation, PortfolioError
from byibalance.messages import N_, Note
from byibalance.portfolio.catalogue import DIMENSIONS, Ambition, Catalogue
from byibalance.portfolio.headroom import (
    DEFAULT_MODES,
    RESOURCE_RULES,
    RULE_NAMES_DA,
    Headroom,
    Mode,
    Rule,
)

TOLERANCE = 1e-6  # mio. DKK, i.e. one krone: the rule checks' and the solver's slack


@dataclass(frozen=True)
class Weights:
    """The council's weights over the four dimensions, and the weight of citizens' support."""

    social: float = 1.0
    economic: float = 1.0
    climate: float = 1.0
    environment: float = 1.0
    support: float = 1.0

    def __post_init__(self) -> None:
        for name in (*DIMENSIONS, "support"):
            if getattr(self, name) < 0:
                raise PortfolioError(
                    Note(
                        N_("the weight of {name} is negative ({value})"),
                        name=name,
                        value=getattr(self, name),
                    ),
                    Note(N_("use weights of 0 or more")),
                    ErrorLocation(field=f"weights.{name}"),
                )
        if sum(getattr(self, d) for d in DIMENSIONS) <= 0:
            raise PortfolioError(
                Note(N_("all four dimension weights are 0")),
                Note(
                    N_(
                        "give at least one of social, economic, climate, environment a positive "
                        "weight"
                    )
                ),
                ErrorLocation(field="weights"),
            )

    def normalised(self) -> dict[str, float]:
        """``w_d / sum w`` for each dimension."""
        total = sum(getattr(self, d) for d in DIMENSIONS)
        return {d: getattr(self, d) / total for d in DIMENSIONS}


@dataclass(frozen=True)
class Problem:
    """Everything the optimiser needs; pure data."""

    catalogue: Catalogue
    headroom: Headroom
    weights: Weights = Weights()
    support: Mapping[str, float] = field(default_factory=dict)
    pinned_in: frozenset[str] = frozenset()
    pinned_out: frozenset[str] = frozenset()
    modes: Mapping[Rule, Mode] = field(default_factory=lambda: dict(DEFAULT_MODES))

    def __post_init__(self) -> None:
        for rule, mode in self.modes.items():
            if rule not in RESOURCE_RULES or mode not in tuple(Mode):
                raise PortfolioError(
                    f"mode '{mode}' given for rule '{rule}'",
                    "give 'hard' or 'warning' for capital, liquidity or service",
                    ErrorLocation(field=f"modes.{rule}"),
                )
        for key, share in self.support.items():
            if key not in self.catalogue:
                raise PortfolioError(
                    f"citizens' support given for unknown ambition '{key}'",
                    "use ids from the catalogue",
                    ErrorLocation(field=f"support.{key}"),
                )
            if not 0.0 <= share <= 1.0:
                raise PortfolioError(
                    f"citizens' support for '{key}' is {share}, outside 0..1",
                    "give support as a share between 0 and 1",
                    ErrorLocation(field=f"support.{key}"),
                )
        for kind, ids in (("pinned_in", self.pinned_in), ("pinned_out", self.pinned_out)):
            for key in ids:
                if key not in self.catalogue:
                    raise PortfolioError(
                        f"pinned ambition '{key}' is not in the catalogue",
                        "use ids from the catalogue",
                        ErrorLocation(field=f"ambitions.{kind}"),
                    )
        both = self.pinned_in & self.pinned_out
        if both:
            raise PortfolioError(
                f"ambition '{sorted(both)[0]}' is pinned both in and out",
                "pin it one way only",
                ErrorLocation(field="ambitions.pinned_in"),
            )

    def mode(self, rule: Rule) -> Mode:
        """How ``rule`` enters the optimisation (default: its legal nature, ``RULE_NATURE``)."""
        return Mode(self.modes.get(rule, DEFAULT_MODES[rule]))

    def hard_rules(self) -> tuple[Rule, ...]:
        """The resource rules that are constraints."""
        return tuple(r for r in RESOURCE_RULES if self.mode(r) is Mode.hard)

    def starts(self, ambition: Ambition) -> range:
        """The start years open to ``ambition``: its window within the budget years."""
        first = max(ambition.earliest_start, self.headroom.years[0])
        last = min(ambition.latest_start, self.headroom.years[-1])
        return range(first, last + 1)


@dataclass(frozen=True)
class Violation:
    """A rule broken in a year, by ``amount`` mio. DKK (0 for the yes/no rules)."""

    rule: Rule
    year: int | None
    amount: float
    detail: str

    def describe(self) -> str:
        """One readable line."""
        when = f" in {self.year}" if self.year is not None else ""
        money = f" by {self.amount:,.1f} mio. DKK" if self.amount > 0 else ""
        return f"{self.rule.value}{when}{money}: {self.detail}"


@dataclass(frozen=True)
class YearUse:
    """The plan's use of each rule's room in one year (mio. DKK)."""

    year: int
    capital: float
    capital_room: float
    liquidity: float
    liquidity_room: float
    service: float
    service_room: float

    def slack(self, rule: Rule) -> float:
        """Room left under ``rule``."""
        return float(getattr(self, f"{rule.value}_room") - getattr(self, rule.value))


@dataclass(frozen=True)
class FrameWarning:
    """A rule in warning mode (a collective frame) that baseline and plan together go above in
    ``year``: ``over`` mio. DKK above the limit, of which ``baseline_over`` is the baseline's own
    excess and ``plan_adds`` the ambitions' part (negative when a saving reduces it)."""

    rule: Rule
    year: int
    over: float
    baseline_over: float
    plan_adds: float
    limit: float | None

    def describe(self) -> str:
        """One readable line."""
        share = f" ({self.limit:,.1f} mio. DKK)" if self.limit is not None else ""
        return (
            f"{self.year}: {self.over:,.1f} mio. DKK above {RULE_NAMES_DA[self.rule]}{share}; "
            f"the baseline {self.baseline_over:,.1f}, the ambitions {self.plan_adds:,.1f}"
        )


@dataclass(frozen=True)
class Plan:
    """A chosen set of ambitions with start years, and its value.

    ``warnings``: per year, the rules in warning mode that baseline and plan together go above;
    ``baseline_breaches``: the rules in hard mode the baseline breaks before any ambition (there
    the plan was held to "no worse": room 0).
    """

    starts: Mapping[str, int]
    objective: float
    years: tuple[YearUse, ...]
    proven_optimal: bool
    gap: float
    warnings: tuple[FrameWarning, ...] = ()
    baseline_breaches: tuple[Violation, ...] = ()

    def tight(
        self, tolerance: float = 1e-3, rules: Sequence[Rule] = RESOURCE_RULES
    ) -> list[tuple[Rule, int, float]]:
        """``(rule, year, slack)`` for every year whose room under ``rules`` is used up to
        ``tolerance`` (pass ``problem.hard_rules()`` for the constraints only)."""
        return [
            (rule, use.year, use.slack(rule))
            for use in self.years
            for rule in rules
            if use.slack(rule) <= tolerance
        ]


def discount_factor(t: float) -> float:
    """DOMAIN §5: ``1.035^-t`` for t <= 35, then ``1.035^-35 * 1.025^-(t - 35)``."""
    if t <= 35:
        return float(1.035**-t)
    return float(1.035**-35 * 1.025 ** -(t - 35))


def base_values(problem: Problem) -> dict[str, float]:
    """Undiscounted value per ambition (see the module docstring for the formula)."""
    ambitions = problem.catalogue.ambitions()
    w = problem.weights.normalised()
    scale = {d: max((abs(a.effect(d)) for a in ambitions), default=0.0) or 1.0 for d in DIMENSIONS}
    values = {}
    for a in ambitions:
        score = sum(w[d] * a.effect(d) / scale[d] for d in DIMENSIONS)
        boost = 1.0 + problem.weights.support * problem.support.get(a.id, 0.0)
        values[a.id] = 100.0 * a.priority * boost * score
    return values


def start_values(problem: Problem) -> dict[tuple[str, int], float]:
    """``v[a, s]``: the base value discounted from the completion year to the first year."""
    base = base_values(problem)
    y0 = problem.headroom.years[0]
    return {
        (a.id, s): base[a.id] * discount_factor(s + a.duration - y0)
        for a in problem.catalogue.ambitions()
        for s in problem.starts(a)
    }


def year_use(problem: Problem, starts: Mapping[str, int]) -> tuple[YearUse, ...]:
    """Each year's use of capital, liquidity (cumulative net cash) and service room."""
    h = problem.headroom
    chosen = [(problem.catalogue[k], s) for k, s in starts.items()]
    rows = []
    cumulative = 0.0
    for i, y in enumerate(h.years):
        capital = sum(a.capital(s, y) for a, s in chosen)
        service = sum(a.operating(s, y) for a, s in chosen)
        cumulative += sum(a.cash(s, y) for a, s in chosen)
        rows.append(
            YearUse(y, capital, h.capital[i], cumulative, h.liquidity[i], service, h.service[i])
        )
    return tuple(rows)


def check_plan(problem: Problem, starts: Mapping[str, int]) -> list[Violation]:
    """Every rule the plan breaks; an empty list when it keeps them all.

    This is an independent re-statement of the constraints over a concrete plan (no matrix),
    used as the brute-force oracle and to explain why an ambition does not fit. Only the rules in
    hard mode are constraints; the others are :func:`frame_warnings`.
    """
    out: list[Violation] = []
    cat = problem.catalogue
    for key, s in starts.items():
        a = cat[key]
        if s not in problem.starts(a):
            out.append(
                Violation(
                    Rule.window, s, 0.0, Note(N_("'{key}' cannot start in {year}"), key=key, year=s)
                )
            )
        for need in a.requires:
            if need not in starts or starts[need] + cat[need].duration > s:
                out.append(
                    Violation(
                        Rule.requires,
                        s,
                        0.0,
                        Note(N_("'{key}' needs '{need}' completed first"), key=key, need=need),
                    )
                )
    pairs = {
        tuple(sorted((key, other)))
        for key in starts
        for other in cat[key].excludes
        if other in starts
    }
    for first, second in sorted(pairs):
        out.append(
            Violation(
                Rule.excludes,
                None,
                0.0,
                Note(N_("'{first}' or '{second}', not both"), first=first, second=second),
            )
        )
    for key in problem.pinned_in - set(starts):
        out.append(Violation(Rule.pinned, None, 0.0, Note(N_("'{key}' is pinned in"), key=key)))
    for key in problem.pinned_out & set(starts):
        out.append(Violation(Rule.pinned, None, 0.0, Note(N_("'{key}' is pinned out"), key=key)))
    for use in year_use(problem, starts):
        for rule in problem.hard_rules():
            slack = use.slack(rule)
            if slack < -TOLERANCE:
                room = getattr(use, f"{rule.value}_room")
                out.append(
                    Violation(
                        rule, use.year, -slack,
                        Note(
                            N_("uses {used:,.1f} of {room:,.1f} mio. DKK room"),
                            used=getattr(use, rule.value), room=room,
                        ),
                    )
                )  # fmt: skip
    return out


def frame_warnings(problem: Problem, starts: Mapping[str, int]) -> tuple[FrameWarning, ...]:
    """Per year, each rule in warning mode that the baseline and the plan together go above::

        over = use - baseline_slack        (reported when > 0; one krone of tolerance)

    with ``use`` the plan's use as in :func:`year_use` (liquidity: cumulative net cash) and
    ``baseline_slack`` the baseline's signed slack (``Headroom.baseline_slack``)."""
    h = problem.headroom
    warned = [r for r in RESOURCE_RULES if problem.mode(r) is Mode.warning]
    out = []
    for i, use in enumerate(year_use(problem, starts)):
        for rule in warned:
            slack = h.baseline_slack(rule)[i]
            used = float(getattr(use, rule.value))
            over = used - slack
            if over > TOLERANCE:
                limits = h.limits.get(rule)
                limit = None if limits is None else float(limits[i])
                base = max(0.0, -slack)
                out.append(FrameWarning(rule, use.year, over, base, over - base, limit))
    return tuple(out)


def baseline_breaches(problem: Problem) -> tuple[Violation, ...]:
    """The rules in hard mode that the baseline breaks before any ambition, year by year (the
    headroom's signed slack below 0). In those years the room is 0: the plan may not add."""
    h = problem.headroom
    out = []
    for rule in problem.hard_rules():
        for y, slack in zip(h.years, h.baseline_slack(rule), strict=True):
            if slack < -TOLERANCE:
                out.append(
                    Violation(
                        rule, y, -slack,
                        Note(N_("the baseline budget is already over before any ambition; "
                                "the ambitions may not make it worse there")),
                    )
                )  # fmt: skip
    return tuple(out)


def _plan(
    problem: Problem, starts: Mapping[str, int], value: float, optimal: bool, gap: float
) -> Plan:
    return Plan(
        starts, value, year_use(problem, starts), optimal, gap,
        frame_warnings(problem, starts), baseline_breaches(problem),
    )  # fmt: skip


@dataclass
class _Model:
    keys: list[tuple[str, int]]
    c: np.ndarray
    rows: list[tuple[Rule, int | None, str]]
    a_rows: list[int]
    a_cols: list[int]
    a_vals: list[float]
    lower: list[float]
    upper: list[float]
    resource_rows: list[int]


def _build(
    problem: Problem,
    extra_upper: Mapping[tuple[Rule, int], float] | None = None,
    objective: Mapping[str, float] | None = None,
    floors: Mapping[str, float] | None = None,
) -> _Model:
    cat = problem.catalogue
    h = problem.headroom
    values = start_values(problem)
    if objective is not None:
        values = {k: objective[k[0]] for k in values}
    keys = list(values)
    index = {k: i for i, k in enumerate(keys)}
    by_ambition: dict[str, list[int]] = {a: [] for a in cat}
    for (a_id, _s), i in index.items():
        by_ambition[a_id].append(i)
    m = _Model(keys, np.array([values[k] for k in keys]), [], [], [], [], [], [], [])

    def add_row(label: tuple[Rule, int | None, str], entries: dict[int, float], lo: float,
                hi: float) -> int:  # fmt: skip
        r = len(m.rows)
        m.rows.append(label)
        for col, val in entries.items():
            if val != 0.0:
                m.a_rows.append(r)
                m.a_cols.append(col)
                m.a_vals.append(val)
        m.lower.append(lo)
        m.upper.append(hi)
        return r

    for a in cat.ambitions():
        lo = 1.0 if a.id in problem.pinned_in else 0.0
        hi = 0.0 if a.id in problem.pinned_out else 1.0
        add_row((Rule.pinned, None, a.id), dict.fromkeys(by_ambition[a.id], 1.0), lo, hi)
        for other in a.excludes:
            if a.id < other or a.id not in cat[other].excludes:
                entries = dict.fromkeys(by_ambition[a.id], 1.0)
                entries.update(dict.fromkeys(by_ambition[other], 1.0))
                add_row((Rule.excludes, None, f"{a.id}|{other}"), entries, -np.inf, 1.0)
        for need in a.requires:
            dur = cat[need].duration
            for s in problem.starts(a):
                entries = {index[(a.id, s)]: 1.0}
                for (b, sb), i in index.items():
                    if b == need and sb + dur <= s:
                        entries[i] = -1.0
                add_row((Rule.requires, s, f"{a.id}|{need}"), entries, -np.inf, 0.0)
    for dim, floor in (floors or {}).items():
        entries = {i: cat[a_id].effect(dim) for (a_id, _s), i in index.items()}
        add_row((Rule.pinned, None, f"floor:{dim}"), entries, floor, np.inf)
    cash = np.zeros((len(keys), len(h.years)))
    for col, (a_id, s) in enumerate(keys):
        cash[col] = [cat[a_id].cash(s, y) for y in h.years]
    cumulative = np.cumsum(cash, axis=1)
    for t, y in enumerate(h.years):
        for rule in problem.hard_rules():
            room = h.room(rule)[t] + (extra_upper or {}).get((rule, y), 0.0)
            if rule is Rule.liquidity:
                entries = {col: float(cumulative[col, t]) for col in range(len(keys))}
            else:
                fn = Ambition.capital if rule is Rule.capital else Ambition.operating
                entries = {col: fn(cat[k[0]], k[1], y) for col, k in enumerate(keys)}
            r = add_row((rule, y, ""), entries, -np.inf, room)
            m.resource_rows.append(r)
    return m


def _matrix(m: _Model, n_cols: int) -> coo_matrix:
    return coo_matrix((m.a_vals, (m.a_rows, m.a_cols)), shape=(len(m.rows), n_cols))


@dataclass(frozen=True)
class _Result:
    status: HighsModelStatus
    x: np.ndarray | None
    objective: float
    gap: float


def _highs(
    cost: np.ndarray,
    matrix: coo_matrix,
    lower: Sequence[float],
    upper: Sequence[float],
    col_upper: np.ndarray,
    integer: np.ndarray,
    time_limit: float | None = None,
    start: np.ndarray | None = None,
) -> _Result:
    """Minimise ``cost @ x`` s.t. ``lower <= matrix @ x <= upper``, ``0 <= x <= col_upper``,
    ``x[integer]`` integral, with HiGHS at relative gap 0 (proven optimality)."""
    n = len(cost)
    csc = matrix.tocsc()
    lp = HighsLp()
    lp.num_col_ = n
    lp.num_row_ = matrix.shape[0]
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.zeros(n)
    lp.col_upper_ = np.asarray(col_upper, dtype=float)
    lp.row_lower_ = np.asarray(lower, dtype=float)
    lp.row_upper_ = np.asarray(upper, dtype=float)
    lp.a_matrix_.format_ = MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr
    lp.a_matrix_.index_ = csc.indices
    lp.a_matrix_.value_ = csc.data
    lp.integrality_ = [
        HighsVarType.kInteger if flag else HighsVarType.kContinuous for flag in integer
    ]
    h = _Highs()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("mip_rel_gap", 0.0)
    h.setOptionValue("mip_abs_gap", 1e-9)
    h.setOptionValue("mip_allow_restart", False)  # measured: about twice as fast here
    if time_limit is not None:
        h.setOptionValue("time_limit", float(time_limit))
    h.passModel(lp)
    if start is not None:
        h.setSolution(n, np.arange(n, dtype=np.int32), np.asarray(start, dtype=float))
    h.run()
    status = h.getModelStatus()
    info = h.getInfo()
    has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
    x = np.array(h.getSolution().col_value) if has_solution else None
    return _Result(status, x, float(info.objective_function_value), float(info.mip_gap))


def _started_by(
    m: _Model, n: int
) -> tuple[coo_matrix, np.ndarray, list[float], list[float], coo_matrix]:
    """Rewrite the model in "started by year t" variables ``z[a, t] = sum_{s <= t} x[a, s]``.

    ``x = T z`` with ``x[a, s] = z[a, s] - z[a, s-1]``, plus ``z[a, s-1] <= z[a, s]``. The LP
    relaxation is the same, but branching on "started by t" splits the search evenly; measured
    about 2.4 times faster on the Albertslund catalogue. Returns the matrix, cost, row bounds
    and ``T`` (to map a solution back).
    """
    rows, cols, vals = list(range(n)), list(range(n)), [1.0] * n
    mono_r: list[int] = []
    mono_c: list[int] = []
    mono_v: list[float] = []
    for i in range(1, n):
        if m.keys[i - 1][0] == m.keys[i][0]:
            rows.append(i)
            cols.append(i - 1)
            vals.append(-1.0)
            r = len(mono_r) // 2
            mono_r += [r, r]
            mono_c += [i - 1, i]
            mono_v += [1.0, -1.0]
    t = coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr()
    n_mono = len(mono_r) // 2
    mono = coo_matrix((mono_v, (mono_r, mono_c)), shape=(n_mono, n))
    matrix = vstack([_matrix(m, n).tocsr() @ t, mono]).tocoo()
    lower = [*m.lower, *([-np.inf] * n_mono)]
    upper = [*m.upper, *([0.0] * n_mono)]
    return matrix, t.T @ (-m.c), lower, upper, t.tocoo()


def _structural_check(problem: Problem) -> None:
    """Pins that break a yes/no rule, named before any solver runs."""
    cat = problem.catalogue
    for key in sorted(problem.pinned_in):
        a = cat[key]
        if not problem.starts(a):
            raise PortfolioError(
                f"pinned ambition '{key}' cannot start in the budget years: its window is "
                f"{a.earliest_start}-{a.latest_start}, the budget years "
                f"{problem.headroom.years[0]}-{problem.headroom.years[-1]}",
                "widen its start window or unpin it",
                ErrorLocation(field="ambitions.pinned_in", year=a.earliest_start),
            )
        for other in a.excludes:
            if other in problem.pinned_in:
                raise PortfolioError(
                    f"pinned ambitions '{key}' and '{other}' exclude each other (either-or rule)",
                    "pin only one of them",
                    ErrorLocation(field="ambitions.pinned_in"),
                )
        for need in a.requires:
            if need in problem.pinned_out:
                raise PortfolioError(
                    f"pinned ambition '{key}' requires '{need}', which is pinned out",
                    f"pin '{need}' in or unpin '{key}'",
                    ErrorLocation(field="ambitions.pinned_out"),
                )


def _elastic_violations(problem: Problem) -> list[Violation]:
    """Solve with a non-negative slack on every yearly rule and minimise the total slack."""
    m = _build(problem)
    n = len(m.keys)
    extra = len(m.resource_rows)
    for j, r in enumerate(m.resource_rows):
        m.a_rows.append(r)
        m.a_cols.append(n + j)
        m.a_vals.append(-1.0)
    res = _highs(
        np.concatenate([np.zeros(n), np.ones(extra)]),
        _matrix(m, n + extra),
        m.lower,
        m.upper,
        np.concatenate([np.ones(n), np.full(extra, np.inf)]),
        np.concatenate([np.ones(n, dtype=bool), np.zeros(extra, dtype=bool)]),
    )
    if res.x is None:
        return [
            Violation(Rule.requires, None, 0.0, Note(N_("the pins' dependencies cannot be met")))
        ]
    out = []
    for j, r in enumerate(m.resource_rows):
        amount = float(res.x[n + j])
        if amount > TOLERANCE:
            rule, year, _ = m.rows[r]
            out.append(Violation(rule, year, amount, Note(N_("short of room"))))
    return out


def _infeasible(problem: Problem) -> PortfolioError:
    empty = [
        v for v in check_plan(
            Problem(problem.catalogue, problem.headroom, problem.weights, modes=problem.modes), {}
        ) if v.rule in RESOURCE_RULES
    ]  # fmt: skip
    if empty:
        v = empty[0]
        return PortfolioError(
            f"the baseline budget already breaks the {v.rule.value} rule in {v.year} by "
            f"{v.amount:,.1f} mio. DKK before any ambition",
            "fix the budget (or the headroom) first; no ambition can be added",
            ErrorLocation(field=v.rule.value, year=v.year),
        )
    found = _elastic_violations(problem)
    if not found:
        return PortfolioError(
            "the pinned ambitions cannot all be placed in their start windows "
            "with their dependencies completed first",
            "widen the windows of the pinned ambitions or unpin one",
            ErrorLocation(field="ambitions.pinned_in"),
        )
    first = min(found, key=lambda v: (v.year or 0, -v.amount))
    more = f" (and {len(found) - 1} more year/rule shortfalls)" if len(found) > 1 else ""
    pins = ", ".join(sorted(problem.pinned_in)) or "none"
    return PortfolioError(
        f"the pinned ambitions ({pins}) break the {first.rule.value} rule in {first.year} by "
        f"{first.amount:,.1f} mio. DKK{more}",
        "unpin an ambition, move its start window, or add money in that year",
        ErrorLocation(field=f"ambitions.pinned_in ({first.rule.value})", year=first.year),
    )


def solve(
    problem: Problem,
    extra_upper: Mapping[tuple[Rule, int], float] | None = None,
    time_limit: float | None = None,
    objective: Mapping[str, float] | None = None,
    floors: Mapping[str, float] | None = None,
    start: Mapping[str, int] | None = None,
) -> Plan:
    """The optimal plan, proven by HiGHS (relative gap 0), or a :class:`PortfolioError`.

    ``extra_upper`` adds room to single (rule, year) constraints; ``objective`` replaces the
    start values by one value per ambition; ``floors`` asks each named dimension's total to be
    at least the given value (used by the Pareto view); ``start`` is a known feasible plan
    that HiGHS may start from. With ``time_limit`` the plan may be unproven
    (``Plan.proven_optimal`` False, ``Plan.gap`` the remaining relative gap).
    """
    _structural_check(problem)
    m = _build(problem, extra_upper, objective, floors)
    n = len(m.keys)
    if n == 0:
        if problem.pinned_in:
            raise _infeasible(problem)
        return _plan(problem, {}, 0.0, True, 0.0)
    matrix, cost, lower, upper, t = _started_by(m, n)
    z0 = None
    if start is not None:
        z0 = np.array([1.0 if a in start and start[a] <= s else 0.0 for a, s in m.keys])
    res = _highs(cost, matrix, lower, upper, np.ones(n), np.ones(n, dtype=bool), time_limit, z0)
    if res.x is not None:
        res = replace(res, x=t.tocsr() @ res.x)
    if res.status == HighsModelStatus.kInfeasible:
        if floors:
            raise PortfolioError("no plan reaches the asked dimension floor", "lower the floor")
        raise _infeasible(problem)
    if res.x is None:
        raise PortfolioError(
            f"the optimiser stopped without a plan ({res.status.name})",
            "allow more time, or shrink the catalogue",
        )
    starts = {m.keys[i][0]: m.keys[i][1] for i in np.flatnonzero(res.x > 0.5)}
    starts = {k: starts[k] for k in problem.catalogue if k in starts}
    optimal = res.status == HighsModelStatus.kOptimal
    value = -res.objective if objective is None else plan_value(problem, starts)
    return _plan(problem, starts, value, optimal, res.gap if not optimal else 0.0)


def plan_value(problem: Problem, starts: Mapping[str, int]) -> float:
    """``sum v[a, s]`` over the plan's starts."""
    values = start_values(problem)
    return float(sum(values[(k, s)] for k, s in starts.items()))


def greedy_plan(problem: Problem) -> Plan:
    """A fast heuristic baseline: best value per mio. DKK of capital first, earliest start that
    keeps every rule. Not optimal; used to measure what exactness buys."""
    cat = problem.catalogue
    h = problem.headroom
    values = start_values(problem)
    years = np.array(h.years)
    hard = problem.hard_rules()
    rooms = {r: np.array(h.room(r), dtype=float) for r in RESOURCE_RULES}
    used = {r: np.zeros(len(years)) for r in RESOURCE_RULES}
    starts: dict[str, int] = {}

    def profile(a: Ambition, s: int) -> dict[Rule, np.ndarray]:
        cash = np.array([a.cash(s, int(y)) for y in years])
        return {
            Rule.capital: np.where((years >= s) & (years < s + a.duration), a.capital_per_year, 0),
            Rule.service: np.where(years >= s + a.duration, a.operating_per_year, 0.0),
            Rule.liquidity: np.cumsum(cash),
        }

    def fits(a: Ambition, s: int) -> bool:
        for need in a.requires:
            if need not in starts or starts[need] + cat[need].duration > s:
                return False
        if any(o in starts for o in a.excludes) or any(a.id in cat[o].excludes for o in starts):
            return False
        p = profile(a, s)
        return all(np.all(used[r] + p[r] <= rooms[r] + TOLERANCE) for r in hard)

    def add(a: Ambition, s: int) -> None:
        for r, arr in profile(a, s).items():
            used[r] += arr
        starts[a.id] = s

    order = sorted(
        (a for a in cat.ambitions() if a.id not in problem.pinned_out and problem.starts(a)),
        key=lambda a: (
            -max(values[(a.id, s)] for s in problem.starts(a))
            / (a.capital_per_year * a.duration + 1.0)
        ),
    )
    order = [cat[k] for k in sorted(problem.pinned_in)] + [
        a for a in order if a.id not in problem.pinned_in
    ]
    for _ in range(2):  # a second pass admits ambitions whose requirement came later
        for a in order:
            if a.id in starts:
                continue
            ranked = sorted(((values[(a.id, s)], -s) for s in problem.starts(a)), reverse=True)
            if not ranked or (ranked[0][0] <= 0 and a.id not in problem.pinned_in):
                continue
            for _value, neg_start in ranked:
                if fits(a, -neg_start):
                    add(a, -neg_start)
                    break
    ordered = {k: starts[k] for k in cat if k in starts}
    return _plan(problem, ordered, plan_value(problem, ordered), False, np.inf)


def dimension_totals(catalogue: Catalogue, starts: Mapping[str, int]) -> dict[str, float]:
    """Sum of each dimension's yearly effect over the chosen ambitions."""
    return {d: float(sum(catalogue[k].effect(d) for k in starts)) for d in DIMENSIONS}


def ids_in_order(catalogue: Catalogue, ids: Sequence[str]) -> list[str]:
    """``ids`` in catalogue order."""
    wanted = set(ids)
    return [k for k in catalogue if k in wanted]
