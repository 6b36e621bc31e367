"""SHACL validation of instance data against ``ontology/shapes.ttl``.

Shapes are parsed, checked against the SHACL-SHACL meta-shapes (by pySHACL) and compiled
for the native validator (pyshacl-turbo) once, when a :class:`Shapes` object is built;
validating data later reuses them. The ontology's types are added to every data graph so
that code-list concepts (``lx:Primary`` …) are typed. An Oxigraph store (a write's scope)
is read by the validator's own native parser, never turned into Python objects.

Examples
--------
>>> import rdflib
>>> from longarm.ontology.namespace import LX
>>> shapes = Shapes.bundled()
>>> data = rdflib.Graph()
>>> _ = data.add((rdflib.URIRef("https://example.org/acme"), rdflib.RDF.type, LX.Organization))
>>> sorted({v.path for v in shapes.validate(data)})
['dcterms:source', 'lx:organizationKind', 'rdfs:label']
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from functools import cache
from importlib import resources
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pyshacl_turbo
import rdflib
from pyshacl.errors import ReportableRuntimeError
from pyshacl_turbo.rdf import Input as NativeInput
from rdflib.namespace import SH

from ...ontology.namespace import LX, PREFIXES
from ..base.dates import date_window
from ..base.errors import LongarmError, Violation

__all__ = ["Shapes", "ShapesError", "bundled_ontology_path", "bundled_shapes_path", "short_name"]

_PREFIXES = {PREFIXES[p]: p + ":" for p in ("lx", "rdfs", "rdf", "dcterms", "skos", "xsd")}


class ShapesError(LongarmError):
    """The shapes graph itself is not valid SHACL."""


def bundled_shapes_path() -> Path:
    """Path of the shapes file shipped with the package."""
    return Path(str(resources.files("longarm.ontology").joinpath("shapes.ttl")))


def bundled_ontology_path() -> Path:
    """Path of the ontology file shipped with the package."""
    return Path(str(resources.files("longarm.ontology").joinpath("longarm.ttl")))


class Shapes:
    """A checked SHACL shapes graph, ready to validate data graphs."""

    def __init__(self, shapes: rdflib.Graph, ontology: rdflib.Graph) -> None:
        try:
            conforms, _, text = pyshacl.validate(rdflib.Graph(), shacl_graph=shapes, meta_shacl=True)
        except ReportableRuntimeError as exc:
            raise ShapesError(f"the shapes graph is not valid SHACL: {exc.message}") from None
        if not conforms:  # pragma: no cover - pyshacl raises instead, kept as a guard
            raise ShapesError(f"the shapes graph is not valid SHACL:\n{text}")
        self.graph = shapes
        self.ontology = ontology
        # What the shapes read of the ontology: the types of its terms (the code lists data
        # points at, lx:Primary …) and the class hierarchy sh:class follows. The rest (labels,
        # definitions) would only be read again at each validation.
        self._types = rdflib.Graph()
        for predicate in (rdflib.RDF.type, rdflib.RDFS.subClassOf):
            for triple in ontology.triples((None, predicate, None)):
                self._types.add(triple)
        self._types_nt: str | None = None  # the same as N-Triples for Oxigraph inputs, made on first use
        self._compiled = pyshacl_turbo.compile_shapes(shapes)

    @classmethod
    def from_files(cls, shapes: str | Path, ontology: str | Path) -> Shapes:
        """Parse and check shapes from files."""
        return cls(rdflib.Graph().parse(shapes, format="turtle"), rdflib.Graph().parse(ontology, format="turtle"))

    @classmethod
    def bundled(cls) -> Shapes:
        """The shapes shipped with longarm (parsed and checked once per process)."""
        return _bundled()

    def validate(
        self, data: rdflib.Graph | ox.Store, files_by_subject: Mapping[str, str] | None = None
    ) -> list[Violation]:
        """Return the violations of `data`, in a stable order (empty when it conforms).

        `data` is an rdflib graph, or an Oxigraph store holding the data in its default
        graph (a write's scope: :mod:`longarm.graph.store.write_scope`), which the validator
        reads natively (as N-Triples, with the ontology's types).
        `files_by_subject` maps subject IRIs to the file that states them, so each
        violation can name its file.
        """
        # The ontology's code lists type the concepts data points at (lx:Primary …).
        combined: rdflib.Graph | NativeInput
        if isinstance(data, ox.Store):
            # Handed over as N-Triples text to the validator's native parser. (Its own reading of
            # an Oxigraph store, the documented route, misreads plain literals in sh:in lists in
            # pyshacl-turbo 0.6: tests/test_validation.py holds both cases.)
            text = (data.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b"").decode("utf-8")
            combined = NativeInput(text + self._ontology_nt(), "nt", None, {})
        else:
            combined = rdflib.Graph()
            combined += data
            combined += self._types
        _, report, _ = self._compiled.validate(combined, allow_warnings=True)
        assert isinstance(report, rdflib.Graph)
        files = files_by_subject or {}
        out = _violations(report, files)
        out += _dates_out_of_order(_date_rows(data), files)
        return sorted(out, key=lambda v: (v.file or "", v.focus_node, v.path or "", v.constraint))

    def validate_lines(self, lines: Sequence[str], focus: Collection[str], file: str | None = None) -> list[Violation]:
        """Return the violations of the nodes `focus` (IRIs) in the N-Triples `lines` (empty when they conform).

        For data already spooled as N-Triples (an import, in buckets:
        :mod:`longarm.graph.imports.staging`): `lines` hold every statement of the focus nodes
        and, as context, the types of what they point to; only the focus nodes are
        validated. Each violation names `file`.
        """
        text = "\n".join(lines) + "\n" + self._ontology_nt()
        _, report, _ = self._compiled.validate(
            NativeInput(text, "nt", None, {}), allow_warnings=True, focus_nodes=list(focus)
        )
        assert isinstance(report, rdflib.Graph)
        focus_set = set(focus)
        files = {f: file for f in focus_set} if file is not None else {}
        out = [v for v in _violations(report, files)]
        out += _dates_out_of_order(_date_rows_nt(lines, focus_set), files)
        return sorted(out, key=lambda v: (v.file or "", v.focus_node, v.path or "", v.constraint))

    def _ontology_nt(self) -> str:
        if self._types_nt is None:
            self._types_nt = self._types.serialize(format="nt")
        return self._types_nt


def _violations(report: rdflib.Graph, files: Mapping[str, str | None]) -> list[Violation]:
    out = []
    for result in report.subjects(rdflib.RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        component = report.value(result, SH.sourceConstraintComponent)
        message = report.value(result, SH.resultMessage)
        value = report.value(result, SH.value)
        severity = report.value(result, SH.resultSeverity)
        out.append(
            Violation(
                focus_node=_short(focus),
                path=_short(path) if path is not None else None,
                constraint=_short(component).removeprefix("sh:").removesuffix("ConstraintComponent"),
                message=str(message) if message is not None else "",
                value=_short(value) if value is not None else None,
                severity=_short(severity).removeprefix("sh:"),
                file=files.get(str(focus)),
            )
        )
    return out


#: (start, end) date properties whose order is checked: a start no later than its end.
_DATE_PAIRS = (
    ("validFrom", "validUntil"),
    ("inForceFrom", "inForceUntil"),
    ("inForceUntil", "residualUntil"),
)


def _date_rows(data: rdflib.Graph | ox.Store) -> Iterator[tuple[str, object, str, str, str]]:
    """(start property, node, start, end, end property) for every node with both dates of a pair."""
    for start_name, end_name in _DATE_PAIRS:
        if isinstance(data, ox.Store):
            ends: dict[object, list[str]] = {}
            for q in data.quads_for_pattern(None, ox.NamedNode(str(LX[end_name])), None, None):
                ends.setdefault(q.subject, []).append(_lexical(q.object))
            for q in data.quads_for_pattern(None, ox.NamedNode(str(LX[start_name])), None, None):
                node: object = rdflib.URIRef(q.subject.value) if isinstance(q.subject, ox.NamedNode) else q.subject
                for end in ends.get(q.subject, ()):
                    yield start_name, node, _lexical(q.object), end, end_name
        else:
            for subject, start in data.subject_objects(LX[start_name]):
                for end_value in data.objects(subject, LX[end_name]):
                    yield start_name, subject, str(start), str(end_value), end_name


def _date_rows_nt(lines: Iterable[str], focus: Collection[str]) -> Iterator[tuple[str, object, str, str, str]]:
    """As :func:`_date_rows`, for the focus nodes of N-Triples lines (one statement per line)."""
    wanted = {f"<{LX[name]}>": name for pair in _DATE_PAIRS for name in pair}
    dates: dict[tuple[str, str], list[str]] = {}
    for line in lines:
        s, p, _ = line.split(" ", 2)
        name = wanted.get(p)
        if name is not None and s[1:-1] in focus:
            lexical = next(iter(ox.parse((line + "\n").encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))).object
            dates.setdefault((s[1:-1], name), []).append(_lexical(lexical))
    for start_name, end_name in _DATE_PAIRS:
        for (node, name), starts in dates.items():
            if name == start_name:
                for start in starts:
                    for end in dates.get((node, end_name), ()):
                        yield start_name, rdflib.URIRef(node), start, end, end_name


def _lexical(term: object) -> str:
    return term.value if isinstance(term, ox.Literal | ox.NamedNode) else str(term)


def _dates_out_of_order(rows: Iterable[tuple[str, object, str, str, str]], files: Mapping[str, str]) -> list[Violation]:
    """A start after its end, whatever the precisions: the earliest day the start can name
    (a year's 1 January) after the latest day the end can name (a year's 31 December)."""
    out = []
    for start_name, node, start, end, end_name in rows:
        first, last = date_window(str(start)), date_window(str(end))
        if first is None or last is None or first[0] <= last[1]:
            continue
        out.append(
            Violation(
                focus_node=_short(node),
                path=f"lx:{start_name}",
                constraint="DatesInOrder",
                message=f"lx:{start_name} ({start}) is after lx:{end_name} ({end})",
                value=str(start),
                severity="Violation",
                file=files.get(str(node)),
            )
        )
    return out


def short_name(term: object) -> str:
    """A node as a :class:`~longarm.graph.base.errors.Violation` names it (``lx:…``, ``<iri>``, ``_:b``)."""
    return _short(term)


def _short(term: object) -> str:
    text = str(term)
    if isinstance(term, rdflib.BNode):
        return f"_:{text}"
    if isinstance(term, rdflib.Literal):
        return repr(text) if term.datatype is None else text
    if text == str(SH):
        return "sh:"
    if text.startswith(str(SH)):
        return "sh:" + text[len(str(SH)) :]
    for ns, prefix in _PREFIXES.items():
        if text.startswith(ns):
            return prefix + text[len(ns) :]
    return f"<{text}>"


@cache
def _bundled() -> Shapes:
    return Shapes.from_files(bundled_shapes_path(), bundled_ontology_path())
