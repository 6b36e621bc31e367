"""The store: the embedded Oxigraph store and what reads or writes it as RDF.

:mod:`.embedded` (the :class:`~.embedded.Store`: locks, versions, read-only and
beside-the-server opens), :mod:`.change_log` (which subjects each write changed),
:mod:`.loading` (documents into named graphs with their provenance),
:mod:`.validation` (the SHACL shapes) and :mod:`.write_scope` (the part of the store a
write's validation needs), :mod:`.stats`.
"""
