"""The one write path: validate, write, log the change, refresh the inferred graph.

:func:`~.commit.write_graphs` is called by the command line, the REST routes, the Graph
Store and SPARQL Update alike.
"""
