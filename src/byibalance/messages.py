"""Texts the core hands to people, kept free of any language but English message ids.

A text is an English *template* with named arguments, and the arguments stay numbers: the CLI
renders the template in English (:func:`render`), the web app looks the template up in its
catalogue and renders the arguments in the page's language (``byibalance.web.i18n``).

Placeholders:

- ``{name}``: as is (years, counts, names);
- ``{name:mio}``: an amount in DKK shown in millions with one decimal
  (``1,234.5 mio. DKK``; in Danish ``1.234,5 mio. kr.``);
- the usual float formats, e.g. ``{name:,.0f}`` or ``{name:.2f}``.
- ``{name:word}``: a word the catalogue translates (a status such as ``secondary``).

Templates are marked with :func:`N_` so ``pybabel extract -k N_`` finds them for the catalogue.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

Args = Mapping[str, Any]


def N_(template: str) -> str:
    """Mark ``template`` as a text of the catalogue; returns it unchanged."""
    return template


def mio_english(value: float) -> str:
    """An amount in DKK in millions with one decimal: ``1,234.5 mio. DKK``."""
    return f"{value / 1e6:,.1f} mio. DKK"


class EnglishFormatter(string.Formatter):
    """``str.format`` with the ``mio`` format for amounts in DKK."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec == "mio":
            return mio_english(float(value))
        if format_spec == "word":
            return str(value)
        return super().format_field(value, format_spec)


ENGLISH = EnglishFormatter()


def render(template: str, args: Args, formatter: string.Formatter = ENGLISH) -> str:
    """``template`` with ``args`` filled in by ``formatter`` (English by default)."""
    return formatter.vformat(template, (), dict(args))


class Note(str):
    """A note that is its English text wherever a ``str`` is expected (the CLI, reports, JSON)
    and keeps its template (:attr:`message`) and arguments (:attr:`args`) for translation."""

    message: str
    args: Args

    def __new__(cls, message: str, /, **args: Any) -> Note:
        note = super().__new__(cls, render(message, args))
        note.message = message
        note.args = MappingProxyType(dict(args))
        return note

    def __reduce__(self) -> tuple[Any, ...]:
        return (_note, (self.message, dict(self.args)))

    def __add__(self, other: str) -> Note:
        """``note + " more"``: still a note, each part translated on its own."""
        return Note("{a}{b}", a=self, b=other)

    def __radd__(self, other: str) -> Note:
        return Note("{a}{b}", a=other, b=self)


def _note(message: str, args: dict[str, Any]) -> Note:
    return Note(message, **args)


def join_notes(separator: str, parts: Iterable[str]) -> Note:
    """``separator.join(parts)`` that keeps the notes among ``parts`` translatable."""
    items = list(parts)
    names = [f"p{i}" for i in range(len(items))]
    template = separator.replace("{", "{{").replace("}", "}}").join(f"{{{n}}}" for n in names)
    return Note(template, **dict(zip(names, items, strict=True)))


def note_or_text(template: str, /, prose: Mapping[str, str] | None = None, **data: Any) -> str:
    """``template`` filled with ``prose`` (arguments that are words, e.g. a message inside a
    message) and ``data`` (values, names, keys): a :class:`Note` when every text in ``prose`` is
    a note itself, else the same English as a plain ``str``.

    A page then shows the whole text in its language or, where a part has no translation, the
    whole text in English; never a sentence half in one language and half in the other."""
    args = {**(prose or {}), **data}
    if all(isinstance(part, Note) for part in (prose or {}).values()):
        return Note(template, **args)
    return render(template, args)
