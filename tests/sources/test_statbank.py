"""The StatBank client against recorded answers: parsing, checks, retries and failures."""

from __future__ import annotations

import json

import httpx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byibalance import data
from byibalance.errors import SourceError
from byibalance.sources.statbank import (
    MAX_AGE,
    StatBankClient,
    TableSpec,
    check_layout,
    download_table,
    folk1a_tables,
    parse_bulk,
    spec_for,
    tidy_tables,
)

from .replay import integer_graduation, load_session, replay_transport

SESSION = "folk1a_165_101_constructed"
FOLK1A = spec_for("FOLK1A")


def client(transport: httpx.BaseTransport, waits: list[float]) -> StatBankClient:
    return StatBankClient(transport=transport, sleep=waits.append, retries=4, backoff=1.0)


def recorded_body(code: str = "165") -> str:
    for item in load_session(SESSION):
        if item["path"].endswith("/data") and item["request"]["variables"][0]["values"] == [code]:
            return item["body"].decode("utf-8")
    raise AssertionError(code)


def test_replayed_folk1a_gives_the_embedded_5_year_groups_exactly(no_sleep):
    got = download_table(
        client(replay_transport(load_session(SESSION)), no_sleep),
        "FOLK1A",
        ["165", "101"],
        batch_size=1,
    )
    assert no_sleep == []
    assert got.periods[0] == "2008K1" and got.periods[-1] == "2020K1"
    age5 = got.tables["population_age5"]
    embedded = data.population_age5()
    embedded = embedded[embedded["code"].isin(["165", "101"])]
    merged = embedded.merge(age5, on=["code", "year", "sex", "age_start"], suffixes=("", "_new"))
    assert len(merged) == len(embedded) == len(age5) == 2 * 13 * 2 * 21
    assert (merged["population"] == merged["population_new"]).all()
    single = got.tables["population_single_age"]
    assert list(single.columns) == ["code", "year", "sex", "age", "population"]
    assert single["age"].between(0, 100).all() and len(single) == 2 * 13 * 2 * 101


def test_integer_graduation_keeps_each_group_total():
    rng = np.random.default_rng(1)
    p5 = rng.integers(0, 900, 21).astype(float)
    shape = rng.integers(1, 5000, 101).astype(float)
    out = integer_graduation(p5, shape)
    assert out.min() >= 0
    assert [int(out[5 * g : 5 * g + 5].sum()) for g in range(20)] == [int(v) for v in p5[:20]]


def test_quarters_other_than_the_first_are_not_1_january():
    body = recorded_body()
    extra = [line.replace("2020K1", "2020K2") for line in body.splitlines()[1:] if "2020K1" in line]
    table = parse_bulk(body + "\n".join(extra) + "\n", FOLK1A, ["165"])
    assert "2020K2" in table.periods
    tidy = folk1a_tables(table)["population_age5"]
    assert sorted(tidy["year"].unique())[-1] == 2020 and len(tidy) == 13 * 2 * 21


def test_ages_above_100_fold_into_100_plus():
    body = recorded_body().replace("165;2;101;TOT;2020K1;0", "165;2;101;TOT;2020K1;3")
    body = body.replace("165;2;IALT;TOT;2020K1;", "165;2;IALT;TOT;2020K1;X", 1)
    lines = body.splitlines()
    for i, line in enumerate(lines):
        if line.startswith("165;2;IALT;TOT;2020K1;X"):
            lines[i] = "165;2;IALT;TOT;2020K1;" + str(int(line.rsplit("X", 1)[1]) + 3)
    tidy = folk1a_tables(parse_bulk("\n".join(lines) + "\n", FOLK1A, ["165"]))
    single = tidy["population_single_age"]
    row = single[(single["year"] == 2020) & (single["sex"] == "f") & (single["age"] == 100)]
    emb = data.population_age5()
    want = emb[
        (emb["code"] == "165")
        & (emb["year"] == 2020)
        & (emb["sex"] == "f")
        & (emb["age_start"] == 100)
    ]["population"].iloc[0]
    assert int(row["population"].iloc[0]) == want + 3


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda t: t[: len(t) // 2], "ends in the middle of a line"),
        (lambda t: t[: t.rfind("\n", 0, len(t) // 2) + 1], "lacks sex 2 for area 165, 2014K1"),
        (
            lambda t: t[: t.rfind("\n", 0, len(t) // 2 - 5000) + 1],
            r"lacks age \d+ for area 165, sex 2, 2013K1",
        ),
        (
            lambda t: "\n".join(x for x in t.splitlines() if ";57;TOT;2015K1;" not in x) + "\n",
            "lacks age 57 for area 165, sex 1, 2015K1",
        ),
        (
            lambda t: t.replace("165;1;3;TOT;2012K1;", "165;1;3;TOT;2012K1;1", 1),
            "ages sum to .* not the total .* sex 1, 2012K1",
        ),
        (
            lambda t: t.replace("165;1;3;TOT;2012K1;", "165;1;3;TOT;2012K1;-", 1),
            r"line \d+, field 'INDHOLD': the FOLK1A value '-\d+' is not a non-negative integer",
        ),
        (
            lambda t: t.replace("165;1;3;TOT;2012K1;1", "165;1;3;TOT;2012K1;..", 1),
            "is not a non-negative integer",
        ),
        (lambda t: t.replace("INDHOLD", "VALUE"), "line 1: the FOLK1A answer's header"),
        (
            lambda t: t.replace("165;1;3;TOT;2012K1;", "165;1;3;TOT;2012K1;;", 1),
            "has 7 fields, not 6",
        ),
        (lambda t: t.replace("165;", "166;"), r"holds areas \['166'\] that were not asked for"),
        (lambda t: "", "answer is empty"),
    ],
)
def test_a_broken_answer_is_refused_with_its_reason(damage, message):
    with pytest.raises(SourceError, match=message) as caught:
        folk1a_tables(parse_bulk(damage(recorded_body()), FOLK1A, ["165"]))
    assert "\n" not in str(caught.value)


def test_a_period_that_tableinfo_lists_but_the_answer_lacks_is_refused():
    body = "\n".join(x for x in recorded_body().splitlines() if "2020K1" not in x) + "\n"
    with pytest.raises(SourceError, match=r"lacks the periods \['2020K1'\] that /tableinfo"):
        parse_bulk(body, FOLK1A, ["165"], [f"{y}K1" for y in range(2008, 2021)])


def test_a_table_whose_layout_changed_is_refused_before_download():
    info = json.loads(load_session(SESSION)[0]["body"])
    info["variables"] = [v for v in info["variables"] if v["id"] != "CIVILSTAND"]
    with pytest.raises(SourceError, match=r"FOLK1A's layout differs: expected variables"):
        check_layout(info, FOLK1A)
    check_layout(json.loads(load_session(SESSION)[0]["body"]), FOLK1A)


def test_retries_back_off_exponentially_then_succeed(no_sleep):
    exchanges = load_session(SESSION)
    good = replay_transport(exchanges)
    failures = iter([503, "connect", 429])

    def handler(request: httpx.Request) -> httpx.Response:
        step = next(failures, None)
        if step == "connect":
            raise httpx.ConnectError("Name or service not known", request=request)
        if step is not None:
            return httpx.Response(step, text="busy")
        return good.handle_request(request)

    got = download_table(client(httpx.MockTransport(handler), no_sleep), "FOLK1A", ["165"])
    assert no_sleep == [1.0, 2.0, 4.0]
    assert len(got.tables["population_age5"]) == 13 * 2 * 21


def test_retry_after_header_is_honoured(no_sleep):
    answers = iter([httpx.Response(429, headers={"Retry-After": "7"}, text="slow down")])
    good = replay_transport(load_session(SESSION))

    def handler(request: httpx.Request) -> httpx.Response:
        return next(answers, None) or good.handle_request(request)

    download_table(client(httpx.MockTransport(handler), no_sleep), "FOLK1A", ["165"])
    assert no_sleep == [7.0]


def test_http_500_after_all_retries_says_so(no_sleep):
    transport = httpx.MockTransport(lambda r: httpx.Response(500, text="oops"))
    with pytest.raises(
        SourceError,
        match=r"failed after 5 tries: the API answered HTTP 500. StatBank has a problem",
    ):
        download_table(client(transport, no_sleep), "FOLK1A", ["165"])
    assert no_sleep == [1.0, 2.0, 4.0, 8.0]


def test_no_network_is_named_as_such(no_sleep):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")

    with pytest.raises(
        SourceError, match=r"the network is away or blocked. Check the internet connection"
    ):
        download_table(client(httpx.MockTransport(handler), no_sleep), "FOLK1A", ["165"])


def test_a_timeout_is_retried_and_reported(no_sleep):
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(SourceError, match=r"no answer from https://api.statbank.dk/v1 within"):
        download_table(client(httpx.MockTransport(handler), no_sleep), "FOLK1A", ["165"])
    assert len(no_sleep) == 4


def test_a_refused_request_is_not_retried_and_shows_the_api_message(no_sleep):
    transport = httpx.MockTransport(
        lambda r: httpx.Response(
            400, json={"errorTypeCode": "EXTRACT-NOTFOUND", "message": "Ukendt tabel: FOLK9"}
        )
    )
    with pytest.raises(SourceError, match=r"HTTP 400 Ukendt tabel: FOLK9"):
        StatBankClient(transport=transport, sleep=no_sleep.append).table_info("FOLK9")
    assert no_sleep == []


def test_a_body_shorter_than_its_content_length_is_retried(no_sleep):
    good = replay_transport(load_session(SESSION))
    cut = iter([True])

    def handler(request: httpx.Request) -> httpx.Response:
        answer = good.handle_request(request)
        if request.url.path.endswith("/data") and next(cut, False):
            body = answer.read()
            return httpx.Response(
                200, content=body[:1000], headers={"content-length": str(len(body))}
            )
        return answer

    got = download_table(client(httpx.MockTransport(handler), no_sleep), "FOLK1A", ["165"])
    assert no_sleep == [1.0]
    assert len(got.tables["population_single_age"]) == 13 * 2 * 101


def test_unknown_table_names_the_choices():
    with pytest.raises(SourceError, match=r"'FOLK9' is not one byibalance downloads.*FOLK1A"):
        spec_for("FOLK9")


def test_progress_is_reported_while_streaming(no_sleep):
    seen: list[tuple[str, int]] = []
    c = client(replay_transport(load_session(SESSION)), no_sleep)
    c.progress = lambda label, got, total: seen.append((label, got))
    download_table(c, "FOLK1A", ["165", "101"], batch_size=1)
    assert {label for label, _ in seen} >= {"FOLK1A (1/2)", "FOLK1A (2/2)"}
    assert max(got for _, got in seen) > 70_000


RATES = TableSpec(
    "RATETEST",
    "a rate table laid out like the PSKAT entry (test only)",
    "ratetest",
    ("OMRÅDE", "SKATPCT", "Tid"),
    "OMRÅDE",
    {"SKATPCT": ("*",), "Tid": ("*",)},
    integer=False,
)


def embedded_rate_body() -> str:
    """A BULK answer whose values are the embedded PSKAT 2025 rates of Albertslund."""
    row = data.tax_rates().set_index("code").loc["165"]
    return (
        "OMRÅDE;SKATPCT;TID;INDHOLD\n"
        f"165;KOM;2025;{row['income_tax_pct']}\n"
        f"165;KIRKE;2025;{row['church_tax_pct']}\n"
    )


def test_a_rate_table_keeps_decimals_and_its_codes_as_text():
    tidy = tidy_tables(parse_bulk(embedded_rate_body(), RATES, ["165"]))["ratetest"]
    assert list(tidy.columns) == ["område", "skatpct", "tid", "value"]
    assert tidy["value"].tolist() == [
        data.tax_rates().set_index("code").loc["165", "income_tax_pct"],
        data.tax_rates().set_index("code").loc["165", "church_tax_pct"],
    ]


def test_a_count_table_refuses_decimals():
    counts = TableSpec(**{**RATES.__dict__, "integer": True})
    with pytest.raises(SourceError, match=r"line 2, field 'INDHOLD'.*not a non-negative integer"):
        parse_bulk(embedded_rate_body(), counts, ["165"])


@given(
    counts=st.lists(st.integers(0, 5000), min_size=2 * (MAX_AGE + 1), max_size=2 * (MAX_AGE + 1)),
    year=st.integers(2008, 2030),
)
@settings(max_examples=40, deadline=None)
def test_conversion_keeps_every_person(counts, year):
    """Whatever the ages hold, the tidy tables hold the same persons per sex, 100+ included."""
    lines = ["OMRÅDE;KØN;ALDER;CIVILSTAND;TID;INDHOLD"]
    for s, sex in enumerate(("1", "2")):
        ages = counts[s * (MAX_AGE + 1) : (s + 1) * (MAX_AGE + 1)]
        lines.append(f"165;{sex};IALT;TOT;{year}K1;{sum(ages)}")
        lines += [f"165;{sex};{a};TOT;{year}K1;{v}" for a, v in enumerate(ages)]
        lines += [f"165;{sex};{a};TOT;{year}K2;0" for a in range(MAX_AGE + 1)]
        lines.append(f"165;{sex};IALT;TOT;{year}K2;0")
    tidy = folk1a_tables(parse_bulk("\n".join(lines) + "\n", FOLK1A, ["165"]))
    single, age5 = tidy["population_single_age"], tidy["population_age5"]
    for s, sex in enumerate(("m", "f")):
        ages = counts[s * (MAX_AGE + 1) : (s + 1) * (MAX_AGE + 1)]
        assert single.loc[single["sex"] == sex, "population"].sum() == sum(ages)
        assert age5.loc[age5["sex"] == sex, "population"].sum() == sum(ages)
        top = single[(single["sex"] == sex) & (single["age"] == 100)]["population"].iloc[0]
        assert top == sum(ages[100:])
    assert set(single["year"]) == {year} and len(age5) == 2 * 21
    quarters = tidy["population_quarter_age5"]
    assert len(quarters) == 2 * 2 * 21 and set(quarters["quarter"]) == {1, 2}
    first = quarters[quarters["quarter"] == 1].reset_index(drop=True)
    assert first["population"].tolist() == age5["population"].tolist()
    assert quarters.loc[quarters["quarter"] == 2, "population"].sum() == 0


def test_a_danish_decimal_comma_reads_as_the_english_point():
    """lang=da answers write 37,7 where lang=en answers write 56.2 (docs/statbank.md)."""
    english = embedded_rate_body()
    danish = english.replace("25.6", "25,6").replace("0.8", "0,8")
    assert danish != english
    read = [parse_bulk(body, RATES, ["165"]).frame["value"].tolist() for body in (english, danish)]
    assert read[0] == read[1] == [25.6, 0.8]
