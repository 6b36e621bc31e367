"""The Python namespace and the Turtle ontology declare the same terms, each bilingual."""

from __future__ import annotations

import rdflib
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from longarm.graph.store.validation import bundled_ontology_path
from longarm.ontology.namespace import LX

LX_NS = str(LX._NS)


def _ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(bundled_ontology_path(), format="turtle")


def _declared(g: rdflib.Graph) -> set[str]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, SKOS.ConceptScheme, SKOS.Concept)
    return {str(s)[len(LX_NS) :] for k in kinds for s in g.subjects(RDF.type, k) if str(s).startswith(LX_NS)}


def test_python_and_turtle_list_the_same_terms() -> None:
    python_terms = set(LX.__annotations__)
    assert python_terms == _declared(_ontology())


def test_fixed_class_names_exist() -> None:
    g = _ontology()
    for name in (
        "Organization",
        "Jurisdiction",
        "OwnershipInterest",
        "Service",
        "Contract",
        "DataAsset",
        "LegalInstrument",
        "Authority",
        "Certification",
        "Exposure",
    ):
        assert (rdflib.URIRef(LX_NS + name), RDF.type, OWL.Class) in g


def test_every_term_has_english_and_french_label_and_definition() -> None:
    g = _ontology()
    missing = []
    for name in _declared(g):
        term = rdflib.URIRef(LX_NS + name)
        for prop in (RDFS.label, SKOS.definition):
            langs = {o.language for o in g.objects(term, prop) if isinstance(o, rdflib.Literal)}
            if not {"en", "fr"} <= langs:
                missing.append(f"{name} {prop}")
    assert missing == []


def test_iri_literals_only_in_ontology_package() -> None:
    """No longarm IRI is spelled outside ontology/ (the namespace module mints them)."""
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    offenders = []
    for folder in ("graph", "api", "benchmarks"):
        for py in (root / folder).rglob("*.py"):
            if "w3id.org/longarm" in py.read_text(encoding="utf-8"):
                offenders.append(str(py.relative_to(root)))
    assert offenders == []
