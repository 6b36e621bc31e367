"""The projection: the facts the engine needs, as plain Python objects, kept up to date.

:mod:`.model` (the records), :mod:`.reader` (the store read into them), :mod:`.patch`
(brought up to date with the subjects a write changed), :mod:`.snapshot` (saved beside
an on-disk store and loaded at the next start), and on top :mod:`.cache`, the policy that
chooses between them (:func:`~.cache.projection_for`).
"""
