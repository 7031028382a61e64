"""The sustainability account and the climate account (issue #8, first part).

A facade that only re-exports. The core is pure (typed inputs, typed results);
:mod:`byibalance.sustainability.loaders` reads the files.
"""

from byibalance.sustainability.account import (
    AT_RISK_TOLERANCE,
    IndicatorAccount,
    IndicatorRow,
    TrackStatus,
    compute_indicators,
    indicator_series,
    track_status,
)
from byibalance.sustainability.climate import (
    AmbitionEffect,
    ClimateAccount,
    ClimateInventory,
    ClimateTarget,
    EmissionFactor,
    InventoryEntry,
    PathPoint,
    Sector,
    TotalEntry,
    View,
    Wedges,
    ambition_wedges,
    climate_account,
)
from byibalance.sustainability.registry import (
    FIELDS,
    UNITS,
    Basis,
    Dimension,
    Direction,
    Indicator,
    Registry,
    Target,
)
from byibalance.sustainability.series import BudgetLike, Cell, ProjectionLike, observed_cells
from byibalance.sustainability.values import IndicatorValue, Notation, ValueStatus, ValueStore

__all__ = [
    "AT_RISK_TOLERANCE", "FIELDS", "UNITS", "AmbitionEffect", "Basis", "BudgetLike", "Cell",
    "ClimateAccount", "ClimateInventory", "ClimateTarget", "Dimension", "Direction",
    "EmissionFactor", "Indicator", "IndicatorAccount", "IndicatorRow", "IndicatorValue",
    "InventoryEntry", "Notation", "PathPoint", "ProjectionLike", "Registry", "Sector", "Target",
    "TotalEntry", "TrackStatus", "ValueStatus", "ValueStore", "View", "Wedges", "ambition_wedges",
    "climate_account", "compute_indicators", "indicator_series", "observed_cells", "track_status",
]  # fmt: skip
