"""The catalogue: one field declaration, YAML/CSV/Excel reading, errors naming row and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from byibalance.errors import PortfolioError
from byibalance.portfolio import FIELDS, Ambition, Catalogue
from byibalance.portfolio.catalogue import fields_markdown
from byibalance.portfolio.loaders import default_catalogue_path, read_catalogue
from byibalance.provenance import Status

from .conftest import ambition

HEADER = "id,name,capital_per_year,earliest_start,latest_start,duration,requires,status,source"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_field_table_is_the_model() -> None:
    assert [f.name for f in FIELDS] == list(Ambition.model_fields)
    by_name = {f.name: f for f in FIELDS}
    assert by_name["capital_per_year"].unit == "mio_DKK_per_year"
    assert by_name["climate"].unit == "tonnes_CO2e_per_year"
    assert by_name["id"].required and not by_name["priority"].required
    assert "| `duration` | int | years |" in fields_markdown()


def test_csv_reads_ids_lists_and_defaults(tmp_path: Path) -> None:
    path = write(tmp_path, "c.csv", HEADER + "\n"
                 "a,Skole,10,2027,2029,2,,assumption,test\n"
                 "b,Hal,5,2028,2030,1,a,assumption,test\n")  # fmt: skip
    cat = read_catalogue(path).catalogue
    assert list(cat) == ["a", "b"]
    assert cat["b"].requires == ("a",)
    assert cat["a"].priority == 1.0 and cat["a"].status is Status.ASSUMPTION


def test_excel_round_trip(tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "ambitions"
    sheet.append(HEADER.split(","))
    sheet.append(["a", "Skole", 10, 2027, 2029, 2, None, "assumption", "test"])
    sheet.append(["b", "Hal", 5, 2028, 2030, 1, "a", "assumption", "test"])
    path = tmp_path / "c.xlsx"
    book.save(path)
    cat = read_catalogue(path).catalogue
    assert cat["b"].requires == ("a",) and cat["a"].capital_per_year == 10.0


@pytest.mark.parametrize(
    ("text", "message", "line", "field"),
    [
        (HEADER + "\na,Skole,-10,2027,2029,2,,assumption,test\n",
         "greater than or equal to 0", 2, "capital_per_year"),
        (HEADER + ",colour\na,Skole,10,2027,2029,2,,assumption,test,red\n",
         "unknown column 'colour'", 1, "colour"),
        (HEADER.replace(",duration", "") + "\na,Skole,10,2027,2029,,assumption,test\n",
         "required column 'duration' is missing", 1, "duration"),
        (HEADER + "\na,Skole,10,2027,2029,2,zz,assumption,test\n",
         "requires unknown ambition 'zz'", 1, "requires"),
        (HEADER + "\na,Skole,10,2029,2027,2,,assumption,test\n",
         "latest_start 2027 is before earliest_start 2029", 2, None),
        (HEADER + "\na,Skole,10,2027,2029,2,,assumption,test\na,Hal,1,2027,2029,1,,assumption,t\n",
         "appears twice", 2, "id"),
        (HEADER + "\na,Skole,10,2027,2029,2,,guess,test\n", "got 'guess'", 2, "status"),
    ],
)  # fmt: skip
def test_broken_csv_names_line_and_field(
    tmp_path: Path, text: str, message: str, line: int, field: str | None
) -> None:
    with pytest.raises(PortfolioError) as err:
        read_catalogue(write(tmp_path, "bad.csv", text))
    assert message in str(err.value)
    assert err.value.where.line == line
    assert err.value.where.field == field
    assert err.value.fix


def test_dependency_cycle_is_refused() -> None:
    with pytest.raises(PortfolioError, match="require each other in a circle: a -> b -> a"):
        Catalogue([ambition("a", requires=["b"]), ambition("b", requires=["a"])])


def test_yaml_unknown_field_and_bad_yaml(tmp_path: Path) -> None:
    bad = write(tmp_path, "c.yaml", "ambitions:\n  - {id: a, name: A, colour: red}\n")
    with pytest.raises(PortfolioError, match="unknown field 'colour'"):
        read_catalogue(bad)
    broken = write(tmp_path, "d.yaml", "ambitions:\n  - id: [a\n")
    with pytest.raises(PortfolioError, match="not valid YAML") as err:
        read_catalogue(broken)
    assert err.value.where.line is not None
    with pytest.raises(PortfolioError, match=r"cannot read a catalogue from a '\.txt' file"):
        read_catalogue(tmp_path / "x.txt")


def test_default_albertslund_catalogue_is_complete_and_labelled() -> None:
    file = read_catalogue(default_catalogue_path(165))
    cat = file.catalogue
    assert 20 <= len(cat) <= 40
    categories = {a.category.value for a in cat.ambitions()}
    for needed in ("schools_daycare", "climate_adaptation", "housing_renovation",
                   "district_heating", "cycling", "light_rail_area"):  # fmt: skip
        assert needed in categories
    # every figure is an illustrative estimate, visibly so
    assert all(a.status is Status.ASSUMPTION for a in cat.ambitions())
    assert all("illustrative" in a.note for a in cat.ambitions())
    assert file.headroom is not None and file.headroom.status is Status.ASSUMPTION


def test_municipality_without_catalogue() -> None:
    with pytest.raises(PortfolioError, match="has no embedded ambitions catalogue"):
        default_catalogue_path(101)
