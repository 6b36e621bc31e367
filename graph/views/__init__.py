"""Views and exports of answers and entities: JSON-ready dictionaries, RDF and BODS exports.

:mod:`.report` (answers as dictionaries and text), :mod:`.describe` (entity and
instrument pages), :mod:`.entity_graph` (the subgraph around an entity),
:mod:`.export` (its serializations), :mod:`.bods` (Beneficial Ownership Data Standard).
"""
