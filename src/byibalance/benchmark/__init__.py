"""The capital-region comparison: key figures of the 29 K29 municipalities (or all 98) and each
one's rank. ``compare`` is pure; ``load_comparison`` gathers its inputs from data and engine."""

from byibalance.benchmark.compare import (
    METRICS,
    Comparison,
    MunicipalityInputs,
    Row,
    compare,
    key_figures,
    rank,
)
from byibalance.benchmark.loader import load_comparison, load_inputs

__all__ = [
    "METRICS",
    "Comparison",
    "MunicipalityInputs",
    "Row",
    "compare",
    "key_figures",
    "load_comparison",
    "load_inputs",
    "rank",
]
