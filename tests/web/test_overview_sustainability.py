"""The overview's sustainability headline: the four dimensions side by side, from the account."""

from __future__ import annotations

from tests.web.conftest import signed_in

from byibalance.web.routes.overview import sustainability_headline


def test_headline_counts_come_from_the_account() -> None:
    from byibalance.web.routes.sustainability import account

    lines, _ = account("165")
    rows = {r["dimension"]: r for r in sustainability_headline("165")}
    assert list(rows) == ["social", "economic", "climate", "environment"]
    for dim, row in rows.items():
        mine = [x for x in lines if x.dimension == dim]
        assert row["indicators"] == len(mine)
        assert row["with_value"] == sum(1 for x in mine if x.value is not None)
    # Albertslund's published climate figures (DOMAIN §6) give every climate indicator a value.
    assert rows["climate"]["with_value"] == rows["climate"]["indicators"] > 0


def test_overview_shows_the_four_dimensions_and_links_to_the_account(app) -> None:  # type: ignore[no-untyped-def]
    c, _ = signed_in(app, "viewer")
    page = c.get("/").text
    for name in ("Socialt", "Økonomisk", "Klima", "Miljø"):
        assert f'<th scope="row">{name}</th>' in page
    assert 'href="/sustainability"' in page and "aldrig som nul" in page
    assert "not integrated" not in page
