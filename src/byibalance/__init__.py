"""byibalance: steering and decision support for Danish municipalities.

*By i balance* ("a city in balance") chains a housing-driven population projection, service demand
and cost, the municipal budget under the Danish rules, the choice of ambitions, the citizens' budget
and the sustainability account. This module is the public Python API; it only re-exports.
"""

from byibalance.errors import ByibalanceError

__version__ = "0.1.0"

__all__ = ["ByibalanceError", "__version__"]
