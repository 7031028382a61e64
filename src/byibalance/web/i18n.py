"""Translations (Babel catalogues under ``web/translations``): Danish first, English second.

Message ids in the templates and code are English; the Danish catalogue translates them. The
English catalogue is the identity, kept so both languages are loaded the same way.

Texts from the core (rule reasons, projection and budget notes) arrive as an English template
with arguments (:mod:`byibalance.messages`); :func:`format_message` and :func:`localise` put
them in the page's language with its number style (Danish: ``1.234,5 mio. kr.``).
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from byibalance.messages import ENGLISH, Note
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


LOCALES = {"da": "da_DK", "en": "en_GB"}


class LocalFormatter(string.Formatter):
    """``str.format`` in a language's number style (Babel): ``{x:mio}`` an amount in DKK in
    millions (``1.234,5 mio. kr.`` in Danish), float formats such as ``{x:,.0f}`` with the
    language's separators, ``{x:word}`` a word through the catalogue. Numbers are rounded by
    Python first, so both languages show the same digits; English is exactly the CLI's."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang if lang in LANGUAGES else LANGUAGES[0]

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Note):  # a note inside a note (parts joined): each in its words
            return localise(value, self.lang)
        if self.lang == "en":  # exactly the CLI's English
            return ENGLISH.format_field(value, format_spec)
        if format_spec == "word":
            return translations(self.lang).gettext(str(value))
        if format_spec == "mio":
            return self.number(float(value) / 1e6, 1, grouping=True) + " mio. kr."
        if not format_spec and isinstance(value, float):  # as str() shows it, with a comma
            return str(value).replace(".", ",")
        match = FLOAT_SPEC.fullmatch(format_spec)
        if match and isinstance(value, int | float):
            return self.number(float(value), int(match["digits"]), grouping=bool(match["comma"]))
        if format_spec and isinstance(value, int | float):  # e.g. ",.3g": Python's digits
            text = format(value, format_spec)
            return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
        return super().format_field(value, format_spec)

    def number(self, value: float, digits: int, *, grouping: bool) -> str:
        """``value`` with ``digits`` decimals in the language's style."""
        if not math.isfinite(value):  # nan, inf: as Python writes them, never a made-up number
            return f"{value:.{digits}f}"
        pattern = ("#,##0" if grouping else "0") + ("." + "0" * digits if digits else "")
        exact = Decimal(f"{value:.{digits}f}")
        return format_decimal(exact, format=pattern, locale=LOCALES[self.lang])


FLOAT_SPEC = re.compile(r"(?P<comma>,?)\.(?P<digits>\d)f")


def format_message(message: str, args: Mapping[str, Any], lang: str) -> str:
    """A core message (English template, see :mod:`byibalance.messages`) in ``lang``: the
    catalogue's text with the arguments in the language's number style."""
    return LocalFormatter(lang).vformat(translations(lang).gettext(message), (), dict(args))


def localise(text: str, lang: str) -> str:
    """A text from the core in ``lang``: a :class:`~byibalance.messages.Note` through the
    catalogue, any other text as it is (data and sources keep their own words)."""
    if isinstance(text, Note):
        return format_message(text.message, text.args, lang)
    return text


def rule_reason(row: Any, lang: str) -> str:
    """The reason of a rule check (a ``RuleCheck`` or the web's ``RuleRow``) in ``lang``."""
    message = getattr(row, "message", "")
    if not message:
        return str(row.reason)
    args = row.args if isinstance(row.args, Mapping) else dict(row.args)
    return format_message(message, args, lang)


def local_format(value: float, spec: str, lang: str) -> str:
    """``format(value, spec)`` in ``lang``'s number style (``2,5`` for 2.5 in Danish)."""
    return LocalFormatter(lang).format_field(value, spec)
