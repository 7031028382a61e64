"""Translations (Babel catalogues under ``web/translations``): Danish first, English second.

Message ids in the templates and code are English; the Danish catalogue translates them. The
English catalogue is the identity, kept so both languages are loaded the same way.

Texts from the core (rule reasons, projection and budget notes) arrive as an English template
with arguments (:mod:`byibalance.messages`); :func:`format_message` and :func:`localise` put
them in the page's language with its number style (Danish: ``1.234,5 mio. kr.``).

Errors (:func:`error_text`) read the same way: a :class:`~byibalance.errors.ByibalanceError`
whose problem and fix are notes reads wholly in the page's language, its place (file, line,
field, year) too; one with a text the catalogue does not know reads wholly in English behind a
lead-in in the page's language, never half in one language and half in the other.
"""

from __future__ import annotations

import math
import re
import string
from collections.abc import Mapping, Sequence
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

from byibalance.errors import ByibalanceError, ErrorLocation
from byibalance.messages import ENGLISH, N_, Note, note_or_text
from byibalance.scenario import validation_message
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

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        """``{x!r}``: a number as Python writes it, in the language's style (``85.000,5``)."""
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if conversion == "r" and number and self.lang != "en":
            return python_digits(value, self.lang)
        return super().convert_field(value, conversion)

    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, Note):  # a note inside a note (parts joined): each in its words
            return localise(value, self.lang)
        if isinstance(value, ByibalanceError):  # an error inside a note, with its place and fix
            return error_text(value, self.lang)
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


def python_digits(value: float, lang: str) -> str:
    """``repr(value)``'s digits in ``lang``'s style: Danish ``85.000,5`` for 85000.5 (groups of
    three from five digits on, as Danish writes numbers; ``2027`` stays ``2027``)."""
    text = repr(value)
    if lang == "en" or not math.isfinite(value) or "e" in text:
        return text if lang == "en" else text.replace(".", ",")
    whole, dot, fraction = text.partition(".")
    sign, digits = ("-", whole[1:]) if whole.startswith("-") else ("", whole)
    if len(digits) > 4:
        digits = f"{int(digits):,}".replace(",", ".")
    return sign + digits + ("," + fraction if dot else "")


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


# --- errors -----------------------------------------------------------------------------------

#: The lead-in of an error the catalogue cannot put in the page's language.
IN_ENGLISH = N_("Error (in English): {text}")

#: The words of a place (:class:`~byibalance.errors.ErrorLocation`) in the page's language.
LINE = N_("line {line}")
ROW = N_("row {line}")  # a sheet's line: 'række' in Danish, where 'linje' reads wrong
FIELD = N_("field '{field}'")
FIELD_LABELLED = N_("field '{field}' ({label})")
YEAR = N_("year {year}")

#: The workbench form's name of a scenario's field (by the start of its path), shown beside the
#: path on pages in another language than the file's keys.
FIELD_LABELS = {
    "name": N_("Name"),
    "description": N_("Description"),
    "municipality": N_("Municipality"),
    "finance.income_tax_rate": N_("Municipal income tax"),
    "finance.unit_costs": N_("Unit costs"),
    "services.unit_costs": N_("Unit costs"),
    "population.fertility.multiplier": N_("Fertility factor"),
    "population.housing.add": N_("Housing projects"),
    "ambitions.pinned_in": N_("Pinned in"),
    "ambitions.pinned_out": N_("Pinned out"),
}


def field_label(path: str) -> str | None:
    """The form's label (English message id) of the field at ``path``, if the form has one."""
    for prefix, label in FIELD_LABELS.items():
        if path == prefix or path.startswith((prefix + ".", prefix + "[")):
            return label
    return None


def in_catalogue(message: str, lang: str) -> bool:
    """True when ``lang``'s catalogue has a text for ``message`` (English has every one)."""
    if lang == "en":
        return True
    catalogue: Mapping[object, str] = getattr(translations(lang), "_catalog", {})
    return bool(catalogue.get(message))


def translatable(text: object, lang: str) -> bool:
    """True when ``text`` is a note whose template, and every note and error among its
    arguments (see :func:`error_translatable`), the catalogue of ``lang`` has: it then reads
    wholly in ``lang``."""
    if not isinstance(text, Note) or not in_catalogue(text.message, lang):
        return False
    for arg in text.args.values():
        if isinstance(arg, Note) and not translatable(arg, lang):
            return False
        if isinstance(arg, ByibalanceError) and not error_translatable(arg, lang):
            return False
    return True


def error_translatable(error: ByibalanceError, lang: str) -> bool:
    """True when ``error``'s problem and fix are notes the catalogue of ``lang`` has: it then
    reads wholly in ``lang``, its place too (:func:`error_text`)."""
    parts = [error.problem] + ([error.fix] if error.fix else [])
    return all(translatable(part, lang) for part in parts)


#: Files whose lines are a sheet's rows.
WORKBOOKS = (".xlsx", ".xlsm")


def names_a_sheet(error: ByibalanceError) -> bool:
    """True when ``error``'s line is a row of a sheet: its file is a workbook, or its problem
    names a sheet and a cell."""
    problem = error.problem
    cell = isinstance(problem, Note) and {"sheet", "cell"} <= set(problem.args)
    return cell or (error.where.file or "").lower().endswith(WORKBOOKS)


def location_text(where: ErrorLocation, lang: str, *, sheet: bool = False) -> str:
    """``where`` in ``lang``: ``fil.yaml, linje 12, felt 'x' (label), år 2027`` in Danish
    (``række 12`` for a ``sheet``'s row); exactly ``str(where)`` in English. Field paths stay as
    written: they are the file's keys."""
    if lang == "en":
        return str(where)
    parts: list[str] = [where.file] if where.file else []
    if where.line is not None:
        parts.append(format_message(ROW if sheet else LINE, {"line": where.line}, lang))
    if where.field:
        label = field_label(where.field)
        if label is None:
            parts.append(format_message(FIELD, {"field": where.field}, lang))
        else:
            label_text = translations(lang).gettext(label)
            parts.append(format_message(FIELD_LABELLED, {"field": where.field,
                                                         "label": label_text}, lang))  # fmt: skip
    if where.year is not None:
        parts.append(format_message(YEAR, {"year": where.year}, lang))
    return ", ".join(parts)


def error_text(error: ByibalanceError | str, lang: str) -> str:
    """An error (or a form field's error text, or a note with an error among its arguments such
    as a section's 'the budget could not be computed: {error}') as a page in ``lang`` shows it.

    English: exactly the CLI's text (``str(error)``). Another language: the problem, the fix and
    the place in that language when the problem and the fix are notes the catalogue has (see
    :func:`error_translatable`), composed as :class:`~byibalance.errors.ByibalanceError` composes
    its English; otherwise the English text behind a lead-in that says it is English."""
    english = str(error)
    if lang == "en":
        return english
    if isinstance(error, ByibalanceError):
        if not error_translatable(error, lang):
            return format_message(IN_ENGLISH, {"text": english}, lang)
        text = localise(error.problem, lang)
        where = location_text(error.where, lang, sheet=names_a_sheet(error))
        if where:
            text = f"{where}: {text}"
        if error.fix:
            fix = localise(error.fix, lang)
            text = f"{text} {fix}" if text.endswith(".") else f"{text}. {fix}"
        return text
    if translatable(error, lang):
        return localise(error, lang)
    return format_message(IN_ENGLISH, {"text": english}, lang)


#: A web request's invalid parameter (``query.year: Input should be ...``), and several joined.
PARAMETER_PROBLEM = N_("{field}: {message}")
MORE_PROBLEMS = N_("{first}; {rest}")


def request_problems(errors: Sequence[Any]) -> str:
    """The invalid parameters of a request (FastAPI's ``RequestValidationError.errors()``) as one
    text, each ``field: message`` and joined by ``; ``, the API's English: a note where the
    catalogue has every message, so a page shows it in its language (:func:`error_text`)."""
    parts = [
        note_or_text(PARAMETER_PROBLEM, {"message": validation_message(item)},
                     field=".".join(str(p) for p in item["loc"]))
        for item in errors
    ]  # fmt: skip
    if not parts:
        return ""
    text = parts[-1]
    for part in reversed(parts[:-1]):
        text = note_or_text(MORE_PROBLEMS, {"first": part, "rest": text})
    return text
