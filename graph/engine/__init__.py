"""The engine: ownership and control, reach rules, "who can compel", and its inferred graph.

:mod:`.ownership` (chains, effective stakes, control), :mod:`.rules` (the closed set of
reach-rule kinds interpreting the laws as data), :mod:`.reach` (the answer with its
verdict, paths, sources and caveats), :mod:`.gaps` (what an answer lacked),
:mod:`.resolve` (names to entities), :mod:`.materialise` (answers written back as RDF).
"""
