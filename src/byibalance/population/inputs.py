"""The adapter from the embedded data and parameter files to the engine's typed inputs.

This module does I/O (through :mod:`byibalance.data` and :mod:`byibalance.parameters`); the
estimation and projection it feeds are pure. Only data dated before the base year is used for
rates (death rates, fertility, migration), so a past base year is a fair back-test.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from byibalance import data
from byibalance.data.generation import data_cached
from byibalance.errors import DataError, ErrorLocation, ParameterError, ScenarioError
from byibalance.messages import N_, Note
from byibalance.parameters import ParameterSet, params_root
from byibalance.population import estimation
from byibalance.population.engine import ModelInputs
from byibalance.population.graduation import GraduationMethod, graduate
from byibalance.population.housing import (
    DWELLING_TYPES,
    DwellingFigure,
    HousingAssumptions,
    HousingProject,
    choose_persons_per_dwelling,
    downloaded_figure_notes,
    downloaded_figures,
    housing_migration,
    residents_by_project,
)
from byibalance.population.lifetable import survival_ratios
from byibalance.population.overrides import HousingOverrides, PopulationOverrides
from byibalance.population.result import N_AGE, N_SEX, FloatArray
from byibalance.provenance import Status

SEX_CODES = ("m", "f")
NATIONAL = "000"
LAST_YEAR = 2100


@dataclass(frozen=True)
class Cube:
    """Populations by 5-year group ``[code, year, sex, 21]`` on 1 January."""

    codes: tuple[str, ...]
    years: tuple[int, ...]
    values: FloatArray

    def index(self, code: str) -> int:
        return self.codes.index(code)


@data_cached
def population_cube() -> Cube:
    """The embedded FOLK1B populations as an array (all codes, including ``000``)."""
    frame = data.population_age5()
    codes = tuple(sorted(frame["code"].unique()))
    years = tuple(int(y) for y in sorted(frame["year"].unique()))
    values = np.zeros((len(codes), len(years), N_SEX, 21))
    ci = frame["code"].map({c: i for i, c in enumerate(codes)}).to_numpy()
    yi = frame["year"].map({y: i for i, y in enumerate(years)}).to_numpy()
    si = frame["sex"].map({"m": 0, "f": 1}).to_numpy()
    gi = (frame["age_start"] // 5).to_numpy()
    values[ci, yi, si, gi] = frame["population"].to_numpy(dtype=np.float64)
    return Cube(codes, years, values)


def first_data_year() -> int:
    """The first 1 January with detailed (5-year group) populations."""
    return population_cube().years[0]


def last_detailed_year() -> int:
    """The last 1 January with detailed (5-year group) populations."""
    return population_cube().years[-1]


@cache
def national_shapes() -> dict[int, FloatArray]:
    """Denmark by sex and single age ``[2, 101]`` on 1 July of each year of the data."""
    frame = data.national_single_age()
    out: dict[int, FloatArray] = {}
    for date, group in frame.groupby("date"):
        if not str(date).endswith("-07-01"):
            continue
        array = np.zeros((N_SEX, N_AGE))
        si = group["sex"].map({"m": 0, "f": 1}).to_numpy()
        array[si, group["age"].to_numpy()] = group["population"].to_numpy(dtype=np.float64)
        out[int(str(date)[:4])] = array
    return out


def shape_for(year: int, base_year: int) -> FloatArray:
    """The national single-year shape nearest to 1 January ``year`` known before ``base_year``:
    1 July of ``year - 1`` (ties go to the earlier date), clamped to the dates held."""
    shapes = national_shapes()
    known = [y for y in shapes if y < base_year] or [min(shapes)]
    target = min(max(year - 1, min(known)), max(known))
    return shapes[target]


@data_cached
def mortality_cube() -> tuple[tuple[str, ...], tuple[int, ...], FloatArray, FloatArray]:
    """(provinces, years, deaths, person-years), arrays ``[province, year, sex, 21]``."""
    frame = data.mortality_province()
    provinces = tuple(sorted(frame["province"].unique()))
    years = tuple(int(y) for y in sorted(frame["year"].unique()))
    deaths = np.zeros((len(provinces), len(years), N_SEX, 21))
    exposure = np.zeros_like(deaths)
    pi = frame["province"].map({p: i for i, p in enumerate(provinces)}).to_numpy()
    yi = frame["year"].map({y: i for i, y in enumerate(years)}).to_numpy()
    si = frame["sex"].map({"m": 0, "f": 1}).to_numpy()
    gi = (frame["age_start"] // 5).to_numpy()
    deaths[pi, yi, si, gi] = frame["deaths"].to_numpy(dtype=np.float64)
    exposure[pi, yi, si, gi] = frame["person_years"].to_numpy(dtype=np.float64)
    return provinces, years, deaths, exposure


@cache
def defaults() -> ParameterSet:
    """The national population parameters (``params/dk/population.yaml``)."""
    return ParameterSet.from_files([params_root() / "dk" / "population.yaml"])


class _ValueWithStatus(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    value: float
    status: Status
    source: str


class ProgrammeFile(BaseModel):
    """A municipality's ``housing.yaml``: its housing programme."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    description: str
    municipality: str
    persons_per_dwelling_existing: _ValueWithStatus | None = None
    projects: tuple[HousingProject, ...] = ()


def programme_path(code: str) -> Path:
    """Where the housing programme of ``code`` lives (``params/municipalities/0165/...``)."""
    return params_root() / "municipalities" / f"{int(code):04d}" / "housing.yaml"


@cache
def housing_programme(code: str) -> ProgrammeFile | None:
    """The municipality's housing programme, or ``None`` where none is known."""
    path = programme_path(code)
    if not path.is_file():
        return None
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        return ProgrammeFile.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        raise DataError(
            first["msg"],
            "Correct the housing programme file",
            ErrorLocation(file=str(path), field=".".join(str(p) for p in first["loc"])),
        ) from None


def apply_housing_overrides(
    projects: Sequence[HousingProject], overrides: HousingOverrides
) -> tuple[HousingProject, ...]:
    """The programme after the scenario's drop, delay, move and add (in that order)."""
    by_id = {p.id: p for p in projects}
    for action, ids in (
        ("drop", overrides.drop),
        ("delay", overrides.delay),
        ("move", overrides.move),
    ):
        for project_id in ids:
            if project_id not in by_id:
                raise ScenarioError(
                    f"no project '{project_id}' in the housing programme",
                    f"Use one of: {', '.join(by_id) or 'none (no programme is known)'}",
                    ErrorLocation(field=f"population.housing.{action}"),
                )
    kept = [p for p in projects if p.id not in set(overrides.drop)]
    result: list[HousingProject] = []
    for project in kept:
        if project.id in overrides.delay:
            project = project.shifted(overrides.delay[project.id])
        if project.id in overrides.move:
            first = project.first_year()
            if first is not None:
                project = project.shifted(overrides.move[project.id] - first)
        result.append(project)
    for project in overrides.add:
        if project.id in by_id:
            raise ScenarioError(
                f"project id '{project.id}' already exists in the programme",
                "Give the added project a new id, or use move/delay on the existing one",
                ErrorLocation(field="population.housing.add"),
            )
        result.append(project)
    return tuple(result)


def _value(name: str, year: int) -> Any:
    return defaults().value(name, year)


def whole_years(name: str, year: int, least: int) -> int:
    """The national parameter ``name`` in force in ``year``, a whole number of years of at least
    ``least``; a :class:`ParameterError` naming the file, parameter and year otherwise."""
    value = _value(name, year)
    if isinstance(value, bool) or not isinstance(value, int) or value < least:
        raise ParameterError(
            f"{name} = {value!r} is not a whole number of years of at least {least}",
            fix=f"Give {name} a whole number of {least} or more",
            where=ErrorLocation(file=defaults().origin(name), field=name, year=year),
        )
    return value


def housing_assumptions(code: str, year: int) -> HousingAssumptions:
    """Persons per dwelling by type (:func:`choose_persons_per_dwelling` of the national values,
    the municipality's BOL106 in the snapshot and its own ``housing.yaml`` figure), eta, ramp."""
    national: dict[str, DwellingFigure] = {}
    for kind in DWELLING_TYPES:
        given = defaults().at(f"persons_per_dwelling_{kind}", year)
        national[kind] = DwellingFigure(float(given.value), given.status, given.source)
    programme = housing_programme(code)
    mine = programme.persons_per_dwelling_existing if programme is not None else None
    own = {"existing": DwellingFigure(mine.value, mine.status, mine.source)} if mine else {}
    downloaded = downloaded_figures(data.persons_per_dwelling(), code, year)
    figures = choose_persons_per_dwelling(national, downloaded, own)
    pp = {kind: figure.value for kind, figure in figures.items()}
    ramp = tuple(float(v) for v in _value("occupancy_ramp", year))
    return HousingAssumptions(pp, float(_value("housing_net_new_share", year)), ramp, figures)


def check_years(base_year: int, end_year: int) -> None:
    """Raise :class:`DataError` naming the year when the run is outside the data."""
    first, last = first_data_year() + 2, last_detailed_year()
    if not first <= base_year <= last:
        raise DataError(
            f"base year {base_year} is outside the data",
            f"Choose a start year from {first} (two years of history are needed) to {last}, "
            f"or a later start (the run then starts from {last})",
            ErrorLocation(field="start", year=base_year),
        )
    if not base_year < end_year <= LAST_YEAR:
        raise DataError(
            f"end year {end_year} must be after the start and at most {LAST_YEAR}",
            f"Choose an end year from {base_year + 1} to {LAST_YEAR}",
            ErrorLocation(field="end", year=end_year),
        )


@dataclass(frozen=True)
class PreparedRun:
    """Engine inputs for a set of municipalities, with what each number rests on."""

    inputs: ModelInputs
    notes: dict[str, tuple[str, ...]]
    local_tfr: FloatArray
    housing_on: bool
    housing_by_project: dict[str, dict[str, FloatArray]]
    #: per municipality, how migration and fertility were estimated: ``{"migration":
    #: "gross_flows" | "residual", "fertility": "municipal_rates" | "child_woman_ratio"}``
    methods: dict[str, dict[str, str]] = field(default_factory=dict)


def build_inputs(
    codes: Sequence[str],
    base_year: int,
    end_year: int,
    overrides: PopulationOverrides | None = None,
    housing: bool = True,
    calibrate: bool = True,
    graduation: GraduationMethod = "national_shape",
) -> PreparedRun:
    """Estimate every input of the projection from the data known before ``base_year``.

    ``calibrate`` adds the observed totals after the last detailed year as calibration targets
    (only when the run starts from the last detailed year).
    """
    overrides = overrides or PopulationOverrides()
    check_years(base_year, end_year)
    codes = tuple(codes)
    cube = population_cube()
    idx = [cube.index(c) for c in codes]
    window = min(int(_value("estimation_window", base_year)), base_year - cube.years[0])
    years = list(range(base_year - window, base_year + 1))
    yi = [cube.years.index(y) for y in years]
    p5 = cube.values[np.ix_(idx, yi)]  # [M, Y, 2, 21]
    shapes = np.stack([shape_for(y, base_year) for y in years])  # [Y, 2, 101]
    single = graduate(p5, shapes[None], graduation)  # [M, Y, 2, 101]
    base_population = single[:, -1]

    # mortality: the province's rates over the window's years before the base year
    provinces, m_years, deaths, exposure = mortality_cube()
    province_of = {c: data.municipality(c).province for c in codes}
    m_idx = [m_years.index(y) for y in years[:-1] if y in m_years]
    if not m_idx:
        raise DataError(
            f"no death rates before {base_year}",
            f"Choose a start year from {m_years[0] + 1}",
            ErrorLocation(field="start", year=base_year),
        )
    rates_by_province = estimation.death_rates(
        deaths[:, m_idx].sum(axis=1), exposure[:, m_idx].sum(axis=1)
    )
    death_rates = rates_by_province[[provinces.index(province_of[c]) for c in codes]]

    # fertility: the latest national schedule before the base year, scaled by the CWR ratio
    asfr_frame = data.fertility_asfr()
    asfr_year = int(asfr_frame.loc[asfr_frame["year"] < base_year, "year"].max())
    row = asfr_frame[asfr_frame["year"] == asfr_year]
    asfr_source = str(row["source"].iloc[0]) if "source" in row else data.EMBEDDED_SOURCE
    # the note names the snapshot when the schedule is a download (embedded: the year alone)
    asfr_label = (
        str(asfr_year) if asfr_source == data.EMBEDDED_SOURCE else (f"{asfr_year}, {asfr_source}")
    )
    reference = np.zeros(N_AGE)
    reference[row["age"].to_numpy()] = row["rate_per_1000"].to_numpy(dtype=np.float64)
    national_tfr = reference.sum() / 1000.0
    national_p5 = cube.values[cube.index(NATIONAL), yi]
    cwr_years = slice(1, None)
    tfr = estimation.local_tfr(
        national_tfr,
        estimation.child_woman_ratio(p5[:, cwr_years]),
        estimation.child_woman_ratio(national_p5[cwr_years]),
    )
    # the calendar years of the window's transitions (rates and flows of the years before base)
    rate_years = years[:-1]
    own = municipal_tfr(codes, rate_years)
    if own is not None:
        tfr = np.where(np.isfinite(own.tfr), own.tfr, tfr)
    estimated_asfr = estimation.scaled_asfr(reference, tfr)

    srb = float(_value("sex_ratio_at_birth", base_year))
    a0 = float(_value("infant_years_lived", base_year))
    survival, birth = survival_ratios(death_rates, a0)
    # the residual is measured against the estimated fertility, before any scenario lever
    net_by_year, risk_by_year = estimation.residual_by_year(
        single, survival, birth, estimated_asfr, srb
    )
    net, at_risk = estimation.mean_of_years(net_by_year, risk_by_year)
    if overrides.fertility.tfr is not None:
        tfr = np.full(len(codes), overrides.fertility.tfr)
    tfr = tfr * overrides.fertility.multiplier
    asfr = estimation.scaled_asfr(reference, tfr)
    in_migration, out_rate = estimation.split_net_migration(net, at_risk)
    flows = gross_flows(codes, rate_years)
    migration_notes: dict[str, tuple[Note, ...]] = {}
    gross_codes: set[str] = set()
    if flows is not None:
        migration_notes, gross_codes = _use_gross_flows(
            flows,
            net_by_year,
            risk_by_year,
            in_migration,
            out_rate,
            (years[0], years[-1]),
            whole_years("gross_flow_min_years", base_year, 1),
        )
    in_profile = _normalised(in_migration, base_population)
    in_migration = in_migration * overrides.migration.in_scale
    out_rate = np.clip(out_rate * overrides.migration.out_scale, 0.0, 1.0)
    extra = overrides.migration.net_per_year
    if extra > 0:
        in_migration = in_migration + extra * in_profile
    elif extra < 0:
        totals = base_population.sum(axis=(1, 2))
        out_rate = np.clip(out_rate + (-extra / totals)[:, None, None], 0.0, 1.0)

    improvement = overrides.mortality.improvement
    if improvement is None:
        improvement = float(_value("mortality_improvement", base_year))
    n_years = end_year - base_year
    housing_on = housing and not overrides.housing.no_housing
    housing_arrays = np.zeros((len(codes), n_years, N_SEX, N_AGE))
    notes: dict[str, list[str]] = {c: [] for c in codes}
    by_project: dict[str, dict[str, FloatArray]] = {c: {} for c in codes}
    for i, code in enumerate(codes):
        programme = housing_programme(code)
        projects = apply_housing_overrides(
            programme.projects if programme else (), overrides.housing
        )
        if housing_on and projects:
            assumptions = housing_assumptions(code, base_year)
            by_project[code] = residents_by_project(projects, assumptions, base_year, n_years)
            housing_arrays[i] = housing_migration(
                projects,
                assumptions,
                base_year,
                n_years,
                in_profile[i],
                base_population[i],
            )
            notes[code].append(
                Note(
                    N_(
                        "housing programme: {projects} projects, {dwellings:,.0f} net dwellings "
                        "(totals secondary, yearly schedules assumption)"
                    ),
                    projects=len(projects),
                    dwellings=float(sum(p.net_dwellings() for p in projects)),
                )
            )
            notes[code].extend(downloaded_figure_notes(assumptions))
        elif housing_on:
            notes[code].append(Note(N_("no housing programme known: baseline without local plans")))
        else:
            notes[code].append(
                Note(N_("baseline without the housing programme (as Statistics Denmark)"))
            )

    targets = np.full((len(codes), n_years, 3), np.nan)
    if calibrate and base_year == last_detailed_year():
        observed = data.observed_totals()
        later = observed[(observed["year"] > base_year) & (observed["year"] <= end_year)]
        for i, code in enumerate(codes):
            for r in later[later["code"] == code].itertuples(index=False):
                k = int(r.year) - base_year - 1
                male, female = r.male, r.female
                has_sex = male is not None and female is not None
                has_sex = has_sex and not (_isna(male) or _isna(female))
                targets[i, k] = [
                    float(r.population),
                    float(male) if has_sex else np.nan,
                    float(female) if has_sex else np.nan,
                ]
                notes[code].append(
                    Note(
                        N_(
                            "calibrated to the observed {year} total {total:,.0f} "
                            "({status:word}: {source})"
                        ),
                        year=int(r.year),
                        total=float(int(r.population)),
                        status=str(r.status),
                        source=str(r.source),
                    )
                )

    for i, code in enumerate(codes):
        notes[code][:0] = [
            Note(
                N_(
                    "base population 1 January {year}: FOLK1B 5-year groups (published), "
                    "graduated to single ages by {graduation} (estimate)"
                ),
                year=base_year,
                graduation=graduation,
            ),
            Note(
                N_("death rates: {province}, {first}-{last} (estimate)"),
                province=province_of[code],
                first=years[0],
                last=years[-2],
            ),
            (
                Note(
                    N_(
                        "local TFR {tfr:.2f}: the municipality's own fertility rates {years} "
                        "(published: {source}), mean of the years' TFRs, on the age pattern of "
                        "the national ASFR {asfr_year} (published)"
                    ),
                    tfr=float(tfr[i]),
                    years=_year_span(own.years[code]),
                    source=own.source,
                    asfr_year=asfr_label,
                )
                if own is not None and code in own.years
                else Note(
                    N_(
                        "local TFR {tfr:.2f}: national ASFR {asfr_year} (published) scaled by the "
                        "child-woman ratio {first}-{last} (estimate)"
                    ),
                    tfr=float(tfr[i]),
                    asfr_year=asfr_label,
                    first=years[1],
                    last=years[-1],
                )
            ),
            *(
                migration_notes[code]
                if code in migration_notes
                else (
                    Note(
                        N_(
                            "migration: net residual {first}-{last}, split into in-migration "
                            "counts and out-migration rates (estimate; gross flows are not in "
                            "the data)"
                        ),
                        first=years[0],
                        last=years[-1],
                    ),
                )
            ),
            Note(
                N_(
                    "sex ratio at birth {srb} (assumption); mortality improvement {improvement} "
                    "a year (assumption)"
                ),
                srb=srb,
                improvement=improvement,
            ),
        ]

    inputs = ModelInputs(
        codes=codes,
        base_year=base_year,
        base_population=base_population,
        death_rates=death_rates,
        mortality_improvement=np.full(len(codes), improvement),
        asfr=asfr,
        srb=srb,
        a0=a0,
        in_migration=in_migration,
        out_rate=out_rate,
        housing=housing_arrays,
        calibration_targets=targets,
        calibration_profile=in_profile,
    )
    methods = {
        code: {
            "migration": "gross_flows" if code in gross_codes else "residual",
            "fertility": (
                "municipal_rates" if own is not None and code in own.years else "child_woman_ratio"
            ),
        }
        for code in codes
    }
    return PreparedRun(
        inputs, {c: tuple(n) for c, n in notes.items()}, tfr, housing_on, by_project, methods
    )


CAPPED_NOTE_PERSONS = 0.5  # moves out a year lost to the cap o <= 1 that the notes mention


@dataclass(frozen=True)
class FlowCube:
    """Gross migration flows of the window's years for the run's municipalities.

    ``incoming`` (moves in from other municipalities and from abroad) and ``outgoing`` (out to
    other municipalities and abroad) are ``[M, Y, 2, 101]`` by age at the move; ``held[M, Y]``
    says which (municipality, year) the snapshot holds; ``in_data`` which municipalities it holds
    for any year at all.
    """

    codes: tuple[str, ...]
    years: tuple[int, ...]
    incoming: FloatArray
    outgoing: FloatArray
    held: np.ndarray
    in_data: tuple[bool, ...]
    source: str


def gross_flows(codes: Sequence[str], years: Sequence[int]) -> FlowCube | None:
    """The snapshot's gross flows (:func:`byibalance.data.migration_flows`) of ``codes`` in
    ``years`` as arrays, or ``None`` when the snapshot holds none."""
    frame = data.migration_flows()
    if frame.empty:
        return None
    codes, years = tuple(codes), tuple(years)
    in_data = tuple(bool(v) for v in np.isin(codes, frame["code"].unique()))
    rows = frame[frame["code"].isin(codes) & frame["year"].isin(years)]
    incoming = np.zeros((len(codes), len(years), N_SEX, N_AGE))
    outgoing = np.zeros_like(incoming)
    held = np.zeros((len(codes), len(years)), dtype=bool)
    ci = rows["code"].map({c: i for i, c in enumerate(codes)}).to_numpy(np.int64)
    yi = rows["year"].map({y: i for i, y in enumerate(years)}).to_numpy(np.int64)
    si = rows["sex"].map({"m": 0, "f": 1}).to_numpy(np.int64)
    ai = rows["age"].to_numpy(np.int64)
    incoming[ci, yi, si, ai] = (rows["in_internal"] + rows["immigrated"]).to_numpy(np.float64)
    outgoing[ci, yi, si, ai] = (rows["out_internal"] + rows["emigrated"]).to_numpy(np.float64)
    held[ci, yi] = True
    return FlowCube(codes, years, incoming, outgoing, held, in_data, str(frame["source"].iloc[0]))


def _use_gross_flows(
    flows: FlowCube,
    net_by_year: FloatArray,
    risk_by_year: FloatArray,
    in_migration: FloatArray,
    out_rate: FloatArray,
    window: tuple[int, int],
    needed: int,
) -> tuple[dict[str, tuple[Note, ...]], set[str]]:
    """Replace, in place, the residual's in-migration counts and out-migration rates of every
    municipality whose gross flows cover at least ``needed`` of the window's years (the parameter
    ``gross_flow_min_years``) by the gross ones (:func:`estimation.gross_migration`, means over
    those years, at risk the same years' survivors). Returns the migration notes of every
    municipality the snapshot holds flows for (the method and the residual of the same years as a
    check, or why the residual is kept) and the codes that use the gross flows."""
    notes: dict[str, tuple[Note, ...]] = {}
    used_codes: set[str] = set()
    for i, code in enumerate(flows.codes):
        if not flows.in_data[i]:
            continue
        used = np.flatnonzero(flows.held[i])
        held_years = [flows.years[k] for k in used]
        if len(used) < needed:
            notes[code] = (
                Note(
                    N_(
                        "migration: net residual {first}-{last}, split into in-migration counts "
                        "and out-migration rates (estimate; the gross flows ({source}) cover "
                        "{count} of the window's years {years_asked}: {years}; at least {needed} "
                        "are needed)"
                    ),
                    first=window[0],
                    last=window[1],
                    source=flows.source,
                    count=len(used),
                    years_asked=_year_span(flows.years),
                    years=_year_span(held_years) if held_years else "-",
                    needed=needed,
                ),
            )
            continue
        incoming = flows.incoming[i, used].mean(axis=0)
        outgoing = flows.outgoing[i, used].mean(axis=0)
        at_risk = risk_by_year[i, used].mean(axis=0)
        in_migration[i], out_rate[i] = estimation.gross_migration(incoming, outgoing, at_risk)
        used_codes.add(code)
        gross_net = float(incoming.sum() - outgoing.sum())
        residual = float(net_by_year[i, used].sum(axis=(1, 2)).mean())
        capped = float(outgoing.sum() - (out_rate[i] * at_risk).sum())
        notes[code] = (
            Note(
                N_(
                    "migration: gross flows {years} (published: {source}), mean yearly "
                    "in-migration counts and out-migration rates of the survivors; ages at the "
                    "move shifted half a year to the age at year end (derived)"
                ),
                years=_year_span(held_years),
                source=flows.source,
            ),
            Note(
                N_(
                    "migration check {years}: gross in {incoming:,.0f} less out {outgoing:,.0f} "
                    "= net {net:,.0f} a year; the residual net of the same years {residual:,.0f}"
                    " (difference {difference:,.0f}: corrections and timing of registrations)"
                ),
                years=_year_span(held_years),
                incoming=float(incoming.sum()),
                outgoing=float(outgoing.sum()),
                net=gross_net,
                residual=residual,
                difference=gross_net - residual,
            ),
        )
        if capped >= CAPPED_NOTE_PERSONS:
            notes[code] += (
                Note(
                    N_(
                        "migration: at some ages more moved out than lived there (moves of "
                        "persons who moved in and out in one year); the out-migration rate is "
                        "capped at 1 and {persons:,.0f} moves out a year are left out"
                    ),
                    persons=capped,
                ),
            )
    return notes, used_codes


@dataclass(frozen=True)
class MunicipalFertility:
    """Local TFRs from the municipalities' own rates (FOD407): ``tfr[M]`` (NaN where none of
    the window's years is held) and the years used per municipality."""

    tfr: FloatArray
    years: dict[str, tuple[int, ...]]
    source: str


def municipal_tfr(codes: Sequence[str], years: Sequence[int]) -> MunicipalFertility | None:
    """Each municipality's TFR as the mean over ``years`` of ``5 * sum(rates) / 1000`` (the
    snapshot's FOD407, :func:`byibalance.data.fertility_municipal`); ``None`` without it."""
    frame = data.fertility_municipal()
    if frame.empty:
        return None
    rows = frame[frame["code"].isin(list(codes)) & frame["year"].isin(list(years))]
    wide = rows.pivot_table(
        index=["code", "year"], columns="age_start", values="rate_per_1000", aggfunc="sum"
    )
    yearly = estimation.tfr_from_groups(wide.to_numpy(np.float64))
    by_year = pd.Series(yearly, index=wide.index)
    tfr = np.full(len(codes), np.nan)
    used: dict[str, tuple[int, ...]] = {}
    for i, code in enumerate(codes):
        if code in by_year.index.get_level_values("code"):
            mine = by_year.xs(code, level="code")
            tfr[i] = float(mine.mean())
            used[code] = tuple(int(y) for y in mine.index)
    return MunicipalFertility(tfr, used, str(frame["source"].iloc[0]))


def _year_span(years: Sequence[int]) -> str:
    """``2015-2019`` for consecutive years, else ``2015, 2017, 2018``."""
    ordered = sorted(int(y) for y in years)
    if len(ordered) > 1 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{ordered[0]}-{ordered[-1]}"
    return ", ".join(str(y) for y in ordered)


def _isna(value: object) -> bool:
    try:
        return bool(np.isnan(float(value)))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _normalised(profile: FloatArray, fallback: FloatArray) -> FloatArray:
    """``profile / sum`` per municipality; the population's shape where the profile is empty."""
    total = profile.sum(axis=(1, 2), keepdims=True)
    fall_total = fallback.sum(axis=(1, 2), keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        result: FloatArray = np.where(
            total > 0, profile / total, np.where(fall_total > 0, fallback / fall_total, 0.0)
        )
    return result


def observed_age5(code: str, year: int) -> FloatArray:
    """The observed 5-year groups ``[2, 21]`` on 1 January ``year`` (FOLK1B)."""
    cube = population_cube()
    if year not in cube.years:
        raise DataError(
            f"no detailed population for {year}",
            f"Choose a year from {cube.years[0]} to {cube.years[-1]}",
            ErrorLocation(field="target_year", year=year),
        )
    return cube.values[cube.index(code), cube.years.index(year)]
