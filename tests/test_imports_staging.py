"""Spooled imports: statements on disk in buckets by subject, validated bucket by bucket, written in one bulk write."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyoxigraph as ox
import pytest

from longarm.graph.base.errors import ValidationError
from longarm.graph.imports import importer
from longarm.graph.imports.importer import import_files
from longarm.graph.imports.spool import TYPE, Spool
from longarm.graph.imports.staging import validate_spool
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import load_bundled
from longarm.ontology.namespace import DCTERMS, LX, entity_iri

FIXTURES = Path(__file__).parent / "fixtures" / "imports" / "gleif"
GLEIF = [FIXTURES / n for n in ("lei2.csv", "rr.csv", "repex.csv")]
TODAY = dt.date(2026, 12, 4)
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"


def _nt(term: object) -> str:
    return str(ox.NamedNode(str(term)))


@pytest.fixture
def store() -> Store:
    s = Store.in_memory()
    load_bundled(s)
    return s


def _org(spool: Spool, iri: str, label: str, source: str, **more: str) -> None:
    spool.add(iri, TYPE, _nt(LX.Organization))
    spool.add(iri, LABEL, f'"{label}"')
    spool.add(iri, _nt(LX.organizationKind), _nt(LX.Company))
    spool.add(iri, _nt(DCTERMS.source), source)
    for name, value in more.items():
        spool.add(iri, _nt(LX[name]), value)


def _source(spool: Spool) -> str:
    source = _nt(entity_iri("source", "import-test"))
    spool.add(source, TYPE, _nt(LX.Source))
    spool.add(source, LABEL, '"a test import"')
    spool.add(source, _nt(LX.retrievedOn), '"2026-12-04"^^<http://www.w3.org/2001/XMLSchema#date>')
    return source


def test_lines_are_split_on_line_feeds_only(tmp_path: Path) -> None:
    spool = Spool(tmp_path, buckets=3)
    odd = str(ox.Literal("a\u2028b\x0cc\nd"))  # a line separator, a form feed, an escaped line feed
    spool.add("<https://e.org/a>", LABEL, odd)
    spool.close()
    assert [line for lines in spool.buckets() for line in lines] == [f"<https://e.org/a> {LABEL} {odd} ."]
    spool.remove()
    assert not spool.folder.exists()


def test_renaming_an_iri_moves_its_statements_to_its_new_bucket(tmp_path: Path) -> None:
    spool = Spool(tmp_path, buckets=16)
    spool.add("<https://e.org/old>", TYPE, "<https://e.org/C>")
    spool.add("<https://e.org/x>", "<https://e.org/p>", "<https://e.org/old>")
    spool.add("<https://e.org/new>", LABEL, '"known"')
    spool.close()
    spool.rename({"<https://e.org/old>": "<https://e.org/new>"})
    buckets = [sorted(lines) for lines in spool.buckets()]
    new = "<https://e.org/new> "
    together = [[line for line in b if line.startswith(new)] for b in buckets if any(x.startswith(new) for x in b)]
    assert together == [  # every statement of <new> in one bucket (whichever bucket <x> hashes to)
        sorted([f"<https://e.org/new> {TYPE} <https://e.org/C> .", f'<https://e.org/new> {LABEL} "known" .'])
    ]
    assert "<https://e.org/x> <https://e.org/p> <https://e.org/new> ." in [line for b in buckets for line in b]
    assert not any("old" in line for b in buckets for line in b)
    assert spool.typed == {"<https://e.org/new>": "<https://e.org/C>"}


def test_a_bucket_is_validated_with_the_types_of_what_it_points_to(store: Store, tmp_path: Path) -> None:
    spool = Spool(tmp_path, buckets=32)  # a parent and its child almost surely in two buckets
    source = _source(spool)
    parent, child = _nt(entity_iri("org", "imp-parent")), _nt(entity_iri("org", "imp-child"))
    _org(spool, parent, "Parent", source, incorporatedIn=_nt(entity_iri("jur", "FR")))
    _org(spool, child, "Child", source, consolidatedBy=parent)
    spool.close()
    check = validate_spool(store, spool, name="test import")
    assert check.triples == 3 + 5 + 5 and check.subjects is not None and len(check.subjects) == 3


def test_a_node_pointed_to_but_never_typed_breaks_the_shapes(store: Store, tmp_path: Path) -> None:
    spool = Spool(tmp_path, buckets=32)
    source = _source(spool)
    _org(spool, _nt(entity_iri("org", "imp-child")), "Child", source, consolidatedBy=_nt(entity_iri("org", "imp-x")))
    spool.close()
    with pytest.raises(ValidationError) as raised:
        validate_spool(store, spool, name="test import")
    [violation] = raised.value.violations
    assert (violation.path, violation.constraint, violation.file) == ("lx:consolidatedBy", "Class", "test import")


def test_a_merged_entity_is_validated_with_what_the_store_says_of_it(store: Store, tmp_path: Path) -> None:
    known = next(q.subject for q in store.oxigraph.quads_for_pattern(None, ox.NamedNode(str(LX.incorporatedIn)), None))
    spool = Spool(tmp_path, buckets=4)
    source = _source(spool)
    spool.add(str(known), _nt(DCTERMS.source), source)
    spool.add(str(known), _nt(LX.incorporatedIn), _nt(entity_iri("jur", "ZZ")))  # a second country, never typed
    spool.close()
    with pytest.raises(ValidationError) as raised:
        validate_spool(store, spool, name="test import", merged=[known.value])
    assert {(v.path, v.constraint) for v in raised.value.violations} == {
        ("lx:incorporatedIn", "MaxCount"),  # the store's country and this one
        ("lx:incorporatedIn", "Class"),
    }


@pytest.mark.parametrize("buckets", [1, 7])
def test_buckets_change_nothing_of_what_is_written(store: Store, buckets: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importer, "buckets_for", lambda size: buckets)
    report = import_files(store, "gleif", GLEIF, skip_bad=True, today=TODAY)
    written = {q.triple for q in store.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(report.graph))}
    assert report.triples == len(written)
    monkeypatch.setattr(importer, "buckets_for", lambda size: 1 if buckets > 1 else 5)
    other = Store.in_memory()
    load_bundled(other)
    again = import_files(other, "gleif", GLEIF, skip_bad=True, today=TODAY)
    assert {q.triple for q in other.oxigraph.quads_for_pattern(None, None, None, ox.NamedNode(again.graph))} == written


def test_a_zipped_import_is_bucketed_by_what_it_unpacks_to(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import zipfile

    sizes: list[int] = []
    monkeypatch.setattr(importer, "buckets_for", lambda size: sizes.append(size) or 1)
    archive = tmp_path / "gleif.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for path in GLEIF:
            out.write(path, path.name)
    store = Store.in_memory()
    load_bundled(store)
    import_files(store, "gleif", [archive], skip_bad=True, today=TODAY)
    assert sizes == [sum(p.stat().st_size for p in GLEIF)] and archive.stat().st_size < sizes[0]
