"""The facts of chosen subjects of a remote store, read with bounded queries and kept for one revision.

On a remote store (:class:`~longarm.graph.store.remote.RemoteStore`) reading the whole graph
into a projection means reading every statement over HTTP. :class:`RemoteFacts` reads only
what is asked for, and keeps it while the store's revision stays the same:

- the **shared** facts, once: every subject of :data:`SHARED_CLASSES` (instruments with
  their rules, jurisdictions, regions, sources, code lists, requirements, certifications),
  a few thousand statements however many organizations the store holds;
- the statements of chosen subjects, and the subjects that point to a node through a
  property (the interests that own a company, the contracts of a service), each asked for
  once, many in one request (:meth:`RemoteFacts.load`).

:meth:`RemoteFacts.projection` makes a :class:`~.model.Projection` of the shared facts and
chosen subjects, read by the same reader as the whole store
(:class:`~.reader.ProjectionReader`): a record reads the same either way. Which subjects a
question needs is the engine's to say (:mod:`longarm.graph.engine.neighbourhood`).

Examples
--------
>>> RemoteFacts.query_terms(["https://e.org/a", "_:g1"]) == f"<https://e.org/a> <{GENID_BASE}g1>"
True
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import fields

import pyoxigraph as ox
from rdflib.namespace import OWL

from ...ontology.namespace import GENID_BASE, LX, PROV, SKOS
from ..base.acyclic import making_acyclic_objects
from ..store.embedded import fact_graphs
from ..store.remote import RemoteStore
from .model import RDF_TYPE, RULE_KINDS, ControlEpoch, Projection
from .reader import ProjectionReader
from .rows import tsv_rows

__all__ = ["ENTITY_CLASSES", "SHARED_CLASSES", "RemoteFacts"]

#: The classes read per question: many instances, each question needing a few.
ENTITY_CLASSES = tuple(
    str(c) for c in (LX.Organization, LX.OwnershipInterest, LX.Service, LX.Contract, LX.TechnicalAccess, LX.DataAsset)
)
#: The classes read once per revision: few instances, every question needing most of them.
SHARED_CLASSES = (
    *(
        str(c)
        for c in (
            LX.Source,
            LX.Jurisdiction,
            LX.Region,
            LX.LegalInstrument,
            LX.Authority,
            LX.Certification,
            LX.Requirement,
            LX.Criterion,
            LX.AssuranceLevel,
            SKOS.Concept,
            SKOS.ConceptScheme,
            OWL.Class,
            OWL.ObjectProperty,
            OWL.DatatypeProperty,
            OWL.Ontology,
            PROV.Entity,
        )
    ),
    *sorted(RULE_KINDS),
)
#: The tables of a projection that hold per-question records (the rest are shared).
_LOCAL = (
    "orgs",
    "interests",
    "ownership",
    "services",
    "services_by_org",
    "branches",
    "contracts",
    "contracts_by_service",
    "contracts_by_party",
    "assets",
)
_BATCH = 400  # terms per request


class RemoteFacts:
    """What questions have read of one remote store at one version (see the module docstring)."""

    def __init__(self, store: RemoteStore) -> None:
        self.store = store
        self.version = store.version()
        self.graphs = fact_graphs(g.value for g in store.remote.named_graphs())
        #: subject key -> predicate -> objects (a subject read, even with no statement, is a key).
        self.statements: dict[str, dict[str, list[str]]] = {}
        #: (predicate, object) -> the subjects with that statement.
        self.referrers: dict[tuple[str, str], list[str]] = {}
        self._lock = threading.Lock()
        self._shared: Projection | None = None

    @staticmethod
    def query_terms(keys: Iterable[str]) -> str:
        """Subject keys as a query names them: a blank node as the skolem IRI it was written as."""
        return " ".join(str(ox.NamedNode(GENID_BASE + k[2:] if k.startswith("_:") else k)) for k in keys)

    def values(self, subject: str, predicate: object) -> list[str]:
        """The objects of a read subject's statements with `predicate` (empty if none, or not read)."""
        return self.statements.get(subject, {}).get(str(predicate), [])

    def load(self, subjects: Iterable[str] = (), referrers: Iterable[tuple[str, str]] = ()) -> bool:
        """Read what is not read yet: the statements of `subjects`, and of the subjects that have
        each (predicate, object) of `referrers`. True if anything had to be read."""
        with self._lock:
            wanted = sorted({s for s in subjects if s not in self.statements})
            pairs = sorted({r for r in referrers if r not in self.referrers})
            for start in range(0, max(len(wanted), len(pairs)), _BATCH):
                self._read(wanted[start : start + _BATCH], pairs[start : start + _BATCH])
            return bool(wanted or pairs)

    def _read(self, subjects: Sequence[str], pairs: Sequence[tuple[str, str]]) -> None:
        parts = []
        if subjects:
            parts.append(f"{{ VALUES ?s {{ {self.query_terms(subjects)} }} }}")
        if pairs:
            rows = " ".join(f"({ox.NamedNode(p)} {self.query_terms([o])})" for p, o in pairs)
            parts.append(f"{{ VALUES (?rp ?ro) {{ {rows} }} ?s ?rp ?ro }}")
        query = f"SELECT DISTINCT ?s ?p ?o WHERE {{ {' UNION '.join(parts)} ?s ?p ?o }}"
        read: dict[str, dict[str, list[str]]] = {}
        for s, p, o in tsv_rows(self.store.remote.tsv(query, self.graphs)):
            read.setdefault(s, {}).setdefault(p, []).append(o)
        wanted = set(pairs)
        found: dict[tuple[str, str], list[str]] = {pair: [] for pair in pairs}
        for s, by_predicate in read.items():
            self.statements[s] = by_predicate
            for p, objects in by_predicate.items():
                for o in objects:
                    if (p, o) in wanted:
                        found[(p, o)].append(s)
        for s in subjects:
            self.statements.setdefault(s, {})
        self.referrers.update({pair: sorted(found[pair]) for pair in pairs})

    def shared(self) -> Projection:
        """The shared facts (:data:`SHARED_CLASSES`), read once."""
        with self._lock:
            if self._shared is None:
                classes = " ".join(str(ox.NamedNode(c)) for c in SHARED_CLASSES)
                # DISTINCT: a subject of two shared classes would come twice.
                query = (
                    f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?t {{ {classes} }} ?s {ox.NamedNode(RDF_TYPE)} ?t . "
                    "?s ?p ?o }"
                )
                by_predicate: dict[str, list[tuple[object, object]]] = defaultdict(list)
                for s, p, o in tsv_rows(self.store.remote.tsv(query, self.graphs)):
                    by_predicate[p].append((s, o))
                with making_acyclic_objects():
                    self._shared = ProjectionReader(lambda p: by_predicate.get(p, ())).build()
            return self._shared

    def projection(self, subjects: Iterable[str]) -> Projection:
        """The shared facts and the records of `subjects` (read already), as one projection."""
        by_predicate: dict[str, list[tuple[object, object]]] = defaultdict(list)
        for s in dict.fromkeys(subjects):
            for p, objects in self.statements.get(s, {}).items():
                rows = by_predicate[p]
                rows += ((s, o) for o in objects)
        local = ProjectionReader(lambda p: by_predicate.get(p, ())).build()
        shared = self.shared()
        out = Projection(**{f.name: getattr(shared, f.name) for f in fields(Projection)})
        for name in _LOCAL:
            setattr(out, name, getattr(local, name))
        out.labels = {**shared.labels, **local.labels}
        out.control_epoch = ControlEpoch()
        return out
