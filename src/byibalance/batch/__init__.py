"""Batch runs: stochastic paths for many municipalities, in process or on Dask.

``prepare`` builds the stochastic inputs from the embedded data (I/O); ``run`` orchestrates the
pure core (:mod:`byibalance.population.stochastic`) locally or on a ``dask.distributed`` cluster
and writes Parquet.
"""
