"""SPARQL serving: queries in worker processes, updates and the Graph Store through the write path.

:mod:`.pool` (the query workers), :mod:`.checkpoints` (the store checkpoints they read),
:mod:`.results` (the one serializer of query results), :mod:`.update` (SPARQL Update),
:mod:`.graph_store` (the Graph Store Protocol), :mod:`.service_description`.
"""
