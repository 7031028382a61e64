"""Translations (Babel catalogues under ``web/translations``): Danish first, English second.

Message ids in the templates and code are English; the Danish catalogue translates them. The
English catalogue is the identity, kept so both languages are loaded the same way.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from babel.support import NullTranslations, Translations

from byibalance.web.settings import LANGUAGES

DOMAIN = "messages"


@cache
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of ``lang`` (``da`` or ``en``)."""
    if lang not in LANGUAGES:
        lang = LANGUAGES[0]
    folder = str(resources.files("byibalance.web") / "translations")
    return Translations.load(folder, [lang], domain=DOMAIN)


def gettext_for(lang: str):  # type: ignore[no-untyped-def]
    """The ``_`` function of ``lang``."""
    return translations(lang).gettext
