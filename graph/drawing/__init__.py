"""Drawing: ownership charts and exposure maps as SVG or DOT, with a layered layout of our own.

:mod:`.layout_place` (boxes and coordinates), :mod:`.layout` (the layered placement),
:mod:`.svg` (SVG text), :mod:`.chartkit` (chart parts), :mod:`.charts` (the pictures).
"""
