"""Graduation of 5-year age groups to single years of age (shared/docs/DOMAIN.md §2.4).

Input ``p5[..., 21]``: groups 0-4, 5-9, …, 95-99 and 100+. Output ``[..., 101]``: ages 0..100.
Both methods keep every group total exactly; method A is never negative.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from byibalance.errors import PopulationError
from byibalance.population.result import N_AGE, FloatArray

N_GROUP = 21
CLOSED_GROUPS = 20

GraduationMethod = Literal["national_shape", "sprague"]

# Sprague multipliers (Siegel & Swanson 2004, p. 727; DOMAIN §2.4). Rows are single ages, columns
# the 5 neighbouring groups.
_SPRAGUE_FIRST = np.array(
    [
        [0.3616, -0.2768, 0.1488, -0.0336, 0.0],
        [0.2640, -0.0960, 0.0400, -0.0080, 0.0],
        [0.1840, 0.0400, -0.0320, 0.0080, 0.0],
        [0.1200, 0.1360, -0.0720, 0.0160, 0.0],
        [0.0704, 0.1968, -0.0848, 0.0176, 0.0],
        [0.0336, 0.2272, -0.0752, 0.0144, 0.0],
        [0.0080, 0.2320, -0.0480, 0.0080, 0.0],
        [-0.0080, 0.2160, -0.0080, 0.0, 0.0],
        [-0.0160, 0.1840, 0.0400, -0.0080, 0.0],
        [-0.0176, 0.1408, 0.0912, -0.0144, 0.0],
    ]
)
_SPRAGUE_MIDDLE = np.array(
    [
        [-0.0128, 0.0848, 0.1504, -0.0240, 0.0016],
        [-0.0016, 0.0144, 0.2224, -0.0416, 0.0064],
        [0.0064, -0.0336, 0.2544, -0.0336, 0.0064],
        [0.0064, -0.0416, 0.2224, 0.0144, -0.0016],
        [0.0016, -0.0240, 0.1504, 0.0848, -0.0128],
    ]
)


def _group_of_age() -> np.ndarray:
    groups = np.minimum(np.arange(N_AGE) // 5, CLOSED_GROUPS)
    return groups


GROUP_OF_AGE = _group_of_age()


def sprague_matrix() -> FloatArray:
    """The ``101 x 21`` Sprague matrix ``M`` with ``P1 = M @ P5`` (100+ copied)."""
    matrix = np.zeros((N_AGE, N_GROUP))
    matrix[0:10, 0:5] = _SPRAGUE_FIRST
    for g in range(2, CLOSED_GROUPS - 2):
        matrix[5 * g : 5 * g + 5, g - 2 : g + 3] = _SPRAGUE_MIDDLE
    last = _SPRAGUE_FIRST[::-1, ::-1]
    matrix[5 * (CLOSED_GROUPS - 2) : 5 * CLOSED_GROUPS, CLOSED_GROUPS - 5 : CLOSED_GROUPS] = last
    matrix[N_AGE - 1, CLOSED_GROUPS] = 1.0
    return matrix


SPRAGUE = sprague_matrix()


def _check_groups(p5: FloatArray) -> None:
    if p5.shape[-1] != N_GROUP:
        raise PopulationError(
            f"expected {N_GROUP} age groups (0-4 … 95-99, 100+), got {p5.shape[-1]}",
            fix="Pass the 5-year groups in order, 100+ last",
        )


def group_totals(p1: FloatArray) -> FloatArray:
    """Sum single ages ``[..., 101]`` back into the 21 groups ``[..., 21]``."""
    out = np.zeros((*p1.shape[:-1], N_GROUP))
    reshaped = p1[..., : 5 * CLOSED_GROUPS].reshape((*p1.shape[:-1], CLOSED_GROUPS, 5))
    out[..., :CLOSED_GROUPS] = reshaped.sum(axis=-1)
    out[..., CLOSED_GROUPS] = p1[..., N_AGE - 1]
    return out


def graduate_national_shape(p5: FloatArray, shape: FloatArray) -> FloatArray:
    """Method A: ``P[x] = P5[g(x)] * N[x] / sum_{y in g(x)} N[y]``.

    ``shape[..., 101]`` is the national single-year population (same sex) broadcastable to
    ``p5``'s leading axes. Where a national group is empty, the group is split evenly. Never
    negative for non-negative input; keeps each group total exactly.
    """
    p5 = np.asarray(p5, dtype=np.float64)
    _check_groups(p5)
    shape = np.broadcast_to(np.asarray(shape, dtype=np.float64), (*p5.shape[:-1], N_AGE))
    shape_groups = group_totals(shape)
    widths = np.bincount(GROUP_OF_AGE, minlength=N_GROUP).astype(np.float64)
    denominator = shape_groups[..., GROUP_OF_AGE]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(denominator > 0, shape / denominator, 1.0 / widths[GROUP_OF_AGE])
    result: FloatArray = p5[..., GROUP_OF_AGE] * share
    return result


def graduate_sprague(p5: FloatArray, shape: FloatArray) -> FloatArray:
    """Method B: Sprague multipliers ``P1 = M P5``; groups with a negative age fall back to A.

    Sparse groups (DOMAIN §2.4: Albertslund's 95-99 gives −6.6) make Sprague negative; those
    groups are replaced group by group by method A with the national ``shape``, which keeps
    every group total exact and the result non-negative.
    """
    p5 = np.asarray(p5, dtype=np.float64)
    _check_groups(p5)
    sprague: FloatArray = p5 @ SPRAGUE.T
    fallback = graduate_national_shape(p5, shape)
    negative = group_totals(np.where(sprague < 0, 1.0, 0.0)) > 0
    use_fallback = negative[..., GROUP_OF_AGE]
    result: FloatArray = np.where(use_fallback, fallback, sprague)
    return result


def graduate(p5: FloatArray, shape: FloatArray, method: GraduationMethod) -> FloatArray:
    """Graduate with the named method (``national_shape`` = A, ``sprague`` = B)."""
    if method == "national_shape":
        return graduate_national_shape(p5, shape)
    if method == "sprague":
        return graduate_sprague(p5, shape)
    raise PopulationError(
        f"unknown graduation method {method!r}", fix="Use 'national_shape' or 'sprague'"
    )
