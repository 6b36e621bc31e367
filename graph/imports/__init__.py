"""Imports: open ownership data and registers read into longarm's graph, each import a named graph.

Each format has a reader (:mod:`.gleif`, :mod:`.bods`, :mod:`.ftm`, :mod:`.wikidata`,
:mod:`.dora`, :mod:`.inventory`) that streams its files as neutral records
(:mod:`.records`); the importer turns them into RDF with their provenance and writes them
through the one write path.
"""
