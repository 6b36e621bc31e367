"""Base: the exception tree (:mod:`.errors`), date windows, typed caches and the garbage-collector guard.

Imports nothing else of :mod:`longarm.graph`; every other wing may import it.
"""
