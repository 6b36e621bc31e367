"""Benchmarks at synthetic scale: a generator of GLEIF-like corporate groups and the "who can compel" benchmark.

Run ``python -m longarm.benchmarks.compel --orgs 100000`` (see :mod:`longarm.benchmarks.compel`).
"""
