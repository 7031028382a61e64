"""Fixtures of the population tests: a temporary data home (see ``flow_snapshots``)."""

from .flow_snapshots import home

__all__ = ["home"]
