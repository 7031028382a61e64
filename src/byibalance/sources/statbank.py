"""A client for Statistics Denmark's public StatBank API (https://api.statbank.dk/v1).

An adapter: it sends HTTP requests (``/tableinfo`` and ``/data`` in the ``BULK`` format), checks
every answer and turns it into tidy tables. The parsing and validation functions
(:func:`parse_bulk`, :func:`check_layout`, :func:`folk1a_tables`) are pure: text in, frames out.

Every failure becomes a :class:`~byibalance.errors.SourceError` that says what failed and what to
do; nothing is written here (the snapshot store writes, and only complete, checked downloads).

Retries: connection errors, timeouts, HTTP 429 and 5xx are retried ``retries`` times, waiting
``backoff * 2**k`` seconds before retry ``k`` (``k = 0, 1, ...``), or the server's ``Retry-After``
when it gives one. The sleep function is injected so that tests never sleep.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
import numpy as np
import pandas as pd

from byibalance.errors import ErrorLocation, SourceError

BASE_URL = "https://api.statbank.dk/v1"
_LOG = logging.getLogger(__name__)
VALUE_COLUMN = "INDHOLD"
MAX_AGE = 125  # FOLK1A's oldest single age code
OPEN_AGE = 100  # byibalance folds 100..125 into 100 (= 100 and over)

ProgressCallback = Callable[[str, int, int | None], None]
"""``progress(label, bytes_received, bytes_total_or_None)``, called as a download streams."""


ALL_DENMARK = "000"  # byibalance's code for All Denmark (FOLK1A's own)
PUBLIC_CATALOGUE = (
    "public DST table catalogue (variables and units, mirrored in public repositories) and "
    "public scripts calling the API; to confirm online"
)


@dataclass(frozen=True)
class TableSpec:
    """What byibalance expects of one StatBank table.

    ``variables`` are the variable ids in the order ``/tableinfo`` lists them; ``area`` the id of
    the municipality variable (or ``None`` for national tables); ``selection`` the values asked
    for each variable other than the area (``["*"]`` = all); ``integer`` true for counts
    (non-negative integers), false for rates and percentages (non-negative decimals);
    ``verified`` true only where the layout was checked against a real answer.

    ``key`` names the download in a snapshot when it differs from the API's ``table`` id (FLY66
    is downloaded twice, as ``FLY66_IN`` and ``FLY66_OUT``). ``eliminate`` are variables left
    out of the ``/data`` request: the API then sums over them, which ``/tableinfo`` must allow
    (``"elimination": true``), and the answer lacks their columns. ``not_published`` names, per
    variable, the codes (``"*"`` = any) whose cells may be ``..`` or blank (not published): they
    become empty cells instead of a refusal. ``municipalities_only`` leaves All Denmark (``000``)
    out of the request (the table writes its national total another way, or has none).
    ``layout_source`` says where the layout comes from.
    """

    table: str
    title: str
    file: str
    variables: tuple[str, ...]
    area: str | None
    selection: dict[str, tuple[str, ...]]
    integer: bool = True
    verified: bool = False
    key: str | None = None
    eliminate: tuple[str, ...] = ()
    not_published: dict[str, tuple[str, ...]] = field(default_factory=dict)
    municipalities_only: bool = False
    layout_source: str = PUBLIC_CATALOGUE

    @property
    def name(self) -> str:
        """The download's name in a snapshot and on the command line (``key`` or ``table``)."""
        return self.key or self.table

    @property
    def asked(self) -> tuple[str, ...]:
        """The variables of a ``/data`` request and of its BULK answer (not the eliminated)."""
        left_out = {_fold(v) for v in self.eliminate}
        return tuple(v for v in self.variables if _fold(v) not in left_out)

    def query(self, codes: Sequence[str], lang: str = "en") -> dict[str, Any]:
        """The JSON body of a ``/data`` request for these municipality codes."""
        variables: list[dict[str, Any]] = []
        for var in self.asked:
            values = list(codes) if var == self.area else list(self.selection.get(var, ("*",)))
            variables.append({"code": var, "values": values})
        return {
            "table": self.table,
            "format": "BULK",
            "lang": lang,
            "valuePresentation": "Code",
            "variables": variables,
        }


def _fold(name: str) -> str:
    return name.strip().casefold()


_AGES = ("*",)
MIGRATION_FLOWS = (
    "used: migration_flows (gross in- and out-migration by sex and age, in place of the net "
    "residual)"
)

TABLES: dict[str, TableSpec] = {
    spec.name: spec
    for spec in (
        TableSpec(
            "FOLK1A",
            "Population on the first day of the quarter by area, sex, age and marital status",
            "folk1a",
            ("OMRÅDE", "KØN", "ALDER", "CIVILSTAND", "Tid"),
            "OMRÅDE",
            {"KØN": ("1", "2"), "ALDER": ("*",), "CIVILSTAND": ("TOT",), "Tid": ("*",)},
            integer=True,
            verified=True,
            layout_source="real answers printed in public repositories (andreasebbehoj/dstpop, "
            "akselthomsen/statbank, alemartinello/dstapi); not yet a live answer",
        ),
        TableSpec(
            "FOD407",
            "Fertility rates (per 1,000 women) by municipality and age of mother",
            "fertility_municipal",
            ("OMRÅDE", "ALDER", "Tid"),
            "OMRÅDE",
            {"ALDER": ("*",), "Tid": ("*",)},
            integer=False,
            not_published={"ALDER": ("*",)},
            municipalities_only=True,
            layout_source=PUBLIC_CATALOGUE + " (ALDER code TOT1 seen in a public script; the "
            "age-group codes are read from their texts)",
        ),
        TableSpec(
            "FOD33",
            "Age-specific fertility rates (live births per 1,000 women) by age",
            "fod33",
            ("ALDER", "Tid"),
            None,
            {"ALDER": ("*",), "Tid": ("*",)},
            integer=False,
        ),
        TableSpec(
            "DODC2",
            "Deaths per week by province, sex and age",
            "dodc2",
            ("OMRÅDE", "KØN", "ALDER", "Tid"),
            None,
            {"OMRÅDE": ("*",), "KØN": ("*",), "ALDER": ("*",), "Tid": ("*",)},
            layout_source="a real extract in a public repository (CPop-SDU/statbank_dk_weekly_"
            "data): variable ids and value texts; the value codes were not seen",
        ),
        TableSpec(
            "BEV107",
            "Summary vital statistics by municipality, movement and sex",
            "bev107",
            ("OMRÅDE", "BEVÆGELSE", "KØN", "Tid"),
            "OMRÅDE",
            {"BEVÆGELSE": ("*",), "KØN": ("*",), "Tid": ("*",)},
            municipalities_only=True,
            layout_source="public scripts calling the API (variables, KØN M/K, BEVÆGELSE codes "
            "B01A..B11); to confirm online",
        ),
        TableSpec(
            "VAN1AAR",
            "Immigration by area, sex, age, country of immigration and citizenship (annual, final)",
            "migration_immigrated",
            ("OMRÅDE", "KØN", "ALDER", "INDVLAND", "STATSB", "Tid"),
            "OMRÅDE",
            {"KØN": ("1", "2"), "ALDER": _AGES, "Tid": ("*",)},
            eliminate=("INDVLAND", "STATSB"),
            municipalities_only=True,
        ),
        TableSpec(
            "VAN2AAR",
            "Emigration by area, sex, age, country of emigration and citizenship (annual, final)",
            "migration_emigrated",
            ("OMRÅDE", "KØN", "ALDER", "UDVLAND", "STATSB", "Tid"),
            "OMRÅDE",
            {"KØN": ("1", "2"), "ALDER": _AGES, "Tid": ("*",)},
            eliminate=("UDVLAND", "STATSB"),
            municipalities_only=True,
        ),
        TableSpec(
            "FLY66",
            "Moves between municipalities by municipality moved to, municipality moved from, "
            "age and sex: moves into each municipality",
            "migration_in_internal",
            ("TILKOMMUNE", "FRAKOMMUNE", "ALDER", "KØN", "Tid"),
            "TILKOMMUNE",
            {"ALDER": _AGES, "KØN": ("M", "K"), "Tid": ("*",)},
            key="FLY66_IN",
            eliminate=("FRAKOMMUNE",),
            municipalities_only=True,
        ),
        TableSpec(
            "FLY66",
            "Moves between municipalities by municipality moved to, municipality moved from, "
            "age and sex: moves out of each municipality",
            "migration_out_internal",
            ("TILKOMMUNE", "FRAKOMMUNE", "ALDER", "KØN", "Tid"),
            "FRAKOMMUNE",
            {"ALDER": _AGES, "KØN": ("M", "K"), "Tid": ("*",)},
            key="FLY66_OUT",
            eliminate=("TILKOMMUNE",),
            municipalities_only=True,
        ),
        TableSpec(
            "BOL106",
            "Dwellings with registered residents (averages) by area, unit and use",
            "persons_per_dwelling",
            ("OMRÅDE", "ENHED", "ANVENDELSE", "Tid"),
            "OMRÅDE",
            {"ENHED": ("*",), "ANVENDELSE": ("*",), "Tid": ("*",)},
            integer=False,
            # an average over no dwellings (a use a municipality lacks) is not published
            not_published={"ANVENDELSE": ("*",)},
            municipalities_only=True,
            layout_source=PUBLIC_CATALOGUE + " (ENHED codes GNSAB, GNSAP, GNSPB and ANVENDELSE "
            "TOT seen in public scripts; the unit and the uses are read from their texts)",
        ),
        TableSpec(
            "PSKAT",
            "Personal taxation by area, tax rate and time (municipal income tax, church tax, "
            "land tax)",
            "pskat",
            ("OMRÅDE", "SKATPCT", "Tid"),
            "OMRÅDE",
            {"SKATPCT": ("*",), "Tid": ("*",)},
            integer=False,
            not_published={"SKATPCT": ("GRUND",)},
            municipalities_only=True,
        ),
    )
}
"""Every download byibalance knows, by its name (:attr:`TableSpec.name`)."""

TABLE_GROUPS: dict[str, tuple[str, ...]] = {"FLY66": ("FLY66_IN", "FLY66_OUT")}
"""A StatBank table downloaded more than once: its id on the command line means all of them."""


MODEL_USE: dict[str, str] = {
    "FOLK1A": "used: population_age5, population_single_age and observed_totals (the "
    "projection starts from the newest 1 January)",
    "FOD33": "used: fertility_asfr (the national ASFR the projection scales to each municipality)",
    "PSKAT": "used: tax_rates (income and land tax of the budget, for municipalities without "
    "their own finance file)",
    "DODC2": "used: mortality_province (deaths by province; years after 2019 also need FOLK1A's "
    "four quarters for every municipality, for the person-years)",
    "FOD407": "used: fertility_municipal (the municipality's own fertility level in place of the "
    "child-woman-ratio estimate)",
    "VAN1AAR": MIGRATION_FLOWS,
    "VAN2AAR": MIGRATION_FLOWS,
    "FLY66_IN": MIGRATION_FLOWS,
    "FLY66_OUT": MIGRATION_FLOWS,
    "BEV107": "stored, not used: births, deaths and moves per municipality, a check on the "
    "components (its layout is still to confirm online)",
    "BOL106": "used: persons_per_dwelling (the municipality's own persons per dwelling of "
    "flats, terraced and detached houses and all dwellings, in place of the national 2020 "
    "values of the housing assumptions)",
}
"""What the engine does with each download of a snapshot (shown by ``byibalance data info`` and
``byibalance data list --details``)."""


def table_names(names: Iterable[str]) -> list[str]:
    """The downloads meant by table names (any case): a name of :data:`TABLES`, or a StatBank
    id downloaded more than once (``FLY66`` = ``FLY66_IN``, ``FLY66_OUT``); each once, in order.
    """
    out: list[str] = []
    for name in names:
        wanted = name.strip().upper()
        keys = TABLE_GROUPS[wanted] if wanted in TABLE_GROUPS else (spec_for(wanted).name,)
        for key in keys:
            if key not in out:
                out.append(key)
    return out


def spec_for(table: str) -> TableSpec:
    """The spec of a download by its name (any case); ``SourceError`` if not supported."""
    wanted = table.strip().upper()
    spec = TABLES.get(wanted)
    if spec is None:
        if wanted in TABLE_GROUPS:
            raise SourceError(
                f"table {wanted} is downloaded as {', '.join(TABLE_GROUPS[wanted])}",
                f"Name one of {', '.join(TABLE_GROUPS[wanted])} (on the command line {wanted} "
                "means all of them)",
                ErrorLocation(field="tables"),
            )
        raise SourceError(
            f"table {table!r} is not one byibalance downloads",
            "Choose from " + ", ".join([*TABLES, *TABLE_GROUPS]),
            ErrorLocation(field="tables"),
        )
    return spec


# ---------------------------------------------------------------------------------------------
# pure checks and conversions


def check_layout(info: dict[str, Any], spec: TableSpec) -> None:
    """Refuse a ``/tableinfo`` answer whose variables differ from ``spec.variables``, or that
    does not mark a variable of ``spec.eliminate`` ``"elimination": true``.

    Variable ids are compared case-insensitively and in order (``Tid`` = ``TID``).
    """
    raw = info.get("variables") if isinstance(info, dict) else None
    if not isinstance(raw, list) or not all(isinstance(v, dict) and "id" in v for v in raw):
        raise SourceError(
            f"the /tableinfo answer for {spec.table} has no list of variables",
            "The API may have changed; run scripts/record_statbank.py and compare",
            ErrorLocation(field="variables"),
        )
    found = [str(v["id"]) for v in raw]
    if [_fold(v) for v in found] != [_fold(v) for v in spec.variables]:
        raise SourceError(
            f"table {spec.table}'s layout differs: expected variables "
            f"{list(spec.variables)}, the API has {found}",
            "Update TABLES in byibalance/sources/statbank.py to the new layout (see "
            "docs/statbank.md) before downloading it; the data in use is unchanged",
            ErrorLocation(field="variables"),
        )
    marks = {_fold(str(v["id"])): v.get("elimination") for v in raw}
    for variable in spec.eliminate:
        if marks.get(_fold(variable)) is not True:
            raise SourceError(
                f"table {spec.table}'s variable {variable} cannot be left out of the request "
                f"(/tableinfo marks it elimination: {str(marks.get(_fold(variable))).lower()}), "
                f"so the API would not sum over it for {spec.name}",
                f"Ask {variable} explicitly and sum it in byibalance/sources/statbank.py (TABLES"
                f"[{spec.name!r}].eliminate), see docs/statbank.md; the data in use is unchanged",
                ErrorLocation(field=variable),
            )


@dataclass(frozen=True)
class BulkTable:
    """A parsed BULK answer: one column per variable (codes as text) and ``value``; ``labels``
    the value texts ``/tableinfo`` gives per variable (lower-case id -> code -> text)."""

    spec: TableSpec
    frame: pd.DataFrame
    labels: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def periods(self) -> list[str]:
        """The time codes in the answer, sorted."""
        return sorted(self.frame["tid"].unique().tolist())


def _column_name(variable: str) -> str:
    return _fold(variable)


_NUMBER = re.compile(r"^\d+(\.\d+)?$")


def value_labels(info: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The value texts of a ``/tableinfo`` answer: lower-case variable id -> code -> text."""
    return {
        _column_name(str(v.get("id", ""))): {
            str(x.get("id")): str(x.get("text", "")) for x in v.get("values", [])
        }
        for v in info.get("variables", [])
        if isinstance(v, dict)
    }


def time_values(info: dict[str, Any]) -> list[str]:
    """The period codes a ``/tableinfo`` answer lists for the time variable (``Tid``)."""
    for variable in info.get("variables", []):
        if variable.get("time") or _fold(str(variable.get("id", ""))) == "tid":
            return [str(v["id"]) for v in variable.get("values", []) if "id" in v]
    return []


NOT_PUBLISHED_MARKERS = ("..", "")
"""How an answer writes a cell Statistics Denmark does not publish (``..``, or nothing)."""


def _not_published(frame: pd.DataFrame, values: pd.Series, spec: TableSpec) -> np.ndarray:
    """The rows whose value is a not-published marker in a cell ``spec.not_published`` allows."""
    allowed = np.zeros(len(frame), dtype=bool)
    for variable, codes in spec.not_published.items():
        column = _column_name(variable)
        if column not in frame.columns:
            continue
        allowed |= (
            np.ones(len(frame), dtype=bool)
            if "*" in codes
            else frame[column].astype(str).isin(codes).to_numpy()
        )
    return allowed & values.isin(NOT_PUBLISHED_MARKERS).to_numpy()


def parse_bulk(
    text: str,
    spec: TableSpec,
    codes: Sequence[str] | None = None,
    periods: Sequence[str] | None = None,
) -> BulkTable:
    """Parse and check a BULK answer: a ``;``-separated CSV with a header of the variable ids
    and ``INDHOLD``, one row per cell.

    Checks: the header names the variables asked (``spec.asked``: ``spec.variables`` without
    the eliminated ones) then ``INDHOLD``; each line has as many fields; every value is a
    non-negative integer (counts) or decimal (rates), never blank or ``..`` (except the cells
    ``spec.not_published`` allows, which become empty: NaN); the area codes are the ones asked
    for (``codes``) and each of them is present; every period ``/tableinfo`` lists
    (``periods``, when all were asked for) is present. A failure raises ``SourceError`` naming
    the line and field.
    """
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise SourceError(
            f"the {spec.name} answer is empty",
            "Try again later; the data in use is unchanged",
            ErrorLocation(line=1),
        )
    header = text.split("\n", 1)[0].rstrip("\r").split(";")
    expected = [*spec.asked, VALUE_COLUMN]
    if [_fold(h) for h in header] != [_fold(e) for e in expected]:
        raise SourceError(
            f"the {spec.name} answer's header is {header}, expected {expected}",
            "The table's layout changed: update TABLES in byibalance/sources/statbank.py; "
            "the data in use is unchanged",
            ErrorLocation(line=1),
        )
    if not text.endswith("\n"):
        raise SourceError(
            f"the {spec.name} answer ends in the middle of a line (the download was cut off)",
            "Run byibalance data update again; the data in use is unchanged",
            ErrorLocation(field=VALUE_COLUMN),
        )
    width = len(expected)
    columns = [_column_name(v) for v in spec.asked]
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=";",
            header=0,
            names=[*columns, "value"],
            dtype=object,
            keep_default_na=False,
            na_values=[],
            skip_blank_lines=False,
        )
    except pd.errors.ParserError as err:
        found = re.search(r"line (\d+), saw (\d+)", str(err))
        line, saw = (int(found[1]), int(found[2])) if found else (None, None)
        raise SourceError(
            f"the {spec.name} answer has {saw} fields, not {width}",
            "The download is damaged: run byibalance data update again; "
            "the data in use is unchanged",
            ErrorLocation(line=line),
        ) from err
    blank = frame.isna().any(axis=1).to_numpy()
    if len(frame) and blank[-1] and (frame.iloc[-1].isna() | (frame.iloc[-1] == "")).all():
        frame, blank = frame.iloc[:-1], blank[:-1]
    if blank.any():
        number = int(blank.argmax()) + 2
        raise SourceError(
            f"the {spec.name} answer has fewer than {width} fields",
            "The download is damaged: run byibalance data update again; "
            "the data in use is unchanged",
            ErrorLocation(line=number),
        )
    values = frame["value"].astype(str).str.strip()
    if not spec.integer:
        # lang=da answers write decimals with a comma (37,7), lang=en with a point (56.2)
        values = values.str.replace(",", ".", regex=False)
    pattern = r"\d+" if spec.integer else r"\d+(\.\d+)?"
    unpublished = _not_published(frame, values, spec)
    good = values.str.fullmatch(pattern).to_numpy(dtype=bool) | unpublished
    if not good.all():
        number = int((~good).argmax())
        kind = "a non-negative integer" if spec.integer else "a non-negative number"
        raise SourceError(
            f"the {spec.name} value {values.iloc[number]!r} is not {kind}",
            "The table may hold suppressed or changed values; report it or choose "
            "other tables; the data in use is unchanged",
            ErrorLocation(line=number + 2, field=VALUE_COLUMN),
        )
    frame = frame.astype(dict.fromkeys(columns, str))
    if unpublished.any():
        frame["value"] = values.mask(unpublished).astype("float64").to_numpy()
    else:
        frame["value"] = values.astype("int64" if spec.integer else "float64").to_numpy()
    if spec.area is not None and codes is not None:
        _check_codes(frame[_column_name(spec.area)], codes, spec)
    if periods:
        missing = sorted(set(periods) - {str(p) for p in frame["tid"].unique()})
        if missing:
            raise SourceError(
                f"the {spec.name} answer lacks the periods {missing[:4]} that /tableinfo lists "
                f"(the download is partial)",
                "Run byibalance data update again; the data in use is unchanged",
                ErrorLocation(field="Tid"),
            )
    return BulkTable(spec, frame)


def _check_codes(found: pd.Series, codes: Sequence[str], spec: TableSpec) -> None:
    wanted = set(codes)
    have = {str(c) for c in found.unique()}
    extra = sorted(have - wanted)
    if extra:
        raise SourceError(
            f"the {spec.name} answer holds areas {extra[:5]} that were not asked for",
            "Report it; the data in use is unchanged",
            ErrorLocation(field=spec.area),
        )
    missing = sorted(wanted - have)
    if missing:
        raise SourceError(
            f"the {spec.name} answer lacks the municipalities {missing[:5]}",
            "The download is partial: run byibalance data update again; "
            "the data in use is unchanged",
            ErrorLocation(field=spec.area),
        )


_QUARTER = re.compile(r"^(\d{4})K([1-4])$")


def folk1a_tables(table: BulkTable) -> dict[str, pd.DataFrame]:
    """FOLK1A checked and turned into byibalance's tidy tables, for 1 January (quarter 1).

    Checks: sex codes ``1``/``2``; ages ``IALT`` and ``0``..``125``, every one present for each
    area, sex and quarter; quarters ``YYYYKq``; the ages sum to ``IALT``.

    Returns ``population_single_age`` (``code,year,sex,age,population``, age 0..100 where
    ``100`` = 100..125 summed) and ``population_age5`` (``code,year,sex,age_start,population``,
    ``age_start`` 0, 5, ..., 100 with 100 = 100+), the same columns as the embedded loader's.
    """
    frame = table.frame
    levels = {column: {str(v) for v in frame[column].unique()} for column in frame.columns[:-1]}
    if not levels["køn"] <= {"1", "2"}:
        bad = sorted(levels["køn"] - {"1", "2"})
        raise SourceError(
            f"FOLK1A sex codes {bad} are not 1 (men) or 2 (women)",
            "Report it; the data in use is unchanged",
            ErrorLocation(field="KØN"),
        )
    if levels["civilstand"] != {"TOT"}:
        raise SourceError(
            "FOLK1A answer is split by marital status",
            "Ask for CIVILSTAND=TOT; the data in use is unchanged",
            ErrorLocation(field="CIVILSTAND"),
        )
    odd = sorted(p for p in levels["tid"] if not _QUARTER.match(p))
    if odd:
        bad_period = odd[0]
        raise SourceError(
            f"FOLK1A period {bad_period!r} is not a quarter like 2024K1",
            "Report it; the data in use is unchanged",
            ErrorLocation(field="Tid"),
        )
    ages = [str(a) for a in range(MAX_AGE + 1)]
    known = {*ages, "IALT"}
    strange = sorted(levels["alder"] - known)
    if strange:
        raise SourceError(
            f"FOLK1A age codes {strange[:5]} are not IALT or 0..{MAX_AGE}",
            "Ask for single ages (ALDER=*); the data in use is unchanged",
            ErrorLocation(field="ALDER"),
        )
    keys = ["område", "køn", "tid"]
    duplicated = frame.duplicated([*keys, "alder"]).to_numpy()
    if duplicated.any():
        dup = frame.iloc[int(duplicated.argmax())]
        raise SourceError(
            f"FOLK1A has two values for area {dup['område']}, sex {dup['køn']}, {dup['tid']}, "
            f"age {dup['alder']}",
            "Report it; the data in use is unchanged",
            ErrorLocation(field="ALDER"),
        )
    wide = frame.set_index([*keys, "alder"])["value"].unstack("alder")
    full = pd.MultiIndex.from_product(
        [sorted(levels["område"]), ["1", "2"], sorted(levels["tid"])], names=keys
    )
    absent = full.difference(wide.index)
    if len(absent):
        area, sex, period = absent[0]
        raise SourceError(
            f"FOLK1A lacks sex {sex} for area {area}, {period} (the download is partial)",
            "Run byibalance data update again; the data in use is unchanged",
            ErrorLocation(field="KØN", year=int(period[:4])),
        )
    for age in [*ages, "IALT"]:
        if age not in wide.columns or wide[age].isna().any():
            where = wide.index[wide[age].isna()][0] if age in wide.columns else wide.index[0]
            raise SourceError(
                f"FOLK1A lacks age {age} for area {where[0]}, sex {where[1]}, {where[2]}",
                "The download is partial: run byibalance data update again; "
                "the data in use is unchanged",
                ErrorLocation(field="ALDER", year=int(where[2][:4])),
            )
    wide = wide.astype("int64")
    total = wide[ages].sum(axis=1)
    off = total != wide["IALT"]
    if off.any():
        where = wide.index[off.to_numpy().argmax()]
        raise SourceError(
            f"FOLK1A ages sum to {int(total[where])}, not the total {int(wide.loc[where, 'IALT'])}"
            f" for area {where[0]}, sex {where[1]}, {where[2]}",
            "The answer is inconsistent: run byibalance data update again; "
            "the data in use is unchanged",
            ErrorLocation(field="INDHOLD", year=int(where[2][:4])),
        )
    january = wide[wide.index.get_level_values("tid").str.endswith("K1")]
    single = january[ages].to_numpy(dtype="int64")
    folded = single[:, : OPEN_AGE + 1].copy()
    folded[:, OPEN_AGE] += single[:, OPEN_AGE + 1 :].sum(axis=1)
    index = january.index.to_frame(index=False)
    n_age = OPEN_AGE + 1
    long = pd.DataFrame(
        {
            "code": index["område"].repeat(n_age).to_numpy(),
            "year": index["tid"].str[:4].astype("int64").repeat(n_age).to_numpy(),
            "sex": index["køn"].map({"1": "m", "2": "f"}).repeat(n_age).to_numpy(),
            "age": list(range(n_age)) * len(index),
            "population": folded.reshape(-1),
        }
    )
    long = long.sort_values(["code", "year", "sex", "age"], ignore_index=True)
    long["age"] = long["age"].astype("int64")
    age5 = long.assign(age_start=(long["age"] // 5) * 5)
    age5 = (
        age5.groupby(["code", "year", "sex", "age_start"], as_index=False)["population"]
        .sum()
        .astype({"year": "int64", "age_start": "int64", "population": "int64"})
    )
    return {
        "population_single_age": long,
        "population_age5": age5,
        "population_quarter_age5": _quarter_age5(wide[ages].to_numpy(dtype="int64"), wide.index),
    }


def _quarter_age5(single: np.ndarray, index: pd.MultiIndex) -> pd.DataFrame:
    """``code,year,quarter,sex,age_start,population``: every quarter's first day in 5-year
    groups (100 = 100..125), the populations mortality's person-years are the mean of."""
    groups = single[:, :OPEN_AGE].reshape(len(single), OPEN_AGE // 5, 5).sum(axis=2)
    groups = np.concatenate([groups, single[:, OPEN_AGE:].sum(axis=1, keepdims=True)], axis=1)
    n_group = groups.shape[1]
    keys = index.to_frame(index=False)
    frame = pd.DataFrame(
        {
            "code": keys["område"].repeat(n_group).to_numpy(),
            "year": keys["tid"].str[:4].astype("int64").repeat(n_group).to_numpy(),
            "quarter": keys["tid"].str[5:].astype("int64").repeat(n_group).to_numpy(),
            "sex": keys["køn"].map({"1": "m", "2": "f"}).repeat(n_group).to_numpy(),
            "age_start": list(range(0, 5 * n_group, 5)) * len(keys),
            "population": groups.reshape(-1),
        }
    )
    return frame.sort_values(["code", "year", "quarter", "sex", "age_start"], ignore_index=True)


_YEAR = re.compile(r"^\d{4}$")
FERTILE_AGES = tuple(range(15, 50))  # the ages byibalance's ASFR holds (DOMAIN.md §2.5)

PSKAT_TYPES: dict[str, str] = {
    "KOM": "income_tax_pct",
    "KIRKE": "church_tax_pct",
    "GRUND": "land_tax_per_mille",
}
"""PSKAT's rate codes (``SKATPCT``: kommunal udskrivningsprocent, kirkeskatteprocent,
grundskyldspromille) and the column each fills, as the public DST table catalogue lists them
(to confirm online): a download whose codes differ is refused, and the data in use is
unchanged."""
PSKAT_REQUIRED = ("KOM", "KIRKE")
"""The types every PSKAT year must hold; the land tax (``GRUND``) is published only up to 2023
(EJDSK2 has the later land-tax rates), so a year without it leaves the land tax empty."""


def _years(table: BulkTable) -> list[int]:
    odd = sorted(p for p in table.frame["tid"].unique() if not _YEAR.match(str(p)))
    if odd:
        raise SourceError(
            f"{table.spec.name} period {odd[0]!r} is not a year like 2025",
            "Report it; the data in use is unchanged",
            ErrorLocation(field="Tid"),
        )
    return sorted(int(p) for p in table.frame["tid"].unique())


def fod33_tables(table: BulkTable) -> dict[str, pd.DataFrame]:
    """FOD33 checked and turned into ``fertility_asfr`` (``year,age,rate_per_1000``), the columns
    of the embedded ASFR: ages 15..49 for every year, each once. Other age codes (a total, or
    ages outside 15..49) are left out; a year lacking one of the ages 15..49 is refused."""
    frame = table.frame
    years = _years(table)
    ages = frame["alder"].astype(str)
    wanted = {str(a) for a in FERTILE_AGES}
    rows = frame[ages.isin(wanted)]
    duplicated = rows.duplicated(["alder", "tid"]).to_numpy()
    if duplicated.any():
        dup = rows.iloc[int(duplicated.argmax())]
        raise SourceError(
            f"FOD33 has two rates for age {dup['alder']} in {dup['tid']}",
            "Report it; the data in use is unchanged",
            ErrorLocation(field="ALDER", year=int(dup["tid"])),
        )
    have = set(zip(rows["tid"].astype(int), rows["alder"].astype(int), strict=True))
    for year in years:
        for age in FERTILE_AGES:
            if (year, age) not in have:
                raise SourceError(
                    f"FOD33 lacks the rate of age {age} in {year} (ages are "
                    f"{sorted(set(ages))[:4]}...)",
                    "Ask for single ages (ALDER=*); the download is partial or the age codes "
                    "changed; the data in use is unchanged",
                    ErrorLocation(field="ALDER", year=year),
                )
    tidy = pd.DataFrame(
        {
            "year": rows["tid"].astype("int64").to_numpy(),
            "age": rows["alder"].astype("int64").to_numpy(),
            "rate_per_1000": rows["value"].astype("float64").to_numpy(),
        }
    )
    return {"fertility_asfr": tidy.sort_values(["year", "age"], ignore_index=True)}


def pskat_tables(table: BulkTable) -> dict[str, pd.DataFrame]:
    """PSKAT checked and turned into ``tax_rates`` (``code,year,income_tax_pct,church_tax_pct,
    land_tax_per_mille``): every area and year must hold the income and church tax of
    :data:`PSKAT_TYPES`. The land tax is published only up to 2023: a year in which no area has
    it, or whose cells are ``..`` (not published), leaves the land tax empty (missing, not zero);
    an area lacking it in a year where other areas have it is a partial download and refused.
    Other types are left out."""
    frame = table.frame
    years = _years(table)
    types = {str(t) for t in frame["skatpct"].unique()}
    unknown = sorted(set(PSKAT_REQUIRED) - types)
    if unknown:
        raise SourceError(
            f"PSKAT has no tax types {unknown} (it has {sorted(types)[:6]})",
            "The table's codes differ from what byibalance expects: update PSKAT_TYPES in "
            "byibalance/sources/statbank.py; the data in use is unchanged",
            ErrorLocation(field="SKATPCT"),
        )
    rows = frame[frame["skatpct"].isin(list(PSKAT_TYPES))]
    if rows.duplicated(["område", "skatpct", "tid"]).any():
        dup = rows[rows.duplicated(["område", "skatpct", "tid"])].iloc[0]
        raise SourceError(
            f"PSKAT has two rates {dup['skatpct']} for area {dup['område']} in {dup['tid']}",
            "Report it; the data in use is unchanged",
            ErrorLocation(field="SKATPCT", year=int(dup["tid"])),
        )
    keys = pd.MultiIndex.from_product(
        [sorted({str(a) for a in frame["område"].unique()}), [str(y) for y in years]],
        names=["område", "tid"],
    )
    wide = rows.pivot(index=["område", "tid"], columns="skatpct", values="value")
    wide = wide.reindex(index=keys, columns=list(PSKAT_TYPES))
    held = rows.assign(held=1.0).pivot(index=["område", "tid"], columns="skatpct", values="held")
    held = held.reindex(index=keys, columns=list(PSKAT_TYPES)).notna()
    published_in = {t: set(rows.loc[rows["skatpct"] == t, "tid"]) for t in PSKAT_TYPES}
    for (area, period), cells in held.iterrows():
        lacking = [
            t
            for t in PSKAT_TYPES
            if not cells[t] and (t in PSKAT_REQUIRED or period in published_in[t])
        ]
        if lacking:
            raise SourceError(
                f"PSKAT lacks {lacking} for area {area} in {period} (the download is partial)",
                "Run byibalance data update again; the data in use is unchanged",
                ErrorLocation(field="SKATPCT", year=int(period)),
            )
    wide = wide.rename(columns=PSKAT_TYPES).reset_index()
    tidy = pd.DataFrame(
        {
            "code": wide["område"].astype(str),
            "year": wide["tid"].astype("int64"),
            **{column: wide[column].astype("float64") for column in PSKAT_TYPES.values()},
        }
    )
    return {"tax_rates": tidy.sort_values(["code", "year"], ignore_index=True)}


MIGRATION_SEXES: dict[str, dict[str, str]] = {
    "VAN1AAR": {"1": "m", "2": "f"},
    "VAN2AAR": {"1": "m", "2": "f"},
    "FLY66": {"M": "m", "K": "f"},
}
"""The sex codes of the migration tables and the codes of ``population_single_age`` they map
to (``m``/``f``)."""
MIGRATION_AGES = tuple(str(a) for a in range(MAX_AGE + 1))


def migration_tables(table: BulkTable) -> dict[str, pd.DataFrame]:
    """A migration download (VAN1AAR, VAN2AAR, FLY66 into or out of municipalities) checked and
    turned into ``code,year,sex,age,persons``: ``sex`` ``m``/``f`` as in
    ``population_single_age``, ages ``0``..``100`` where 100 = 100..125 summed.

    Every single age ``0``..``125`` must be present once for each area, sex and year: the API
    answers every combination asked for, zeros included (as FOLK1A's ages 101..125 show), so a
    missing cell is a partial download and refused. Age codes that are not a number (a total)
    are left out.
    """
    spec, frame = table.spec, table.frame
    years = _years(table)
    sexes = MIGRATION_SEXES[spec.table]
    area = _column_name(spec.area or "OMRÅDE")
    odd = sorted({str(s) for s in frame["køn"].unique()} - set(sexes))
    if odd:
        raise SourceError(
            f"{spec.name} sex codes {odd} are not {' or '.join(sexes)}",
            f"Ask for KØN={','.join(sexes)} (TABLES[{spec.name!r}].selection); the data in "
            "use is unchanged",
            ErrorLocation(field="KØN"),
        )
    ages = frame["alder"].astype(str)
    rows = frame[ages.str.fullmatch(r"\d+")]
    strange = sorted(set(rows["alder"]) - set(MIGRATION_AGES), key=int)
    if strange:
        raise SourceError(
            f"{spec.name} age codes {strange[:5]} are not 0..{MAX_AGE}",
            "The table's age codes changed: update migration_tables in "
            "byibalance/sources/statbank.py; the data in use is unchanged",
            ErrorLocation(field="ALDER"),
        )
    keys = [area, "tid", "køn", "alder"]
    duplicated = rows.duplicated(keys).to_numpy()
    if duplicated.any():
        dup = rows.iloc[int(duplicated.argmax())]
        raise SourceError(
            f"{spec.name} has two values for area {dup[area]}, sex {dup['køn']}, "
            f"{dup['tid']}, age {dup['alder']}",
            "Report it; the data in use is unchanged",
            ErrorLocation(field="ALDER", year=int(dup["tid"])),
        )
    full = pd.MultiIndex.from_product(
        [
            sorted({str(a) for a in frame[area].unique()}),
            [str(y) for y in years],
            list(sexes),
            list(MIGRATION_AGES),
        ],
        names=keys,
    )
    absent = full.difference(pd.MultiIndex.from_frame(rows[keys].astype(str)))
    if len(absent):
        code, period, sex, age = sorted(absent, key=lambda k: (k[0], k[1], k[2], int(k[3])))[0]
        raise SourceError(
            f"{spec.name} lacks age {age} for area {code}, sex {sex}, {period} "
            f"({len(absent)} cells missing: the download is partial)",
            "Run byibalance data update again; the data in use is unchanged",
            ErrorLocation(field="ALDER", year=int(period)),
        )
    long = pd.DataFrame(
        {
            "code": rows[area].astype(str).to_numpy(),
            "year": rows["tid"].astype("int64").to_numpy(),
            "sex": rows["køn"].map(sexes).to_numpy(),
            "age": rows["alder"].astype("int64").clip(upper=OPEN_AGE).to_numpy(),
            "persons": rows["value"].astype("int64").to_numpy(),
        }
    )
    tidy = long.groupby(["code", "year", "sex", "age"], as_index=False)["persons"].sum()
    tidy = tidy.astype({"year": "int64", "age": "int64", "persons": "int64"})
    order = tidy["sex"].map({"m": 0, "f": 1})
    tidy = tidy.assign(_sex=order).sort_values(["code", "year", "_sex", "age"])
    return {spec.file: tidy.drop(columns="_sex").reset_index(drop=True)}


FERTILITY_GROUPS = tuple(range(15, 50, 5))  # FOD407's 5-year groups 15-19 .. 45-49
_GROUP_TEXT = re.compile(r"^(\d+)\s*-\s*(\d+)(?:\s*(?:years|år))?$", re.IGNORECASE)


def _group_start(text: str) -> int | None:
    found = _GROUP_TEXT.match(text.strip())
    if found and int(found[2]) == int(found[1]) + 4:
        return int(found[1])
    return None


def fod407_tables(table: BulkTable) -> dict[str, pd.DataFrame]:
    """FOD407 checked and turned into ``fertility_municipal`` (``code,year,age_start,
    rate_per_1000``): the fertility rates per 1,000 women of the 5-year groups 15-19 .. 45-49.

    The groups are read from the value texts ``/tableinfo`` gives (``15-19 years``; the code
    itself where the text does not parse), since FOD407's age codes are not known; other codes
    (the total fertility ``TOT1``, groups outside 15..49) are left out. Every group must be
    present once for each area and year. A (municipality, year) with a group not published
    (``..``, as for the smallest islands) is left out whole, with a warning.
    """
    spec, frame = table.spec, table.frame
    years = _years(table)
    texts = table.labels.get("alder", {})
    codes = sorted({str(c) for c in frame["alder"].unique()})
    starts = {c: _group_start(texts.get(c, "")) or _group_start(c) for c in codes}
    groups = {c: a for c, a in starts.items() if a in FERTILITY_GROUPS}
    if not groups:
        shown = [f"{c} ({texts.get(c, 'no text')})" for c in codes[:4]]
        raise SourceError(
            f"no FOD407 age code is a 5-year group such as '15-19 years': {shown}",
            "The table's age codes changed: update fod407_tables in "
            "byibalance/sources/statbank.py; the data in use is unchanged",
            ErrorLocation(field="ALDER"),
        )
    missing = sorted(set(FERTILITY_GROUPS) - set(groups.values()))
    twice = sorted({a for a in groups.values() if list(groups.values()).count(a) > 1})
    if missing or twice:
        problem = (
            f"lacks the age groups starting at {missing}"
            if missing
            else f"has two codes for the groups starting at {twice}"
        )
        raise SourceError(
            f"FOD407 {problem} (groups read: {sorted(set(groups.values()))})",
            "The table's age groups changed: update fod407_tables; the data in use is unchanged",
            ErrorLocation(field="ALDER"),
        )
    rows = frame[frame["alder"].isin(list(groups))].assign(
        age_start=lambda f: f["alder"].map(groups)
    )
    keys = ["område", "tid", "age_start"]
    duplicated = rows.duplicated(keys).to_numpy()
    if duplicated.any():
        dup = rows.iloc[int(duplicated.argmax())]
        raise SourceError(
            f"FOD407 has two rates for area {dup['område']}, {dup['tid']}, ages "
            f"{dup['age_start']}-{dup['age_start'] + 4}",
            "Report it; the data in use is unchanged",
            ErrorLocation(field="ALDER", year=int(dup["tid"])),
        )
    full = pd.MultiIndex.from_product(
        [sorted({str(a) for a in frame["område"].unique()}), [str(y) for y in years]],
        names=["område", "tid"],
    )
    counted = rows.groupby(["område", "tid"])["age_start"].nunique()
    counted = counted.reindex(full, fill_value=0)
    short = counted[counted < len(FERTILITY_GROUPS)]
    if len(short):
        area, period = short.index[0]
        raise SourceError(
            f"FOD407 holds {int(short.iloc[0])} of the {len(FERTILITY_GROUPS)} age groups for "
            f"area {area} in {period} (the download is partial)",
            "Run byibalance data update again; the data in use is unchanged",
            ErrorLocation(field="ALDER", year=int(period)),
        )
    unpublished = rows.groupby(["område", "tid"])["value"].apply(lambda v: bool(v.isna().any()))
    left_out = sorted(unpublished[unpublished].index.tolist())
    if left_out:
        _LOG.warning(
            "FOD407 publishes no rates for %d municipality-years (%s); they are left out of "
            "fertility_municipal, so those municipalities keep the child-woman-ratio estimate",
            len(left_out),
            ", ".join(f"{a} {p}" for a, p in left_out[:6]),
        )
        kept = ~pd.MultiIndex.from_frame(rows[["område", "tid"]]).isin(left_out)
        rows = rows[kept]
    tidy = pd.DataFrame(
        {
            "code": rows["område"].astype(str).to_numpy(),
            "year": rows["tid"].astype("int64").to_numpy(),
            "age_start": rows["age_start"].astype("int64").to_numpy(),
            "rate_per_1000": rows["value"].astype("float64").to_numpy(),
        }
    )
    return {spec.file: tidy.sort_values(["code", "year", "age_start"], ignore_index=True)}


PERSONS_PER_DWELLING_TYPES = ("flat", "terraced", "detached", "all")
"""The uses ``persons_per_dwelling`` holds: flats (multi-dwelling houses), terraced and detached
houses, and ``all`` dwellings with registered residents (BOL106's total)."""
MAX_PERSONS_PER_DWELLING = 10.0  # a project's own figure is capped there too (HousingProject)

BOL106_TEXTS: tuple[tuple[str, str, str], ...] = (
    (
        "ENHED",
        "persons",
        r"\bpersons?\s+(?:per|pr\.?)\s+dwelling\b|\bpersoner\s+(?:per|pr\.?)\s+bolig\b",
    ),
    ("ANVENDELSE", "all", r"^(?:total|all dwellings|dwellings,? total|i alt|alle boliger)\b"),
    ("ANVENDELSE", "detached", r"^(?:detached houses|parcelhuse|stuehuse)\b"),
    ("ANVENDELSE", "terraced", r"^(?:terraced|række)"),
    ("ANVENDELSE", "flat", r"^(?:multi-dwelling houses|etageboliger)\b"),
)
"""How BOL106's conversion reads its value texts (``/tableinfo``, English as asked, Danish
accepted): (variable, meaning, pattern searched case-insensitively in the stripped text).

BOL106's codes are not known for sure (public scripts ask ``ENHED`` ``GNSAB``, ``GNSAP``,
``GNSPB`` and ``ANVENDELSE`` ``TOT``, ``125``..``570``), so the unit *persons per dwelling*
(``Average number of persons per dwelling``; not the m² units) and the uses ``Total`` (all
dwellings), ``Detached houses/farmhouses``, ``Terraced, linked or semi-detached houses`` and
``Multi-dwelling houses`` are recognised by their texts. The patterns are anchored at the start
where a use's text could contain another's (``semi-detached houses``). Other uses (cottages,
student hostels, residential buildings for communities, other) are left out."""


def _text_meanings(table: BulkTable, variable: str) -> tuple[dict[str, str], list[str]]:
    """(code -> meaning of :data:`BOL106_TEXTS`, every ``code (text)`` listed) of a variable."""
    texts = table.labels.get(_column_name(variable), {})
    patterns = [(m, re.compile(p, re.IGNORECASE)) for v, m, p in BOL106_TEXTS if v == variable]
    meanings: dict[str, str] = {}
    for code, text in texts.items():
        meaning = next((m for m, pattern in patterns if pattern.search(text.strip())), None)
        if meaning is not None:
            meanings[code] = meaning
    return meanings, [f"{code} ({text})" for code, text in texts.items()]


def bol106_tables(table: BulkTable) -> dict[str, pd.DataFrame]:
    """BOL106 checked and turned into ``persons_per_dwelling`` (``code,year,type,persons``): the
    average persons per dwelling with registered residents on 1 January of ``year``, for the
    types of :data:`PERSONS_PER_DWELLING_TYPES`.

    The unit and the uses are read from the value texts ``/tableinfo`` gives
    (:data:`BOL106_TEXTS`): no unit reading as persons per dwelling, or no use recognised, is
    refused naming the texts found; uses not recognised are left out (logged). Every kept use
    must be present once for each area and year; an average not published (``..``) or 0 (no
    dwellings of that use) is left out with a warning; an average above
    :data:`MAX_PERSONS_PER_DWELLING` is refused (a unit read wrongly, such as m²).
    """
    spec, frame = table.spec, table.frame
    years = _years(table)
    units, unit_texts = _text_meanings(table, "ENHED")
    persons = sorted(c for c, m in units.items() if m == "persons")
    if len(persons) != 1:
        problem = (
            "no BOL106 unit (ENHED) reads as persons per dwelling"
            if not persons
            else f"two BOL106 units (ENHED) read as persons per dwelling: {persons}"
        )
        raise SourceError(
            f"{problem}; the texts are {unit_texts or ['none']}",
            "The table's units changed: update BOL106_TEXTS in byibalance/sources/statbank.py "
            "(docs/statbank.md); the data in use is unchanged",
            ErrorLocation(field="ENHED"),
        )
    uses, use_texts = _text_meanings(table, "ANVENDELSE")
    if not uses:
        raise SourceError(
            f"no BOL106 use (ANVENDELSE) reads as all dwellings, detached or terraced houses "
            f"or multi-dwelling houses; the texts are {use_texts or ['none']}",
            "The table's uses changed: update BOL106_TEXTS in byibalance/sources/statbank.py "
            "(docs/statbank.md); the data in use is unchanged",
            ErrorLocation(field="ANVENDELSE"),
        )
    twice = sorted({m for m in uses.values() if list(uses.values()).count(m) > 1})
    if twice:
        codes = sorted(c for c, m in uses.items() if m in twice)
        raise SourceError(
            f"BOL106 has more than one use (ANVENDELSE) reading as {twice}: {codes}",
            "Make the patterns of BOL106_TEXTS in byibalance/sources/statbank.py tell them "
            "apart; the data in use is unchanged",
            ErrorLocation(field="ANVENDELSE"),
        )
    left_out = sorted({str(c) for c in frame["anvendelse"].unique()} - set(uses))
    if left_out:
        texts = table.labels.get("anvendelse", {})
        _LOG.info(
            "BOL106 uses left out of persons_per_dwelling: %s",
            ", ".join(f"{c} ({texts.get(c, 'no text')})" for c in left_out),
        )
    lacking = [t for t in PERSONS_PER_DWELLING_TYPES if t not in uses.values()]
    if lacking:
        _LOG.warning(
            "BOL106 has no use reading as %s (uses: %s): those types keep the national persons "
            "per dwelling",
            ", ".join(lacking),
            ", ".join(use_texts),
        )
    rows = frame[(frame["enhed"] == persons[0]) & frame["anvendelse"].isin(list(uses))]
    rows = rows.assign(type=rows["anvendelse"].map(uses))
    keys = ["område", "tid", "type"]
    duplicated = rows.duplicated(keys).to_numpy()
    if duplicated.any():
        dup = rows.iloc[int(duplicated.argmax())]
        raise SourceError(
            f"BOL106 has two averages for area {dup['område']}, {dup['tid']}, use {dup['type']}",
            "Report it; the data in use is unchanged",
            ErrorLocation(field="ANVENDELSE", year=int(dup["tid"])),
        )
    full = pd.MultiIndex.from_product(
        [
            sorted({str(a) for a in frame["område"].unique()}),
            [str(y) for y in years],
            [t for t in PERSONS_PER_DWELLING_TYPES if t in uses.values()],
        ],
        names=keys,
    )
    absent = full.difference(pd.MultiIndex.from_frame(rows[keys].astype(str)))
    if len(absent):
        area, period, kind = absent[0]
        raise SourceError(
            f"BOL106 lacks the persons per dwelling of {kind} for area {area} in {period} "
            f"({len(absent)} cells missing: the download is partial)",
            "Run byibalance data update again; the data in use is unchanged",
            ErrorLocation(field="ANVENDELSE", year=int(period)),
        )
    high = rows["value"] > MAX_PERSONS_PER_DWELLING
    if high.any():
        bad = rows[high].iloc[0]
        raise SourceError(
            f"BOL106 gives {bad['value']:g} persons per dwelling of {bad['type']} for area "
            f"{bad['område']} in {bad['tid']}, more than {MAX_PERSONS_PER_DWELLING:g}: the "
            f"unit {persons[0]} is not persons per dwelling",
            "Check BOL106_TEXTS in byibalance/sources/statbank.py against the table's units; "
            "the data in use is unchanged",
            ErrorLocation(field="ENHED", year=int(bad["tid"])),
        )
    empty = rows["value"].isna() | (rows["value"] <= 0)
    if empty.any():
        _LOG.warning(
            "BOL106 publishes no persons per dwelling for %d area-year-uses (%s): they are left "
            "out of persons_per_dwelling, so those types keep the national value",
            int(empty.sum()),
            ", ".join(f"{a} {p} {t}" for a, p, t in rows[empty][keys].to_numpy()[:6]),
        )
        rows = rows[~empty]
    tidy = pd.DataFrame(
        {
            "code": rows["område"].astype(str).to_numpy(),
            "year": rows["tid"].astype("int64").to_numpy(),
            "type": rows["type"].to_numpy(),
            "persons": rows["value"].astype("float64").to_numpy(),
        }
    )
    order = tidy["type"].map({t: i for i, t in enumerate(PERSONS_PER_DWELLING_TYPES)})
    tidy = tidy.assign(_type=order).sort_values(["code", "year", "_type"])
    return {spec.file: tidy.drop(columns="_type").reset_index(drop=True)}


EXPECTED_VALUES: dict[str, dict[str, frozenset[str]]] = {
    "FOLK1A": {
        "KØN": frozenset({"1", "2"}),
        "CIVILSTAND": frozenset({"TOT"}),
        "ALDER": frozenset({"IALT", *(str(a) for a in range(MAX_AGE + 1))}),
    },
    "FOD33": {"ALDER": frozenset(str(a) for a in FERTILE_AGES)},
    "PSKAT": {"SKATPCT": frozenset(PSKAT_REQUIRED)},
    "VAN1AAR": {"KØN": frozenset(MIGRATION_SEXES["VAN1AAR"]), "ALDER": frozenset(MIGRATION_AGES)},
    "VAN2AAR": {"KØN": frozenset(MIGRATION_SEXES["VAN2AAR"]), "ALDER": frozenset(MIGRATION_AGES)},
    "FLY66": {"KØN": frozenset(MIGRATION_SEXES["FLY66"]), "ALDER": frozenset(MIGRATION_AGES)},
}
"""The value codes byibalance's conversion needs, per StatBank table and variable
(``/tableinfo`` must list them all). FOD407's age codes are not known: its conversion reads the
groups from their texts instead."""


def check_values(info: dict[str, Any], spec: TableSpec) -> None:
    """Refuse a ``/tableinfo`` answer that lacks value codes the conversion of ``spec`` needs
    (:data:`EXPECTED_VALUES`), before anything is downloaded."""
    needed = EXPECTED_VALUES.get(spec.table, {})
    listed = {
        _fold(str(v.get("id", ""))): {str(x.get("id")) for x in v.get("values", [])}
        for v in info.get("variables", [])
        if isinstance(v, dict)
    }
    for variable, codes in needed.items():
        missing = sorted(codes - listed.get(_fold(variable), set()))
        if missing:
            raise SourceError(
                f"table {spec.table}'s variable {variable} lacks the codes {missing[:6]} that "
                f"byibalance converts (it lists {sorted(listed.get(_fold(variable), set()))[:6]})",
                "The table's codes changed: update EXPECTED_VALUES and the conversion in "
                "byibalance/sources/statbank.py; nothing was downloaded and the data in use is "
                "unchanged",
                ErrorLocation(field=variable),
            )


_WEEK = re.compile(r"^(\d{4})U(\d{2})$")
_AGE_GROUP = re.compile(r"^(\d+)-(\d+) years$")
_AGE_OPEN = re.compile(r"^(\d+) years and over$")
_SEX_TEXT = {"men": "m", "women": "f"}
MEAN_YEAR_WEEKS = 52.1775  # an average year in weeks (365.2425 / 7)


def iso_weeks(year: int) -> int:
    """The number of ISO weeks of ``year`` (52 or 53): 28 December is always in the last one."""
    return dt.date(year, 12, 28).isocalendar()[1]


def _age_start(text: str) -> int | None:
    found = _AGE_GROUP.match(text.strip())
    if found and int(found[2]) == int(found[1]) + 4:
        return int(found[1])
    found = _AGE_OPEN.match(text.strip())
    return int(found[1]) if found else None


def dodc2_tables(table: BulkTable) -> dict[str, pd.DataFrame]:
    """DODC2 checked and summed to ``deaths_province_age5`` (``province,year,sex,age_start,
    deaths,weeks_in_year``), the layout of the embedded mortality file.

    Provinces, sexes and age groups are read from the English value *texts* of ``/tableinfo``
    (``Province Byen København``, ``Men``/``Women``, ``0-4 years`` .. ``100 years and over``, as
    CPop-SDU's extract shows them); totals are left out. Weeks ``YYYYUww`` are summed over the ISO
    year; only years with all their weeks (52 or 53) are kept, and deaths of a 53-week year are
    scaled by 52.1775/53 to an average year, as the embedded file is.
    """
    frame = table.frame
    texts = {name: table.labels.get(name, {}) for name in ("område", "køn", "alder")}
    if not all(texts.values()):
        raise SourceError(
            "the DODC2 /tableinfo answer gives no value texts for OMRÅDE, KØN and ALDER",
            "Report it; the data in use is unchanged",
            ErrorLocation(field="tableinfo"),
        )
    weeks = frame["tid"].astype(str).str.extract(_WEEK)
    if weeks.isna().any().any():
        odd = frame["tid"][weeks.isna().any(axis=1)].iloc[0]
        raise SourceError(
            f"DODC2 period {odd!r} is not a week like 2024U05",
            "Report it; the data in use is unchanged",
            ErrorLocation(field="Tid"),
        )
    sex = frame["køn"].map(texts["køn"]).str.strip().str.casefold().map(_SEX_TEXT)
    ages = frame["alder"].map(texts["alder"]).fillna("").map(_age_start)
    keep = sex.notna() & ages.notna()
    found_ages = sorted({int(a) for a in ages[keep]})
    if found_ages != list(range(0, OPEN_AGE + 1, 5)):
        raise SourceError(
            f"DODC2 age groups {found_ages[:4]}... are not 0-4 .. 95-99 and 100 and over",
            "The table's age codes changed: update dodc2_tables; the data in use is unchanged",
            ErrorLocation(field="ALDER"),
        )
    long = pd.DataFrame(
        {
            "province": frame["område"].map(texts["område"]).fillna(frame["område"])[keep],
            "year": weeks[0][keep].astype("int64"),
            "week": weeks[1][keep].astype("int64"),
            "sex": sex[keep],
            "age_start": ages[keep].astype("int64"),
            "deaths": frame["value"][keep].astype("float64"),
        }
    )
    counted = long.groupby("year")["week"].nunique()
    complete = [int(y) for y, n in counted.items() if n == iso_weeks(int(y))]
    long = long[long["year"].isin(complete)]
    out = long.groupby(["province", "year", "sex", "age_start"], as_index=False).agg(
        deaths=("deaths", "sum"), weeks_in_year=("week", "nunique")
    )
    short = out[out["weeks_in_year"] != out["year"].map(iso_weeks)]
    if len(short):
        gap = short.iloc[0]
        raise SourceError(
            f"DODC2 has {gap['weeks_in_year']} weeks of {gap['year']} for {gap['province']}, "
            f"sex {gap['sex']}, ages {gap['age_start']}+ (the download is partial)",
            "Run byibalance data update again; the data in use is unchanged",
            ErrorLocation(field="Tid", year=int(gap["year"])),
        )
    long_year = out["weeks_in_year"] == 53
    out.loc[long_year, "deaths"] = (out.loc[long_year, "deaths"] * MEAN_YEAR_WEEKS / 53).round(4)
    out = out.astype({"year": "int64", "age_start": "int64", "weeks_in_year": "int64"})
    return {"deaths_province_age5": out.sort_values(["province", "year", "sex", "age_start"])}


def tidy_tables(table: BulkTable) -> dict[str, pd.DataFrame]:
    """The tidy tables a download is stored as: FOLK1A's population tables, FOD33's
    ``fertility_asfr``, PSKAT's ``tax_rates``, DODC2's deaths, FOD407's ``fertility_municipal``,
    BOL106's ``persons_per_dwelling`` and the four migration files (the engine reads these), or
    for the other tables the checked answer itself (one lower-case column per variable,
    ``value``)."""
    converters = {
        "FOLK1A": folk1a_tables,
        "FOD33": fod33_tables,
        "PSKAT": pskat_tables,
        "DODC2": dodc2_tables,
        "FOD407": fod407_tables,
        "VAN1AAR": migration_tables,
        "VAN2AAR": migration_tables,
        "FLY66_IN": migration_tables,
        "FLY66_OUT": migration_tables,
        "BOL106": bol106_tables,
    }
    convert = converters.get(table.spec.name)
    if convert is not None:
        return convert(table)
    return {table.spec.file: table.frame}


# ---------------------------------------------------------------------------------------------
# the network client


def _version() -> str:
    from byibalance import __version__

    return __version__


def _default_sleep(seconds: float) -> None:
    time.sleep(seconds)


@dataclass
class StatBankClient:
    """An httpx client for the StatBank API with timeouts, retries and progress.

    ``transport`` replaces the network (``httpx.MockTransport`` in the tests); ``sleep`` the
    wait between retries.
    """

    base_url: str = BASE_URL
    timeout: float = 60.0
    retries: int = 4
    backoff: float = 1.0
    sleep: Callable[[float], None] = _default_sleep
    transport: httpx.BaseTransport | None = None
    progress: ProgressCallback | None = None
    waits: list[float] = field(default_factory=list)

    def _client(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.base_url,
            timeout=httpx.Timeout(self.timeout, connect=min(self.timeout, 15.0)),
            transport=self.transport,
            headers={"User-Agent": f"byibalance/{_version()} (EUPL-1.2)"},
        )

    def table_info(self, table: str, lang: str = "en") -> dict[str, Any]:
        """The ``/tableinfo`` answer of ``table`` as a dict (variables, their values, unit)."""
        body = {"table": table, "format": "JSON", "lang": lang}
        text = self._post("/tableinfo", body, f"{table} table info")
        try:
            loaded = json.loads(text)
        except ValueError as err:
            raise SourceError(
                f"the /tableinfo answer for {table} is not JSON ({err})",
                "Try again later; the data in use is unchanged",
                ErrorLocation(field="tableinfo"),
            ) from err
        if not isinstance(loaded, dict):
            raise SourceError(
                f"the /tableinfo answer for {table} is not an object",
                "Try again later; the data in use is unchanged",
                ErrorLocation(field="tableinfo"),
            )
        return loaded

    def data(self, query: dict[str, Any], label: str) -> str:
        """The raw text of a ``/data`` answer (BULK, streamed with progress)."""
        return self._post("/data", query, label)

    def _post(self, path: str, body: dict[str, Any], label: str) -> str:
        attempts = self.retries + 1
        last: str = ""
        server_side = False
        for attempt in range(attempts):
            try:
                with self._client() as client, client.stream("POST", path, json=body) as answer:
                    status = answer.status_code
                    if status == 429 or status >= 500:
                        answer.read()
                        last = f"the API answered HTTP {status}"
                        server_side = True
                        wait = _retry_after(answer) or self.backoff * 2**attempt
                    elif status >= 400:
                        answer.read()
                        raise SourceError(
                            f"StatBank refused the request for {label}: HTTP {status} "
                            f"{_api_message(answer)}",
                            "Check the table and codes asked for; the data in use is unchanged",
                            ErrorLocation(field=path.strip("/")),
                        )
                    else:
                        return self._read(answer, label)
            except httpx.ConnectError as err:
                last = f"cannot connect to {self.base_url} ({err}): the network is away or blocked"
                server_side = False
                wait = self.backoff * 2**attempt
            except httpx.TimeoutException as err:
                last = f"no answer from {self.base_url} within {self.timeout:g} s ({err!r})"
                server_side = False
                wait = self.backoff * 2**attempt
            except (httpx.TransportError, httpx.DecodingError) as err:
                last = f"the connection broke during {label} ({err!r})"
                server_side = False
                wait = self.backoff * 2**attempt
            if attempt + 1 < attempts:
                self.waits.append(wait)
                self.sleep(wait)
        first = (
            "StatBank has a problem: try again later"
            if server_side
            else "Check the internet connection (or proxy) and run byibalance data update again"
        )
        raise SourceError(
            f"downloading {label} failed after {attempts} tries: {last}",
            f"{first}; nothing was written and the data in use is unchanged",
            ErrorLocation(field=path.strip("/")),
        )

    def _read(self, answer: httpx.Response, label: str) -> str:
        total_header = answer.headers.get("content-length")
        total = int(total_header) if total_header and total_header.isdecimal() else None
        chunks: list[bytes] = []
        decoded = 0
        for chunk in answer.iter_bytes():
            chunks.append(chunk)
            decoded += len(chunk)
            if self.progress is not None:
                self.progress(label, answer.num_bytes_downloaded or decoded, total)
        raw = b"".join(chunks)
        # Content-Length counts bytes on the wire (compressed, if so); an answer that was already
        # in memory (no stream) counts its decoded length
        received = answer.num_bytes_downloaded or decoded
        if total is not None and received < total:
            raise httpx.RemoteProtocolError(f"received {received} of {total} bytes")
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise SourceError(
                f"the answer for {label} is not UTF-8 text ({err})",
                "Try again later; the data in use is unchanged",
                ErrorLocation(field="data"),
            ) from err


def _retry_after(answer: httpx.Response) -> float | None:
    value = answer.headers.get("retry-after", "")
    return float(value) if value.isdecimal() else None


def _api_message(answer: httpx.Response) -> str:
    try:
        payload = answer.json()
    except ValueError:
        return answer.text[:200].strip()
    if isinstance(payload, dict) and "message" in payload:
        return str(payload["message"])
    return str(payload)[:200]


# ---------------------------------------------------------------------------------------------
# a whole download


@dataclass(frozen=True)
class Download:
    """One table downloaded and checked: its queries, raw answers and tidy tables.

    ``table`` is the download's name in the snapshot (``FLY66_IN``), ``source_table`` the
    StatBank table it came from (``FLY66``; empty = the same as ``table``)."""

    table: str
    title: str
    codes: tuple[str, ...]
    queries: tuple[dict[str, Any], ...]
    raw: tuple[str, ...]
    tables: dict[str, pd.DataFrame]
    periods: tuple[str, ...]
    retrieved: str
    verified: bool
    source_table: str = ""
    layout_source: str = ""


def _batches(codes: Sequence[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(codes), size):
        yield list(codes[start : start + size])


def download_table(
    client: StatBankClient,
    table: str,
    codes: Sequence[str],
    batch_size: int = 10,
    now: Callable[[], dt.datetime] | None = None,
) -> Download:
    """Download ``table`` (a name of :data:`TABLES`) for the municipality ``codes``: check its
    layout with ``/tableinfo``, fetch the data in batches of ``batch_size`` areas, check each
    answer, convert.

    National tables (no area variable) are fetched once, whatever the codes; tables that hold
    municipalities only leave All Denmark (``000``) out of the request.
    """
    spec = spec_for(table)
    info = client.table_info(spec.table)
    check_layout(info, spec)
    check_values(info, spec)
    if spec.municipalities_only:
        codes = [c for c in codes if c != ALL_DENMARK]
    time_id = next((v for v in spec.variables if _fold(v) == "tid"), None)
    all_periods = time_id is not None and spec.selection.get(time_id) == ("*",)
    periods = time_values(info) if all_periods else None
    batches = list(_batches(list(codes), batch_size)) if spec.area else [[]]
    queries: list[dict[str, Any]] = []
    raws: list[str] = []
    frames: list[pd.DataFrame] = []
    for i, batch in enumerate(batches, start=1):
        query = spec.query(batch)
        label = f"{spec.name} ({i}/{len(batches)})" if len(batches) > 1 else spec.name
        text = client.data(query, label)
        parsed = parse_bulk(text, spec, batch if spec.area else None, periods)
        queries.append(query)
        raws.append(text)
        frames.append(parsed.frame)
    combined = BulkTable(spec, pd.concat(frames, ignore_index=True), value_labels(info))
    tables = tidy_tables(combined)
    clock = now or (lambda: dt.datetime.now(dt.UTC))
    return Download(
        table=spec.name,
        title=spec.title,
        codes=tuple(codes) if spec.area else (),
        queries=tuple(queries),
        raw=tuple(raws),
        tables=tables,
        periods=tuple(combined.periods),
        retrieved=clock().isoformat(timespec="seconds"),
        verified=spec.verified,
        source_table=spec.table,
        layout_source=spec.layout_source,
    )
