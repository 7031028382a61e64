"""Services: demand by age group, coverage, unit cost, capacity and when it runs out.

A facade that only re-exports.
"""

from byibalance.services.areas import AREA_NAMES, AREAS, AreaSpec
from byibalance.services.model import ServicesResult, UsedParameter, compute
from byibalance.services.scenario import ServicesOverrides, services_overrides

__all__ = [
    "AREAS",
    "AREA_NAMES",
    "AreaSpec",
    "ServicesOverrides",
    "ServicesResult",
    "UsedParameter",
    "compute",
    "services_overrides",
]
