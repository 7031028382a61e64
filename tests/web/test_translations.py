"""The Danish catalogue covers every text of the dashboard and workbench."""

from __future__ import annotations

from importlib import resources

from babel.messages.pofile import read_po

from byibalance.web.i18n import gettext_for

FOLDER = resources.files("byibalance.web") / "translations"


def test_every_message_has_a_danish_translation() -> None:
    with (FOLDER / "messages.pot").open("rb") as f:
        template = read_po(f)
    with (FOLDER / "da" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        danish = read_po(f)
    missing = [m.id for m in template if m.id and not (danish.get(m.id) and danish[m.id].string)]
    assert missing == []


def test_compiled_catalogues_answer_in_each_language() -> None:
    assert gettext_for("da")("Overview") == "Overblik"
    assert gettext_for("en")("Overview") == "Overview"
    assert gettext_for("da")("kassekreditreglen") == "kassekreditreglen"
    assert gettext_for("da")("viewer") == "læser"
