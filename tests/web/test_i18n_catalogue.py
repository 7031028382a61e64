"""Danish first: every text a page can show has a Danish entry, the Danish pages carry no English
sentence, and the core's rule reasons and notes reach Danish pages in Danish with Danish numbers
while the CLI keeps its English.

The catalogue checks extract the texts afresh from the templates, the web code and the core (as
``danish.py``'s ``pybabel extract`` does), so they fail as soon as someone adds a text without a
Danish entry, even before the catalogue is rebuilt.
"""

from __future__ import annotations

import html
import pickle
import re
import string
from importlib import resources
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.pofile import read_po
from hypothesis import given
from hypothesis import strategies as st
from tests.web.conftest import signed_in

from byibalance.finance.rules import MESSAGES, SERVICE_ABOVE, SERVICE_WITHIN, RuleCheck
from byibalance.messages import Note, render
from byibalance.sustainability import Sector
from byibalance.web.i18n import format_message, gettext_for, localise, rule_reason

WEB = Path(str(resources.files("byibalance.web")))
CORE = WEB.parent
TRANSLATIONS = WEB / "translations"
# The core's folders with N_ messages, as in danish.py's pybabel command.
CORE_FOLDERS = ("finance", "population", "benchmark", "sustainability", "cli", "portfolio",
                "services")  # fmt: skip
CORE_FILES = ("scenario.py",)  # the scenario file's errors


def _method_map() -> list[tuple[str, str]]:
    """The web folder's extraction map, read from translations/babel.cfg."""
    pairs = re.findall(r"^\[(\w+):\s*(\S+)\]", (TRANSLATIONS / "babel.cfg").read_text(), re.M)
    return [(pattern, method) for method, pattern in pairs]


def extracted_msgids() -> dict[str, str]:
    """Every message id in the templates, the web code and the core's ``N_`` messages, with
    the file it comes from."""
    found: dict[str, str] = {}
    sources = [(WEB, _method_map())] + [
        (CORE / name, [("*.py", "python")]) for name in CORE_FOLDERS
    ]
    for folder, method_map in sources:
        for filename, _line, message, _comments, _context in extract_from_dir(
            folder, method_map, keywords={"_": None, "N_": None}
        ):
            if isinstance(message, str) and message:
                found.setdefault(message, f"{folder.name}/{filename}")
    for name in CORE_FILES:
        for _line, message, _comments, _context in extract_from_file(
            "python", CORE / name, keywords={"_": None, "N_": None}
        ):
            if isinstance(message, str) and message:
                found.setdefault(message, name)
    return found


def danish_po() -> dict[str, str]:
    with (TRANSLATIONS / "da" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return {str(m.id): str(m.string) for m in read_po(f) if m.id}


def test_every_text_in_templates_and_code_has_a_danish_entry() -> None:
    danish = danish_po()
    missing = sorted(f"{where}: {msgid!r}" for msgid, where in extracted_msgids().items()
                     if not danish.get(msgid))  # fmt: skip
    assert missing == [], (
        "texts without Danish; add them to DA in web/translations/danish.py and run the "
        "command in its docstring:\n" + "\n".join(missing)
    )


def test_the_extraction_sees_the_pages_and_the_core() -> None:
    # Guards the test above: were the extraction to find nothing, it would pass vacuously.
    found = extracted_msgids()
    assert "Climate account" in found  # a template
    assert SERVICE_WITHIN in found  # a core message (finance/rules.py)
    assert "run from {base}; shown from {first}" in found  # a projection note
    assert len(found) > 300


def _fields(text: str) -> list[tuple[str, str]]:
    return sorted((name or "", spec or "") for _, name, spec, _ in string.Formatter().parse(text)
                  if name is not None)  # fmt: skip


def test_danish_texts_keep_every_placeholder_and_its_format() -> None:
    wrong = [(msgid, text) for msgid, text in danish_po().items()
             if text and _fields(msgid) != _fields(text)]  # fmt: skip
    assert wrong == []


def test_no_page_writes_its_texts_inline_by_language() -> None:
    inline = re.compile(r"""lang\s*==\s*["']da["']|\bif da\b|label_da""")
    hits = []
    for path in [*WEB.glob("templates/**/*.html"), *WEB.glob("routes/*.py")]:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            # The language switch itself names the other language in that language.
            if inline.search(line) and not (path.name == "base.html" and "{% if lang" in line):
                hits.append(f"{path.relative_to(WEB)}:{number}")
    assert hits == []


def test_every_gpc_sector_is_named_in_danish_as_the_account_names_it() -> None:
    da = gettext_for("da")
    assert {s.label: da(s.label) for s in Sector} == {s.label: s.label_da for s in Sector}


# --- numbers and the core's messages -------------------------------------------------------


def test_amounts_in_danish_and_english() -> None:
    args = {"spending": 1_234_500_000.0, "excess": 20_050_000.0, "ceiling": 1_214_450_000.0}
    assert format_message(SERVICE_ABOVE, args, "en") == (
        "service spending 1,234.5 mio. DKK is 20.1 mio. DKK above the ceiling 1,214.5 mio. DKK"
    )
    assert format_message(SERVICE_ABOVE, args, "da") == (
        "serviceudgifter 1.234,5 mio. kr. er 20,1 mio. kr. over servicerammen 1.214,5 mio. kr."
    )


def test_a_missing_amount_stays_missing_in_danish() -> None:
    assert format_message("{x:mio}", {"x": float("nan")}, "da") == "nan mio. kr."


def _swap(text: str) -> str:
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@given(st.floats(min_value=-1e13, max_value=1e13, allow_nan=False))
def test_danish_amounts_are_the_english_digits_with_danish_separators(amount: float) -> None:
    english = format_message("{x:mio}", {"x": amount}, "en")
    danish = format_message("{x:mio}", {"x": amount}, "da")
    assert english.endswith(" mio. DKK") and danish.endswith(" mio. kr.")
    assert danish.removesuffix(" mio. kr.") == _swap(english.removesuffix(" mio. DKK"))


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False), st.integers(0, 3))
def test_danish_float_formats_follow_the_english_digits(value: float, digits: int) -> None:
    for spec in (f",.{digits}f", f".{digits}f"):
        english = format_message(f"{{v:{spec}}}", {"v": value}, "en")
        assert format_message(f"{{v:{spec}}}", {"v": value}, "da") == _swap(english)


def test_the_cli_reason_is_the_english_rendering() -> None:
    check = RuleCheck(
        "service_ceiling",
        2027,
        "ok",
        SERVICE_WITHIN,
        2_052_700_000.0,
        2_073_200_000.0,
        {"spending": 2_052_700_000.0, "ceiling": 2_073_200_000.0},
    )
    assert check.reason == "service spending 2,052.7 mio. DKK within the ceiling 2,073.2 mio. DKK"
    assert rule_reason(check, "da") == (
        "serviceudgifter 2.052,7 mio. kr. inden for servicerammen 2.073,2 mio. kr."
    )
    assert rule_reason(check, "en") == check.reason
    hash(check)  # the arguments do not make a check unhashable


def test_every_rule_message_has_danish() -> None:
    danish = danish_po()
    assert all(danish.get(m) for m in MESSAGES)


def test_a_note_is_its_english_text_and_survives_pickling() -> None:
    note = Note("run from {base}; shown from {first}", base=2020, first=2024)
    assert note == "run from 2020; shown from 2024" and isinstance(note, str)
    again = pickle.loads(pickle.dumps(note))
    assert again == note and again.message == note.message and dict(again.args) == dict(note.args)
    assert localise(again, "da") == "beregnet fra 2020; vist fra 2024"
    assert localise("a data source's own words", "da") == "a data source's own words"
    assert render("{x:,.0f} dwellings", {"x": 3924.0}) == "3,924 dwellings"
    assert localise(Note("{x:,.0f} dwellings", x=3924.0), "da") == "3.924 dwellings"


# --- the pages ------------------------------------------------------------------------------

PAGES = ["/", "/population", "/economy", "/climate", "/region", "/sustainability", "/scenarios",
         "/scenarios/new", "/users", "/uncertainty", "/ambitions", "/participation"]  # fmt: skip


def visible_text(page: str) -> str:
    """The words a reader sees: tags, scripts and chart JSON removed, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    page = re.sub(r"<[^>]+>", " ", page)
    return re.sub(r"\s+", " ", html.unescape(page))


def english_fragments() -> set[str]:
    """Pieces of English that only an untranslated text would put on a Danish page: the fixed
    parts (between placeholders) of every message whose Danish differs, if long enough to be
    a phrase rather than a word."""
    pieces: set[str] = set()
    for msgid, text in danish_po().items():
        if not text or text == msgid:
            continue
        for literal, *_ in string.Formatter().parse(msgid):
            literal = literal.strip(" .,:;()")
            if len(literal) >= 16 and " " in literal and literal not in text:
                pieces.add(literal)
    return pieces


@pytest.fixture
def pages(app) -> dict[tuple[str, str], str]:  # type: ignore[no-untyped-def]
    """Every page (and a scenario's page and its comparison) in Danish and in English."""
    c, token = signed_in(app, "admin")
    answer = c.post("/scenarios", data={"name": "Skat", "income_tax_rate": "26,1",
                                        "csrf_token": token})  # fmt: skip
    assert answer.status_code == 303, answer.text
    sid = answer.headers["location"].rsplit("/", 1)[1]
    paths = [*PAGES, f"/scenarios/{sid}", f"/scenarios/compare?a=baseline&b={sid}"]
    out = {}
    for lang in ("da", "en"):
        c.post("/language", data={"lang": lang, "csrf_token": token, "next": "/"})
        for path in paths:
            answer = c.get(path)
            assert answer.status_code == 200, (lang, path, answer.text[:300])
            out[lang, path] = answer.text
    return out


def test_danish_pages_carry_no_english_text(pages) -> None:  # type: ignore[no-untyped-def]
    fragments = english_fragments()
    assert len(fragments) > 100  # the oracle is not empty
    found = {
        path: sorted(f for f in fragments if f in visible_text(page))
        for (lang, path), page in pages.items()
        if lang == "da" and path != "/ambitions"
    }  # see the expected failure below; fmt: skip
    assert {path: hits for path, hits in found.items() if hits} == {}
    for (lang, path), page in pages.items():
        assert f'<html lang="{lang}">' in page
        if path != "/ambitions":
            assert ("mio. DKK" in visible_text(page)) is False or lang == "en", path


def _reasons(page: str) -> list[str]:
    table = page.split('id="h-r"', 1)[1].split("</table>", 1)[0]
    rows = [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table)]
    return [html.unescape(cells[-1]) for cells in rows if cells]


def test_rule_reasons_read_in_each_language_with_the_same_figures(pages) -> None:  # type: ignore[no-untyped-def]
    english, danish = _reasons(pages["en", "/economy"]), _reasons(pages["da", "/economy"])
    assert len(english) == len(danish) > 7  # seven rules a year
    number = re.compile(r"-?\d[\d.,]*\d|\d")
    for en, da in zip(english, danish, strict=True):
        assert [_swap(n) for n in number.findall(en)] == number.findall(da), (en, da)
        assert "mio. DKK" not in da and "mio. kr." not in en
    assert any(r.startswith("service spending ") for r in english)
    assert any(r.startswith("serviceudgifter ") for r in danish)


def test_projection_notes_read_in_danish_on_the_overview(pages) -> None:  # type: ignore[no-untyped-def]
    danish, english = visible_text(pages["da", "/"]), visible_text(pages["en", "/"])
    assert re.search(r"beregnet fra \d{4}; vist fra \d{4}", danish)
    assert re.search(r"run from \d{4}; shown from \d{4}", english)
    assert "lokal samlet fertilitet (TFR) 1,73" in danish and "local TFR 1.73" in english


def test_sustainability_values_carry_danish_units_and_decimal_commas(pages) -> None:  # type: ignore[no-untyped-def]
    danish, english = (
        visible_text(pages["da", "/sustainability"]),
        visible_text(pages["en", "/sustainability"]),
    )
    assert re.search(r"\b0,\d+ andel\b", danish) and re.search(r"\b0\.\d+ share\b", english)
    for unit in ("tonnes_CO2e", "DKK_per_person", " share", "persons"):
        assert unit not in danish


def test_the_overview_names_the_first_broken_rule_in_danish(pages) -> None:  # type: ignore[no-untyped-def]
    danish = visible_text(pages["da", "/"])
    sentence = re.search(
        r"\d+ regelkontroller er ikke overholdt; den første: [^.]*\d{4}: .*?kr\.", danish
    )
    # Albertslund's baseline breaks rules (the capital level among them); were all met, the
    # page would say so in Danish instead.
    assert sentence or "Alle budgetregler er overholdt i alle år." in danish, danish[:2000]
    assert "mio. kr.." not in danish and "mio. DKK" not in danish


def test_ambitions_explanations_read_in_danish(pages) -> None:  # type: ignore[no-untyped-def]
    page = visible_text(pages["da", "/ambitions"])
    assert [f for f in english_fragments() if f in page] == []
    assert "mio. DKK" not in page


def test_a_status_word_in_a_note_is_translated_in_danish_only() -> None:
    note = Note("({status:word}: {source})", status="secondary", source="FOLK1A")
    assert note == "(secondary: FOLK1A)"
    assert localise(note, "da") == "(sekundær kilde: FOLK1A)"
    assert localise(note, "en") == "(secondary: FOLK1A)"


def test_notes_joined_and_extended_stay_translatable_part_by_part() -> None:
    from byibalance.messages import join_notes

    run = Note("run from {base}; shown from {first}", base=2020, first=2024)
    longer = run + " (see {docs})"  # a plain tail, braces and all, is kept as it is
    joined = join_notes("; ", ["plain", longer, "before: " + run])
    english = (
        "plain; run from 2020; shown from 2024 (see {docs}); before: run from 2020; shown from 2024"
    )
    assert joined == english and isinstance(joined, Note)
    assert localise(pickle.loads(pickle.dumps(joined)), "da") == (
        "plain; beregnet fra 2020; vist fra 2024 (see {docs}); "
        "before: beregnet fra 2020; vist fra 2024"
    )
    assert localise(joined, "en") == english


def test_an_ambitions_explanation_reads_in_danish_and_stays_english_for_the_cli() -> None:
    from byibalance.portfolio.explain import describe
    from byibalance.portfolio.headroom import RULE_NAMES_DA, Rule
    from byibalance.portfolio.optimise import Violation

    found = [Violation(Rule.capital, 2027, 20.0, ""), Violation(Rule.capital, 2028, 12.5, "")]
    text = describe(found, overdrawn={(Rule.capital, 2027)})
    name = RULE_NAMES_DA[Rule.capital]
    assert text == (
        f"{name} short in 2027-2028, at most 20.0 mio. DKK in 2027 (the baseline is already "
        "over it in 2027, so no ambition may add to it there)"
    )
    assert localise(text, "da") == (
        f"{name} mangler i 2027-2028, højst 20,0 mio. kr. i 2027 (basis er allerede over den "
        "i 2027, så ingen ambition må lægge noget til der)"
    )


def test_the_rules_meanings_and_the_rooms_notes_read_in_danish_and_stay_english() -> None:
    from byibalance.portfolio.headroom import RULE_NATURE, Headroom, Rule
    from byibalance.provenance import Status

    for nature in RULE_NATURE.values():
        assert localise(nature.meaning, "en") == nature.meaning
        assert localise(nature.meaning, "da") != nature.meaning
    assert localise(RULE_NATURE[Rule.liquidity].meaning, "da").startswith(
        "kassekreditreglen binder hver kommune"
    )
    slack = {Rule.capital: (-12.5, 3.0), Rule.liquidity: (1.0, 1.0), Rule.service: (0.0, 0.0)}
    (note,) = Headroom.from_slack((2027, 2028), slack, Status.ESTIMATE, "test").notes
    assert note == (
        "2027: the baseline budget is already 12.5 mio. DKK over the capital limit before any "
        "ambition (as a hard rule: room 0 there)"
    )
    assert localise(note, "da") == (
        "2027: grundbudgettet er allerede 12,5 mio. kr. over grænsen for anlæg før nogen "
        "ambition (som fast regel: råderum 0 dér)"
    )
