"""The climate page: the account by GPC sector, the path to the targets and the wedges."""

from __future__ import annotations

from tests.web.conftest import new_client, signed_in


def test_viewer_sees_the_published_2015_total_and_every_part(app) -> None:  # type: ignore[no-untyped-def]
    c, _ = signed_in(app, "viewer")
    answer = c.get("/climate")
    assert answer.status_code == 200
    page = answer.text
    # Albertslund's published 2015 territorial total (DOMAIN §6), Danish thousands separator.
    assert "134.417" in page
    for part in ('id="chart-sectors"', 'id="chart-path"', 'id="chart-wedges"',
                 "Stationær energi", "kr. pr. ton", 'class="reading"', 'href="/climate"'):
        assert part in page, part
    assert page.count('<p class="reading">') == 3  # one sentence under each chart
    # The sentence reads the latest year with a total; per inhabitant 134,417 / 27,806 = 4.83.
    assert "I 2015 udledte kommunen 134.417 t CO2e, 4,83 t pr. indbygger" in page


def test_influence_view_is_selected(app) -> None:  # type: ignore[no-untyped-def]
    c, _ = signed_in(app, "viewer")
    answer = c.get("/climate", params={"view": "influence"})
    assert answer.status_code == 200
    assert '<option value="influence" selected>' in answer.text


def test_unknown_view_is_a_400_with_the_reason(app) -> None:  # type: ignore[no-untyped-def]
    c, _ = signed_in(app, "viewer")
    answer = c.get("/climate", params={"view": "galaxy"})
    assert answer.status_code == 400
    assert "ukendt klimaopgørelse &#39;galaxy&#39;" in answer.text  # a Danish page
    assert "view=territory eller view=influence" in answer.text


def test_not_signed_in_is_sent_to_sign_in(app) -> None:  # type: ignore[no-untyped-def]
    answer = new_client(app).get("/climate")
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login")


def test_english_page_reads_in_english(app) -> None:  # type: ignore[no-untyped-def]
    c, token = signed_in(app, "viewer")
    c.post("/language", data={"lang": "en", "csrf_token": token, "next": "/climate"})
    page = c.get("/climate").text
    assert "In 2015 the municipality emitted 134,417 t CO2e, 4.83 t per inhabitant" in page
    assert "Stationary energy" in page and "DKK per tonne" in page
    assert 'href="/climate"' in page and ">Climate<" in page
