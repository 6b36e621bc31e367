"""Blank nodes on a remote store: written as skolem IRIs (RDF 1.1 §3.5), read back as blank nodes.

A query cannot name a blank node, so the parts of a record (an access grant, a reach rule)
could not be read again from a remote engine by the node that holds them. So
:class:`~longarm.graph.store.remote.RemoteStore` writes each blank node as an IRI under
:data:`~longarm.ontology.namespace.GENID_BASE` (one fresh prefix per write, so that two
writes never share a node), and maps those IRIs back to blank nodes, with the same label,
in everything it reads: results, triples, the projection's scans. A blank node bound in a
query is sent as its IRI. The rest of longarm sees blank nodes, as on the embedded store.

Examples
--------
>>> names = Skolemizer()
>>> t = ox.Triple(ox.NamedNode("https://e.org/c"), ox.NamedNode("https://e.org/grant"), ox.BlankNode("g1"))
>>> [written] = names.triples([t])
>>> written.object.value.startswith(GENID_BASE)
True
>>> read_term(written.object) == ox.BlankNode(written.object.value[len(GENID_BASE) :])
True
>>> tsv_results(b"?s\\n<" + GENID_BASE.encode() + b"x-1>\\n")
b'?s\\n_:x-1\\n'
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from ...ontology.namespace import GENID_BASE

__all__ = ["Skolemizer", "json_results", "read_term", "read_triples", "sent_term", "tsv_results"]

_GENID = GENID_BASE.encode("utf-8")
_TSV_IRI = re.compile(rb"(^|\t)<" + re.escape(_GENID) + rb"([^>\t\n]*)>(?=\t|\r?\n|$)", re.MULTILINE)


class Skolemizer:
    """The skolem IRIs of one write: the same blank node, the same IRI; another write, other IRIs."""

    def __init__(self) -> None:
        self.prefix = f"{GENID_BASE}{uuid.uuid4().hex}-"
        self.names: dict[str, ox.NamedNode] = {}

    def term(self, term: Any) -> Any:
        if not isinstance(term, ox.BlankNode):
            return term
        name = self.names.get(term.value)
        if name is None:
            name = self.names[term.value] = ox.NamedNode(self.prefix + term.value)
        return name

    def triples(self, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
        return [ox.Triple(self.term(t.subject), t.predicate, self.term(t.object)) for t in triples]


def sent_term(term: Any) -> Any:
    """A term as a query names it: a blank node as its skolem IRI (which it was written as)."""
    return ox.NamedNode(GENID_BASE + term.value) if isinstance(term, ox.BlankNode) else term


def read_term(term: Any) -> Any:
    """A term as read: a skolem IRI as the blank node it stands for."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(GENID_BASE):
        return ox.BlankNode(term.value[len(GENID_BASE) :])
    return term


def read_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    return [ox.Triple(read_term(t.subject), t.predicate, read_term(t.object)) for t in triples]


def json_results(data: bytes) -> bytes:
    """SPARQL JSON results with skolem IRIs as blank nodes (unchanged, and not parsed, when there is none)."""
    if _GENID not in data:
        return data
    doc = json.loads(data)
    for row in doc.get("results", {}).get("bindings", []):
        for value in row.values():
            if value.get("type") == "uri" and value.get("value", "").startswith(GENID_BASE):
                value["type"], value["value"] = "bnode", value["value"][len(GENID_BASE) :]
    return json.dumps(doc).encode("utf-8")


def tsv_results(data: bytes) -> bytes:
    """SPARQL TSV results with skolem IRIs as blank nodes (only whole cells: never inside a literal)."""
    if _GENID not in data:
        return data
    return _TSV_IRI.sub(lambda m: m.group(1) + b"_:" + m.group(2), data)
