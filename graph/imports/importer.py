"""Importing files: records read by a format's reader, merged with what the store knows, written as one graph.

:func:`import_files` reads the files with the reader of their format, record by record,
and spools the statements it makes of them to disk (:mod:`~longarm.graph.imports.spool`);
they are validated bucket by bucket and written in one bulk write
(:mod:`~longarm.graph.imports.staging`: all or nothing, also across a crash) into a named
graph of their own, ``…/graph/import/<id>``. Memory follows the number of entities, never
the number of statements. The id is made from the format and the files'
SHA-256, so importing the same files again changes nothing, and :func:`remove_import`
takes the whole import out again.

- **Provenance.** Every fact of an import cites one source, made for it: its format, the
  date of the import, and for each file its name, size and SHA-256. Imported facts carry
  the confidence ``lx:Secondary`` (published by a third party, not checked by longarm).
- **Identity.** An entity merges with one the store knows by LEI, Wikidata id,
  registration number or exact legal name (``lx:legalName``), in that order: its facts
  are then said of the known IRI, nothing is duplicated. Where a merged entity's source
  disagrees with the store (another country of incorporation), the store's fact stays,
  the import adds a caveat naming both, and the summary lists the conflict. A new
  interest between two organizations that already have one with another share is kept
  beside it, and listed too.
- **Bad input.** A record a reader could not take is a :class:`~.records.Problem` (file,
  line or JSON path, reason). By default one problem refuses the whole import
  (:class:`~longarm.graph.base.errors.ImportRefusedError`), and the store is left as it
  was; with ``skip_bad`` the good records are imported and the problems reported.

An entity known only by a code (a parent named by its LEI in a relationship file) is made
with that code as its label and no jurisdiction: answers that reach it say that its
jurisdiction is unknown, until another import or the data knows it. An organization whose
kind the source does not say is taken as a company, marked ``lx:Assumed`` with a caveat.

Examples
--------
>>> import tempfile, pathlib
>>> from longarm.graph.store.embedded import Store
>>> from longarm.graph.store.loading import load_bundled
>>> store = Store.in_memory(); _ = load_bundled(store)
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "lei2.csv").write_text(
...     '"LEI","Entity.LegalName","Entity.LegalJurisdiction","Entity.EntityCategory"\\n'
...     '"969500EXAMPLE0000180","Example SA","FR","GENERAL"\\n')
>>> report = import_files(store, "gleif", [d / "lei2.csv"], today=dt.date(2026, 12, 4))
>>> report.status, report.counts["entities"], report.graph == import_graph(report.id)
('imported', 1, True)
>>> import_files(store, "gleif", [d / "lei2.csv"]).status  # the same file again
'unchanged'
>>> remove_import(store, report.id) > 0
True
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib
import tempfile
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ...ontology.namespace import DCTERMS, LX, SKOS, entity_iri, graph_iri
from ..base.dates import date_window
from ..base.errors import ImportRefusedError, InputError, ResolutionError, UnknownReferenceError
from ..engine.materialise import refresh_exposures
from ..engine.resolve import resolve
from ..projection.cache import projection_for, refresh_if_kept
from ..projection.model import Projection
from ..store.embedded import Store
from ..store.loading import recorded_digest
from ..write.commit import write_graphs
from .gleif import ReportingException
from .records import DATA_CATEGORIES, DataAssetRecord, Entity, Problem, Relationship, Where
from .spool import Spool, buckets_for
from .staging import write_spool

__all__ = [
    "FORMATS",
    "ImportReport",
    "import_assets",
    "import_files",
    "import_graph",
    "list_imports",
    "remove_import",
]

#: The formats and the module of each reader (each has ``read(paths)``).
FORMATS: dict[str, str] = {
    "gleif": ".gleif",
    "ftm": ".ftm",
    "dora": ".dora",
    "inventory": ".inventory",
    "wikidata": ".wikidata",
    "bods": ".bods",
}
#: Formats whose entity names are legal names (a Wikidata label or an FtM name may be a common name).
_LEGAL_NAMES = frozenset({"gleif", "dora", "bods"})
_PUBLISHERS = {"gleif": "GLEIF", "bods": "Beneficial Ownership Data Standard publisher", "ftm": "OpenSanctions"}
_ASSUMED_COMPANY = "The source does not say what kind of organization this is: taken as a company."
_RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
_XSD = "http://www.w3.org/2001/XMLSchema#"


class _Terms:
    """The terms of a namespace as Oxigraph nodes, each made once (rdflib resolves a name at every use)."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> ox.NamedNode:
        node = ox.NamedNode(str(self._namespace[name]))
        setattr(self, name, node)
        return node

    def __getitem__(self, name: str) -> ox.NamedNode:
        return getattr(self, name)  # type: ignore[no-any-return]


_LX, _DC, _SKOS = _Terms(LX), _Terms(DCTERMS), _Terms(SKOS)
_KINDS = {
    "company": _LX.Company,
    "organization": _LX.Company,  # taken as a company: marked lx:Assumed, with a caveat
    "person": _LX.NaturalPerson,
    "state": _LX.State,
    "public-body": _LX.PublicBody,
    "branch": _LX.Branch,
}


@dataclass
class ImportReport:
    """What an import did: its id and graph, its files, what it read, merged and could not take."""

    id: str
    format: str
    graph: str
    files: list[dict[str, object]]
    status: str = "imported"  # "imported", "unchanged" or "removed"
    counts: Counter[str] = field(default_factory=Counter)
    merged: int = 0
    conflicts: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    triples: int = 0

    def as_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data (``longarm import --json``, ``POST /api/v1/imports``)."""
        return {
            "id": self.id,
            "format": self.format,
            "graph": self.graph,
            "status": self.status,
            "files": self.files,
            "counts": dict(self.counts),
            "merged": self.merged,
            "triples": self.triples,
            "conflicts": self.conflicts,
            "problems": [{"where": str(p.where), "reason": p.reason} for p in self.problems],
        }


def import_graph(import_id: str) -> str:
    """The named graph of the import `import_id`."""
    return str(graph_iri(f"import/{import_id}"))


def import_files(
    store: Store,
    fmt: str,
    paths: Sequence[Path],
    *,
    skip_bad: bool = False,
    today: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
    checking: Callable[[int, int], None] | None = None,
    refresh: bool = True,
) -> ImportReport:
    """Import `paths` in format `fmt` into a graph of their own (see the module docstring).

    The engine's projection, if the process keeps one, takes the import in before this
    returns (patched, or rebuilt once for a large import), unless `refresh` is false: the
    first answer then pays for it.

    `progress` is called with the number of records read so far (every thousand), then
    `checking` with the buckets of statements validated and their number (see
    :mod:`~longarm.graph.imports.staging`).

    Raises
    ------
    InputError
        For an unknown format, no file, or a file that cannot be read.
    ImportRefusedError
        If a record could not be taken and `skip_bad` is false; nothing is written.
    ValidationError
        If the imported data breaks the shapes; nothing is written.
    """
    read = _reader(fmt)
    if not paths:
        raise InputError("no file to import")
    files = [_file_info(p) for p in paths]
    digest = hashlib.sha256(" ".join([fmt, *sorted(str(f["sha256"]) for f in files)]).encode()).hexdigest()
    report = ImportReport(digest[:16], fmt, import_graph(digest[:16]), files)
    if recorded_digest(store, report.graph) == digest:
        report.status = "unchanged"  # the same files again: the store holds them already
        return report
    spool = Spool(_spool_folder(store), buckets=buckets_for(sum(_uncompressed_size(p) for p in paths)))
    try:
        builder = _Builder(store, report, today or dt.date.today(), spool)
        for i, record in enumerate(read(paths), 1):
            builder.add(record)
            if progress is not None and i % 1_000 == 0:
                progress(i)
        if report.problems and not skip_bad:
            raise ImportRefusedError(report.problems)
        builder.finish()
        with store.write_lock:  # validated while it is written: other writers wait, readers do not
            if recorded_digest(store, report.graph) == digest:
                report.status = "unchanged"
                return report
            check = write_spool(
                store,
                spool,
                report.graph,
                name=f"{fmt} import {report.id}",
                digest=digest,
                merged=builder.known,
                progress=None if checking is None else lambda done: checking(done, spool.count),
            )
            refresh_exposures(store)
    finally:
        spool.remove()
    report.triples = check.triples
    if refresh:
        refresh_if_kept(store)  # outside the lock: other writers go on
    return report


def _uncompressed_size(path: Path) -> int:
    """The bytes the reader of `path` will read: a zip archive's members unpacked, a folder's files."""
    if path.is_dir():
        return sum(_uncompressed_size(p) for p in path.rglob("*") if p.is_file())
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            return sum(member.file_size for member in archive.infolist())
    return path.stat().st_size


def _spool_folder(store: Store) -> Path:
    """Where an import is spooled: beside an on-disk store (its file system), else the system's temporary folder."""
    return store.path.parent if store.path is not None else Path(tempfile.gettempdir())


def remove_import(store: Store, import_id: str) -> int:
    """Take the import `import_id` out of the store; the number of triples removed.

    Raises
    ------
    UnknownReferenceError
        If there is no such import.
    """
    graph = _existing(store, import_id)
    return write_graphs(store, remove=[graph]).removed.get(graph, 0)


def import_assets(store: Store, import_id: str) -> list[str]:
    """The IRIs of the data assets the import `import_id` holds, sorted.

    Raises
    ------
    UnknownReferenceError
        If there is no such import.
    """
    graph = ox.NamedNode(_existing(store, import_id))
    quads = store.oxigraph.quads_for_pattern(None, _RDF_TYPE, _n(LX.DataAsset), graph)
    return sorted({q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)})


def _existing(store: Store, import_id: str) -> str:
    """The graph of the import `import_id`; UnknownReferenceError if the store holds no such import."""
    graph = import_graph(import_id)
    if graph not in store.named_graphs():
        raise UnknownReferenceError(import_id, what="import")
    return graph


def list_imports(store: Store) -> list[tuple[str, str]]:
    """``(id, label of its source)`` for each import in the store."""
    prefix = str(graph_iri("import")) + "/"
    out = []
    for graph in store.named_graphs():
        if graph.startswith(prefix):
            import_id = graph[len(prefix) :]
            source = ox.NamedNode(str(entity_iri("source", f"import-{import_id}")))
            quads = store.oxigraph.quads_for_pattern(source, _LABEL, None, None)
            labels = [q.object.value for q in quads if isinstance(q.object, ox.Literal)]
            out.append((import_id, labels[0] if labels else ""))
    return sorted(out)


def _reader(fmt: str) -> Callable[[Sequence[Path]], Iterator[object]]:
    module = FORMATS.get(fmt)
    if module is None:
        raise InputError(f"unknown import format {fmt!r}; known: {', '.join(sorted(FORMATS))}")
    reader: Callable[[Sequence[Path]], Iterator[object]] = importlib.import_module(module, __package__).read
    return reader


def _file_info(path: Path) -> dict[str, object]:
    """Name, size and SHA-256 of a file; of a folder (a register package), those of its files together."""
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    sha, size = hashlib.sha256(), 0
    for file in files:
        if path.is_dir():
            sha.update(str(file.relative_to(path)).encode() + b"\0")
        try:
            with file.open("rb") as stream:
                while chunk := stream.read(1 << 20):
                    sha.update(chunk)
                    size += len(chunk)
        except OSError as exc:
            raise InputError(f"{file}: cannot read file: {exc.strerror}") from None
    return {"name": path.name, "size": size, "sha256": sha.hexdigest()}


def _n(term: object) -> ox.NamedNode:
    return term if isinstance(term, ox.NamedNode) else ox.NamedNode(str(term))


@functools.cache
def _nt(term: object) -> str:
    """A predicate (an rdflib term of the ontology's namespaces) as N-Triples."""
    return str(_n(term))


def _en(text: str) -> ox.Literal:
    """A caveat: English text, language-tagged as the shapes want."""
    return ox.Literal(text, language="en")


def _date(text: str | None) -> ox.Literal | None:
    """An ISO date as precise as given: xsd:date, xsd:gYearMonth or xsd:gYear; None if it is not one."""
    if text is None or date_window(text) is None:
        return None
    kind = {4: "gYear", 7: "gYearMonth", 10: "date"}.get(len(text))
    return None if kind is None else ox.Literal(text, datatype=ox.NamedNode(_XSD + kind))


class _Index:
    """The store's organizations by LEI, Wikidata id, registration number and legal name (one scan each)."""

    def __init__(self, store: Store) -> None:
        self.by: dict[str, dict[str, str]] = {}
        for name, prop in (("LEI", _LX.lei), ("WIKIDATA", _LX.wikidata), ("REG", _LX.registrationNumber)):
            self.by[name] = self._values(store, prop)
        self.by["NAME"] = self._values(store, _LX.legalName)
        self.incorporated = {k: v for k, v in self._values(store, _LX.incorporatedIn, reverse=True).items()}
        self.jurisdictions = set(self._values(store, _LX.isoCode, reverse=True))

    def _same_country(self, iri: str, entity: Entity) -> bool:
        """A registration number names one entity in its country's register only: the countries must agree."""
        place = self.incorporated.get(iri)
        if place is None or entity.jurisdiction is None:
            return False
        return place.rsplit("/", 1)[-1] == entity.jurisdiction.split("-", 1)[0].upper()

    @staticmethod
    def _values(store: Store, prop: object, *, reverse: bool = False) -> dict[str, str]:
        out: dict[str, str] = {}
        for q in store.oxigraph.quads_for_pattern(None, _n(prop), None, None):
            if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode | ox.Literal):
                if reverse:
                    out.setdefault(q.subject.value, q.object.value)
                else:
                    out.setdefault(q.object.value, q.subject.value)
        return out

    def find(self, entity: Entity) -> str | None:
        for ident in entity.identifiers:
            found = self.by.get(ident.scheme, {}).get(ident.value)
            if found is not None and (ident.scheme != "REG" or self._same_country(found, entity)):
                return found
        return self.by["NAME"].get(entity.name) if entity.name else None


class _Builder:
    """Records in, triples out: IRIs minted or merged, facts cited, conflicts noted."""

    def __init__(self, store: Store, report: ImportReport, today: dt.date, spool: Spool) -> None:
        self.report, self.index = report, _Index(store)
        self.store = store
        self.source = _n(entity_iri("source", f"import-{report.id}"))
        self.spool = spool
        # Memory follows the entities merged with the store's and those named before they are
        # read, not every entity: an entity's IRI is minted from its key (:meth:`_minted`).
        self.iris: dict[str, str] = {}  # record key -> the store's IRI, for keys merged with the store's
        self.known: set[str] = set()  # IRIs of entities merged with the store's
        self.pending: dict[str, str] = {}  # keys named before they were read, with a label should they stay unread
        self.remap: dict[str, str] = {}  # IRIs minted for a key, then found to be the store's
        self._org_prefix = str(entity_iri("org", "x"))[:-1]
        self.pairs: dict[tuple[str, str], list[str]] | None = None  # read at the first interest, if any
        self.today = today
        self.projection: Projection | None = None  # read only when a record names what the store knows
        self.countries: dict[str, ox.NamedNode] = {}  # ISO code -> its jurisdiction, said once
        self._subject, self._subject_nt = ox.NamedNode(self.source.value), str(self.source)
        self._source()

    def _t(self, s: ox.NamedNode, p: object, o: ox.NamedNode | ox.Literal) -> None:
        if s is not self._subject:  # a record's statements come together: its subject written once
            self._subject, self._subject_nt = s, str(s)
        self.spool.add(self._subject_nt, _nt(p), str(o))

    def _source(self) -> None:
        r, s = self.report, self.source
        self._t(s, _RDF_TYPE, _n(_LX.Source))
        names = ", ".join(str(f["name"]) for f in r.files)
        self._t(s, _LABEL, ox.Literal(f"{r.format} import {r.id} of {names}"))
        self._t(s, _LX.retrievedOn, ox.Literal(self.today.isoformat(), datatype=ox.NamedNode(_XSD + "date")))
        if r.format in _PUBLISHERS:
            self._t(s, _DC.publisher, ox.Literal(_PUBLISHERS[r.format]))
        for f in r.files:
            self._t(s, _DC.title, ox.Literal(f"{f['name']}: {f['size']} bytes, SHA-256 {f['sha256']}"))

    @staticmethod
    def _interest_pairs(store: Store) -> dict[tuple[str, str], list[str]]:
        owners = _Index._values(store, _LX.owner, reverse=True)
        owned = _Index._values(store, _LX.owned, reverse=True)
        pairs: dict[tuple[str, str], list[str]] = {}
        for interest, owner in owners.items():
            if interest in owned:
                pairs.setdefault((owner, owned[interest]), []).append(interest)
        return pairs

    def add(self, record: object) -> None:
        if isinstance(record, Problem):
            self.report.problems.append(record)
        elif isinstance(record, Entity):
            self.report.counts["entities"] += 1
            self._entity(record)
        elif isinstance(record, Relationship):
            self.report.counts["relationships"] += 1
            self._relationship(record)
        elif isinstance(record, DataAssetRecord):
            self.report.counts["data assets"] += 1
            self._asset(record)
        elif isinstance(record, ReportingException):
            self.report.counts["reporting exceptions"] += 1
            s = ox.NamedNode(self._party(record.entity))
            reasons = ", ".join(record.reasons) or "no reason given"
            text = f"GLEIF reporting exception: {record.category} not reported ({reasons})."
            self._t(s, _LX.caveat, _en(text))
        else:
            kind = type(record).__name__
            self.report.counts[f"{kind} not imported"] += 1

    def finish(self) -> None:
        """The entities named but never read; the statements of IRIs found to be the store's, said of those."""
        for key, label in self.pending.items():
            self._bare(key, label)
        self.spool.close()
        self.spool.rename({f"<{old}>": f"<{new}>" for old, new in self.remap.items()})

    # ------------------------------------------------------------------ entities

    def _minted(self, key: str) -> str:
        """The IRI of an entity of this import the store does not know: from its LEI, else from its key.

        A key is the publisher's own (a BODS recordId "rec-1", an FtM id): unique in its import only.
        """
        if key.startswith("lei:") and len(key) == 24 and key[4:].isalnum():
            return f"{self._org_prefix}lei-{key[4:]}"
        return f"{self._org_prefix}imp-{hashlib.sha256(f'{self.report.id}|{key}'.encode()).hexdigest()[:16]}"

    def _iri_for(self, key: str, entity: Entity | None = None) -> str:
        """The IRI of the entity `key`; `entity` when it is read (then merged with the store's if it knows it)."""
        found = self.iris.get(key)
        if found is not None:
            return found
        minted = self._minted(key)
        if entity is None or f"<{minted}>" in self.spool.typed:  # a reference, or read already
            return minted
        known = self.index.find(entity)
        if known is None:
            return minted
        self.known.add(known)
        self.report.merged += 1
        self.iris[key] = known
        if self.pending.pop(key, None) is not None:  # named before it was read: said of the known IRI
            self.remap[minted] = known
        return known

    def _entity(self, e: Entity) -> None:
        iri = self._iri_for(e.key, e)
        self.pending.pop(e.key, None)
        s = ox.NamedNode(iri)
        merged = iri in self.known
        self._t(s, _DC.source, self.source)
        if e.name:
            self._t(s, _SKOS.altLabel if merged else _LABEL, ox.Literal(e.name))
            if self.report.format in _LEGAL_NAMES:
                self._t(s, _LX.legalName, ox.Literal(e.name))
        for alias in e.aliases:
            self._t(s, _SKOS.altLabel, ox.Literal(alias))
        if not merged:
            self._t(s, _RDF_TYPE, _n(_LX.Organization))
            self._t(s, _LX.organizationKind, _n(_KINDS[e.kind]))
            self._t(s, _LX.confidence, _n(_LX.Assumed if e.kind == "organization" else _LX.Secondary))
            if e.kind == "organization":
                self._t(s, _LX.caveat, _en(_ASSUMED_COMPANY))
            if not e.name:
                self._t(s, _LABEL, ox.Literal(e.key))
        for ident in () if merged else e.identifiers:  # a merged entity keeps the store's identifiers
            prop = {"LEI": _LX.lei, "WIKIDATA": _LX.wikidata, "REG": _LX.registrationNumber}.get(ident.scheme)
            if prop is not None:
                self._t(s, prop, ox.Literal(ident.value))
        self._place(s, merged, e)
        start, end = _date(e.start), _date(e.end)
        if start is not None and not merged:
            self._t(s, _LX.validFrom, start)
        if end is not None and not merged:
            self._t(s, _LX.validUntil, end)

    def _place(self, s: ox.NamedNode, merged: bool, e: Entity) -> None:
        if e.jurisdiction:
            country = self._jurisdiction(e.jurisdiction, e.where)
            if country is not None:
                current = self.index.incorporated.get(s.value) if merged else None
                if current is not None and current != country.value:
                    self._conflict(s, f"{e.where}: incorporated in {e.jurisdiction} here, in <{current}> in the store")
                elif current is None:
                    self._t(s, _LX.incorporatedIn, country)
        if e.headquarters and not merged:
            country = self._jurisdiction(e.headquarters, e.where)
            if country is not None:
                self._t(s, _LX.headquarteredIn, country)

    def _jurisdiction(self, code: str, where: Where) -> ox.NamedNode | None:
        country = code.split("-", 1)[0].upper()
        said = self.countries.get(country)
        if said is not None:
            return said
        if len(country) != 2 or not country.isalpha() or not country.isascii():
            self.report.problems.append(Problem(where, f"not an ISO 3166 country code: {code!r}"))
            return None
        iri = self.countries[country] = ox.NamedNode(str(entity_iri("jur", country)))
        if iri.value not in self.index.jurisdictions:
            self._t(iri, _RDF_TYPE, _n(_LX.Jurisdiction))
            self._t(iri, _LABEL, ox.Literal(country))
            self._t(iri, _LX.isoCode, ox.Literal(country))
            self._t(iri, _LX.jurisdictionKind, _n(_LX.Country))
            self._t(iri, _DC.source, self.source)
        return iri

    def _asset(self, a: DataAssetRecord) -> None:
        _asset_triples(self, a)

    def _entity_ref(self, key: str, where: Where) -> ox.NamedNode | None:
        """An organization named by a record: a key of this import, or a reference (``ref:``) to the store's."""
        if key.startswith("ref:"):
            return self._store_ref(key[4:], "org", where)
        return ox.NamedNode(self._party(key))

    def _store_ref(self, ref: str, kind: str, where: Where) -> ox.NamedNode | None:
        """The node of `kind` the store knows by `ref`, or None with the row's problem noted."""
        if self.projection is None:
            self.projection = projection_for(self.store)
        try:
            return ox.NamedNode(resolve(self.projection, ref, kind))
        except ResolutionError as exc:
            self.report.problems.append(Problem(where, f"{ref!r}: {exc}"))
            return None

    def _conflict(self, s: ox.NamedNode, text: str) -> None:
        self.report.conflicts.append(f"<{s.value}> {text}")
        self._t(s, _LX.caveat, _en(f"Sources disagree ({self.report.format} import {self.report.id}): {text}."))

    def _bare(self, key: str, label: str) -> None:
        """An entity named by a relationship only: its code as its label, its kind assumed, no place."""
        s = ox.NamedNode(self._iri_for(key))
        if s.value in self.known:
            return
        self._t(s, _RDF_TYPE, _n(_LX.Organization))
        self._t(s, _LABEL, ox.Literal(label))
        self._t(s, _LX.organizationKind, _n(_LX.Company))
        self._t(s, _LX.confidence, _n(_LX.Assumed))
        self._t(s, _LX.caveat, _en("Known only by its code in this import: its name and place are not known."))
        self._t(s, _DC.source, self.source)
        if key.startswith("lei:"):
            self._t(s, _LX.lei, ox.Literal(key[4:]))

    # ------------------------------------------------------------------ relationships

    def _party(self, key: str) -> str:
        """The IRI of an entity a record names: the store's (by LEI), or this import's, read or still to be read."""
        if key not in self.iris and key.startswith("lei:"):
            known = self.index.by["LEI"].get(key[4:])
            if known is not None:
                self.known.add(known)
                self.iris[key] = known
        iri = self._iri_for(key)
        if key not in self.iris and f"<{iri}>" not in self.spool.typed:  # not read (yet)
            self.pending.setdefault(key, key[4:] if key.startswith("lei:") else key)
        return iri

    def _relationship(self, r: Relationship) -> None:
        subject, interested = ox.NamedNode(self._party(r.subject)), ox.NamedNode(self._party(r.interested))
        if subject == interested:
            self.report.problems.append(Problem(r.where, "an entity related to itself"))
            return
        if r.kind in ("consolidation-direct", "consolidation-ultimate"):
            self._t(subject, _LX.consolidatedBy, interested)
        elif r.kind == "branch":
            self._t(subject, _LX.branchOf, interested)
        elif r.kind in ("shareholding", "voting-rights", "control", "board-appointment"):
            self._interest(r, subject, interested)
        else:
            self.report.counts[f"{r.kind} relationships not imported"] += 1

    def _interest(self, r: Relationship, owned: ox.NamedNode, owner: ox.NamedNode) -> None:
        digest = hashlib.sha256(f"{self.report.id}|{r.key}".encode()).hexdigest()[:20]
        s = ox.NamedNode(str(entity_iri("interest", f"imp-{digest}")))
        self._t(s, _RDF_TYPE, _n(_LX.OwnershipInterest))
        self._t(s, _LX.owner, owner)
        self._t(s, _LX.owned, owned)
        # Control by other means counts under every test; a right to appoint the board only
        # under decisive-influence tests (:func:`~longarm.graph.engine.ownership.confers_control`).
        kind = {"control": _LX.SoleControl, "board-appointment": _LX.BoardAppointment}.get(r.kind, _LX.Shareholding)
        self._t(s, _LX.interestKind, _n(kind))
        votes = r.kind == "voting-rights"
        base = "shareOfVotes" if votes else "shareOfCapital"
        for number, suffix in ((r.share, ""), (r.share_min, "Min"), (r.share_max, "Max")):
            if number is not None:
                self._t(s, _LX[base + suffix], ox.Literal(f"{number:g}", datatype=ox.NamedNode(_XSD + "decimal")))
        if r.direct is not None:
            self._t(s, _LX.indirect, ox.Literal(str(not r.direct).lower(), datatype=ox.NamedNode(_XSD + "boolean")))
        for prop, text in ((_LX.validFrom, r.start), (_LX.validUntil, r.end)):
            value = _date(text)
            if value is not None:
                self._t(s, prop, value)
        if r.kind == "control":
            self._t(s, _LX.caveat, _en("The source states control without its means or a share."))
        self._t(s, _DC.source, self.source)
        self._t(s, _LX.confidence, _n(_LX.Secondary))
        if self.pairs is None:
            self.pairs = self._interest_pairs(self.store)
        others = self.pairs.get((owner.value, owned.value))
        if others:
            self.report.conflicts.append(
                f"{r.where}: <{owner.value}> → <{owned.value}> already has {len(others)} interest(s) from other sources"
            )


_CATEGORIES = {word: _LX[term] for word, term in DATA_CATEGORIES.items()}
_SUBCONTRACTORS = (
    "Subcontractors of the register's supply chain (rank 2 or more) are recorded as operators of the service: "
    "the register says they take part in providing it, not that they hold the data."
)


def _slug(*parts: str) -> str:
    return "imp-" + hashlib.sha256("|".join(parts).encode()).hexdigest()[:20]


def _asset_triples(builder: _Builder, a: DataAssetRecord) -> None:
    """A data asset hosted on the service its provider gives it, where the source says it is stored."""
    r, t = builder.report, builder._t
    s = ox.NamedNode(str(entity_iri("asset", _slug(r.id, a.key))))
    t(s, _RDF_TYPE, _n(_LX.DataAsset))
    t(s, _LABEL, ox.Literal(a.label))
    t(s, _DC.source, builder.source)
    t(s, _LX.confidence, _n(_LX.Secondary))
    service = _service(builder, a)
    if service is None:
        if a.provider is None and a.service is None:
            builder.report.problems.append(Problem(a.where, f"data asset {a.label!r}: no provider or service"))
        return
    t(s, _LX.hostedOn, service)
    for code in a.storage:
        place = builder._jurisdiction(code, a.where)
        if place is not None:
            t(s, _LX.storedIn, place)
    for prop, key in ((_LX.dataController, a.owner), (_LX.keysHeldBy, a.keys_held_by)):
        party = builder._entity_ref(key, a.where) if key is not None else None
        if party is not None:
            t(s, prop, party)
    for word in a.categories:
        category = _CATEGORIES.get(word.strip().lower())
        if category is not None:
            t(s, _LX.dataCategory, _n(category))
    notes = [f"{k} {v}" for k, v in (("DORA function", a.function), ("ICT service type", a.service_type)) if v]
    if a.processing:
        notes.append("processed in " + ", ".join(a.processing))
    if notes:
        t(s, _LX.caveat, _en(f"As the register gives it: {'; '.join(notes)}."))


def _service(builder: _Builder, a: DataAssetRecord) -> ox.NamedNode | None:
    """The service an asset is hosted on: one the store knows, or one per provider and service type."""
    if a.service is not None:
        return builder._store_ref(a.service, "service", a.where)
    if a.provider is None:
        return None
    provider = builder._entity_ref(a.provider, a.where)
    if provider is None:
        return None
    s = ox.NamedNode(str(entity_iri("service", _slug(builder.report.id, a.provider, a.service_type or ""))))
    t = builder._t
    t(s, _RDF_TYPE, _n(_LX.Service))
    kind = f"ICT service {a.service_type}" if a.service_type else "ICT service"
    t(s, _LABEL, ox.Literal(f"{kind} of {a.provider}"))
    t(s, _LX.provider, provider)
    t(s, _LX.operatedBy, provider)  # the direct ICT provider holds the data it hosts
    t(s, _DC.source, builder.source)
    t(s, _LX.confidence, _n(_LX.Secondary))
    for key in a.custodians:
        custodian = builder._entity_ref(key, a.where)
        if custodian is not None:
            t(s, _LX.operatedBy, custodian)
    if a.custodians:
        t(s, _LX.caveat, _en(_SUBCONTRACTORS))
    return s
