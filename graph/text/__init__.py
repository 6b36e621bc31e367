"""RDF and SPARQL text, before anything reaches the store.

:mod:`.rdfio` parses documents (formats, size and time bounds, no DOCTYPE in RDF/XML),
:mod:`.sparql_guard` checks query and update text (no SERVICE, no LOAD, no outbound
fetch), :mod:`.update_targets` reads which graphs and subjects an update may touch.
"""
