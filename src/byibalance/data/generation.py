"""Memoisation that follows the active data snapshot, in every process, without a restart.

``byibalance data use SNAPSHOT`` (or ``data update``) changes the data every reader sees: it
rewrites ``<data home>/active.yaml`` (by ``os.replace``, so a new inode) or adds a snapshot folder
under ``<data home>/snapshots`` (renamed into place, which changes the folder's mtime). The *data
generation* (:func:`data_generation`) is the data home's path with the ``stat`` of those two
paths: it changes whenever the active snapshot may have changed, and reading it costs one or two
``stat`` calls (microseconds, see ``benchmarks/data_cache.py`` and docs/performance.md).

:func:`data_cached` is ``functools.lru_cache`` keyed on the generation as well as the arguments:
a call after a switch computes afresh from the new snapshot, and entries of older generations are
dropped. A value computed while the switch happened is stored under the generation it started
with, so it is never served for the new one. Readers that depend on code-shipped parameters only
(``params/``) keep a plain ``functools.cache``.

This module imports nothing of ``byibalance.data`` so that the data package can use it. It is not
called ``cache``: importing a submodule ``byibalance.data.cache`` would replace the package's
``functools.cache`` name.
"""

from __future__ import annotations

import functools
import os
import threading
from collections.abc import Callable, Hashable
from typing import Any, Generic, ParamSpec, TypeVar, overload

from byibalance import paths

__all__ = ["DataCached", "data_cached", "data_generation"]

#: The pin file and the snapshots folder, as :mod:`byibalance.sources.snapshots` names them.
ACTIVE_FILE = "active.yaml"
SNAPSHOTS_DIR = "snapshots"

P = ParamSpec("P")
R = TypeVar("R")

Generation = tuple[str, tuple[int, int, int] | None, int | None]

_ENV = ("BYIBALANCE_DATA_HOME", "XDG_DATA_HOME", "HOME")
_places: dict[tuple[str | None, ...], tuple[str, str, str]] = {}


def _where() -> tuple[str, str, str]:
    """(data home, pin file, snapshots folder), resolved once per value of the environment."""
    key = tuple(os.environ.get(name) for name in _ENV)
    found = _places.get(key)
    if found is None:
        home = os.fspath(paths.data_home())
        found = (home, os.path.join(home, ACTIVE_FILE), os.path.join(home, SNAPSHOTS_DIR))
        _places[key] = found
    return found


def data_generation() -> Generation:
    """A token that changes when the active snapshot may have changed: the data home and the pin
    file's (mtime, inode, size); without a pin (the newest snapshot is active), the snapshots
    folder's mtime instead. ``None`` where a file is absent. A pin makes new snapshots irrelevant,
    so then only one ``stat`` is made."""
    home, pin_file, folder = _where()
    try:
        pin = os.stat(pin_file)
    except OSError:
        pass
    else:
        return (home, (pin.st_mtime_ns, pin.st_ino, pin.st_size), None)
    try:
        return (home, None, os.stat(folder).st_mtime_ns)
    except OSError:
        return (home, None, None)


class DataCached(Generic[P, R]):
    """A function memoised per data generation (see :func:`data_cached`)."""

    def __init__(self, function: Callable[P, R], maxsize: int | None) -> None:
        self.__wrapped__ = function
        functools.update_wrapper(self, function)
        self._maxsize = maxsize
        self._lock = threading.Lock()
        self._generation: Hashable = None
        self._inner = self._new_inner()

    def _new_inner(self) -> Any:
        function = self.__wrapped__

        def keyed(generation: Hashable, *args: Any, **kwargs: Any) -> Any:
            del generation  # part of the key only
            return function(*args, **kwargs)

        return functools.lru_cache(maxsize=self._maxsize)(keyed)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        generation = data_generation()
        inner = self._inner
        if generation != self._generation:
            with self._lock:
                if generation != self._generation:
                    # A fresh cache: results of the old generation are never served again.
                    self._inner = inner = self._new_inner()
                    self._generation = generation
                else:
                    inner = self._inner
        result: R = inner(generation, *args, **kwargs)
        return result

    def cache_clear(self) -> None:
        """Forget every cached value (as ``functools.cache`` does)."""
        with self._lock:
            self._inner = self._new_inner()
            self._generation = None

    def cache_info(self) -> Any:
        """The ``functools`` statistics of the current generation's cache."""
        return self._inner.cache_info()


@overload
def data_cached(function: Callable[P, R], /) -> DataCached[P, R]: ...


@overload
def data_cached(*, maxsize: int | None = None) -> Callable[[Callable[P, R]], DataCached[P, R]]: ...


def data_cached(
    function: Callable[P, R] | None = None, /, *, maxsize: int | None = None
) -> DataCached[P, R] | Callable[[Callable[P, R]], DataCached[P, R]]:
    """``@data_cached`` or ``@data_cached(maxsize=8)``: memoise a reader of data (embedded data
    with the active snapshot laid over it) until the active snapshot changes."""
    if function is not None:
        return DataCached(function, maxsize)

    def decorate(inner: Callable[P, R]) -> DataCached[P, R]:
        return DataCached(inner, maxsize)

    return decorate
