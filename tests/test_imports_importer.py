"""Imports into the store: one graph each, idempotent, removable, merged with what the store knows, all or nothing."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import bods_fixtures
import pyoxigraph as ox
import pytest

from longarm.api.cli import main
from longarm.graph.base.errors import ImportRefusedError, UnknownReferenceError
from longarm.graph.engine.gaps import GapKind
from longarm.graph.engine.ownership import ownership_chain
from longarm.graph.engine.reach import Answer, compel
from longarm.graph.imports.bods import read
from longarm.graph.imports.importer import import_files, import_graph, list_imports, remove_import
from longarm.graph.projection.cache import projection_for
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import load_bundled
from longarm.ontology.namespace import LX, entity_iri

FIXTURES = Path(__file__).parent / "fixtures" / "imports" / "gleif"
GLEIF = [FIXTURES / n for n in ("lei2.csv", "rr.csv", "repex.csv")]
CHILD, PARENT, BRANCH = "969500EXAMPLECHLD154", "549300EXAMPLEPRNT142", "969500EXAMPLEBRCH118"
TODAY = dt.date(2026, 12, 4)


@pytest.fixture
def store() -> Store:
    s = Store.in_memory()
    load_bundled(s)
    return s


def _org(lei: str) -> ox.NamedNode:
    return ox.NamedNode(str(entity_iri("org", f"lei-{lei}")))


def _objects(store: Store, s: ox.NamedNode, p: object) -> set[str]:
    return {q.object.value for q in store.oxigraph.quads_for_pattern(s, ox.NamedNode(str(p)), None, None)}


def _quads(store: Store) -> set[ox.Quad]:
    return set(store.oxigraph.quads_for_pattern(None, None, None, None))


def test_a_gleif_import_lands_in_its_graph_with_its_source(store: Store) -> None:
    report = import_files(store, "gleif", GLEIF, skip_bad=True, today=TODAY)
    assert report.status == "imported" and report.graph == import_graph(report.id)
    assert (report.counts["entities"], report.counts["relationships"], report.counts["reporting exceptions"]) == (
        3,
        2,
        1,
    )
    assert [str(p) for p in report.problems] == ["lei2.csv:5: LEI check digits do not verify: '969500EXAMPLECHLD155'"]
    child, parent, branch = _org(CHILD), _org(PARENT), _org(BRANCH)
    assert _objects(store, child, LX.consolidatedBy) == {parent.value}  # consolidation, not ownership
    assert not _objects(store, child, LX.owner) and not list(
        store.oxigraph.quads_for_pattern(None, ox.NamedNode(str(LX.owned)), child, None)
    )
    assert _objects(store, branch, LX.branchOf) == {parent.value}
    assert _objects(store, parent, LX.incorporatedIn) == {str(entity_iri("jur", "US"))}  # US-DE is in the US
    assert any("NON_CONSOLIDATING" in c for c in _objects(store, parent, LX.caveat))
    source = ox.NamedNode(str(entity_iri("source", f"import-{report.id}")))
    assert _objects(store, child, "http://purl.org/dc/terms/source") == {source.value}
    titles = _objects(store, source, "http://purl.org/dc/terms/title")
    assert any(t.startswith("lei2.csv: ") and "SHA-256" in t for t in titles) and len(titles) == 3
    assert list_imports(store) == [(report.id, f"gleif import {report.id} of lei2.csv, rr.csv, repex.csv")]


def test_answers_include_an_import_without_a_restart(store: Store) -> None:
    before = projection_for(store)
    import_files(store, "gleif", GLEIF, skip_bad=True, today=TODAY)
    after = projection_for(store)
    assert _org(CHILD).value not in before.orgs
    assert after.orgs[_org(CHILD).value].label == "Example Cloud SAS"


def test_a_bad_record_refuses_the_whole_import_by_default(store: Store) -> None:
    before = _quads(store)
    with pytest.raises(ImportRefusedError, match=r"lei2.csv:5: LEI check digits do not verify"):
        import_files(store, "gleif", GLEIF, today=TODAY)
    assert _quads(store) == before


def test_the_same_files_again_change_nothing_and_an_import_is_removed_whole(store: Store) -> None:
    before = _quads(store)
    first = import_files(store, "gleif", GLEIF, skip_bad=True, today=TODAY)
    imported = _quads(store)
    again = import_files(store, "gleif", GLEIF, skip_bad=True, today=TODAY)
    assert (again.id, again.status) == (first.id, "unchanged") and _quads(store) == imported
    assert remove_import(store, first.id) > 0
    assert _quads(store) - before == set() and first.graph not in store.named_graphs()
    with pytest.raises(UnknownReferenceError):
        remove_import(store, first.id)


def test_an_entity_the_store_knows_is_merged_and_a_disagreement_kept_beside(store: Store, tmp_path: Path) -> None:
    orange = ox.NamedNode(str(entity_iri("org", "orange")))
    lei2 = tmp_path / "lei2.csv"
    lei2.write_text(
        '"LEI","Entity.LegalName","Entity.LegalJurisdiction","Entity.EntityCategory"\n'
        '"969500MCOONR8990S771","Orange SA (as registered)","BE","GENERAL"\n',
        encoding="utf-8",
    )
    report = import_files(store, "gleif", [lei2], today=TODAY)
    assert report.merged == 1 and not list(
        store.oxigraph.quads_for_pattern(_org("969500MCOONR8990S771"), None, None, None)
    )  # no second node
    assert _objects(store, orange, LX.incorporatedIn) == {str(entity_iri("jur", "FR"))}  # the store's fact stays
    assert len(_objects(store, orange, "http://www.w3.org/2000/01/rdf-schema#label")) == 1
    assert "Orange SA (as registered)" in _objects(store, orange, "http://www.w3.org/2004/02/skos/core#altLabel")
    [conflict] = report.conflicts
    assert "incorporated in BE here" in conflict and orange.value in conflict
    assert any("Sources disagree" in c and "BE" in c for c in _objects(store, orange, LX.caveat))


def test_the_command_line_imports_lists_and_removes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(tmp_path / "store")
    assert main(["--store", store, "load", "--bundled"]) == 0
    assert main(["--store", store, "import", "gleif", *map(str, GLEIF)]) == 2  # one bad record: nothing written
    assert "--skip-bad imports the others" in capsys.readouterr().err
    assert main(["--store", store, "import", "gleif", *map(str, GLEIF), "--skip-bad", "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["status"] == "imported" and summary["counts"]["entities"] == 3
    assert summary["problems"] == [
        {"where": "lei2.csv:5", "reason": "LEI check digits do not verify: '969500EXAMPLECHLD155'"}
    ]
    assert main(["--store", store, "import", "--list"]) == 0
    assert capsys.readouterr().out.startswith(summary["id"])
    assert main(["--store", store, "import", "--remove", summary["id"]]) == 0
    assert f"removed import {summary['id']}" in capsys.readouterr().out


DORA = Path(__file__).parent / "fixtures" / "imports" / "dora" / "register"
PARENT_LEI, ALPHA_LEI = "5493000EXAMPLEPRNT39", "9695000EXAMPLEALPH69"


def _exposures(store: Store, function: str) -> tuple[set[tuple[str, str]], Answer]:
    """(instrument label, compellable entity label) of the answer for the register's asset of `function`."""
    p = projection_for(store)
    [asset] = [a for a in p.assets if p.assets[a].label.startswith(f"function {function} ")]
    answer = compel(p, asset, TODAY)
    return {(p.instruments[e.instrument].label, p.label(e.entity)) for e in answer.exposures}, answer


def test_a_dora_register_is_answered_and_a_gleif_import_completes_it(store: Store, tmp_path: Path) -> None:
    """The register's provider has an ultimate parent known only by its LEI: its place is a gap until GLEIF names it."""
    report = import_files(store, "dora", [DORA], skip_bad=True, today=TODAY)
    assert report.counts["data assets"] == 2
    found, answer = _exposures(store, "F-PAY")
    assert ("EU e-Evidence Regulation", "Alpha Cloud SAS") in found
    assert not any(label == PARENT_LEI for _, label in found)
    assert any(g.kind is GapKind.JURISDICTION_UNKNOWN and PARENT_LEI in g.message for g in answer.gaps)
    lei2 = tmp_path / "lei2.csv"
    lei2.write_text(
        '"LEI","Entity.LegalName","Entity.LegalJurisdiction","Entity.EntityCategory"\n'
        f'"{PARENT_LEI}","Parent Holdings Inc.","US-DE","GENERAL"\n',
        encoding="utf-8",
    )
    assert import_files(store, "gleif", [lei2], today=TODAY).merged == 1
    found, answer = _exposures(store, "F-PAY")
    cloud_act = [label for instrument, label in found if instrument.startswith("US CLOUD Act")]
    assert cloud_act == ["Parent Holdings Inc."]  # the parent, named and in the US now, controls the provider
    assert not any(g.kind is GapKind.JURISDICTION_UNKNOWN and PARENT_LEI in g.message for g in answer.gaps)
    assert any(g.kind is GapKind.CATEGORY_UNKNOWN for g in answer.gaps)  # a register's "ICT service" has no category


def test_a_register_package_is_hashed_whole_and_imported_once(store: Store) -> None:
    first = import_files(store, "dora", [DORA], skip_bad=True, today=TODAY)
    assert import_files(store, "dora", [DORA], skip_bad=True, today=TODAY).status == "unchanged"
    assert first.files[0]["name"] == "register" and int(first.files[0]["size"]) > 0  # type: ignore[call-overload]


@pytest.mark.parametrize("case", [c for c in bods_fixtures.list_cases() if not c.startswith("invalid/")])
def test_every_bods_pack_case_imports_and_its_ownership_shows_in_chains(
    store: Store, tmp_path: Path, case: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """Each case of the standard's pack (PyPI bods-v04-fixtures) imports; each stake read is a link of a chain."""

    fixture = bods_fixtures.load(case)
    path = tmp_path / "case.json"
    path.write_text(json.dumps(fixture.statements), encoding="utf-8")
    stakes = [r for r in read([path]) if getattr(r, "kind", None) in ("shareholding", "voting-rights")]
    report = import_files(store, "bods", [path], skip_bad=True, today=TODAY)  # an undisclosed party: a problem
    assert report.status == "imported" and report.counts["entities"] > 0
    p = projection_for(store)
    source = str(entity_iri("source", f"import-{report.id}"))
    imported = [i for i in p.interests.values() if source in i.sources]
    assert len(imported) == len(stakes)
    for interest in imported:  # each stake is a link of its owned entity's chain, as `longarm chain` shows it
        links = ownership_chain(p, interest.owned, TODAY)
        assert any(link.interest.iri == interest.iri for link in links), p.label(interest.owned)


class _Terminal:
    def __init__(self, tty: bool) -> None:
        self.tty, self.text = tty, ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


@pytest.mark.parametrize(("tty", "after", "shown"), [(True, 0.0, True), (False, 0.0, False), (True, 3600.0, False)])
def test_progress_shows_on_a_terminal_once_an_import_runs_a_while(tty: bool, after: float, shown: bool) -> None:
    from longarm.api.cli_imports import Progress

    terminal = _Terminal(tty)
    progress = Progress(after=after, stream=terminal)
    progress(5_000)
    progress.done()
    assert ("5,000 records" in terminal.text and "/s" in terminal.text) is shown
    assert terminal.text.endswith("\n") is shown


def test_an_imported_gleif_chain_changes_an_answer(store: Store, tmp_path: Path) -> None:
    """A US parent that consolidates the register's provider (GLEIF Level 2) may be compelled: at a lower tier."""
    consolidator = "5493000EXAMPLECONS12"
    import_files(store, "dora", [DORA], skip_bad=True, today=TODAY)
    before, _ = _exposures(store, "F-PAY")
    (tmp_path / "lei2.csv").write_text(
        '"LEI","Entity.LegalName","Entity.LegalJurisdiction","Entity.EntityCategory"\n'
        f'"{consolidator}","Consolidating Parent Inc.","US-DE","GENERAL"\n',
        encoding="utf-8",
    )
    (tmp_path / "rr.csv").write_text(
        '"Relationship.StartNode.NodeID","Relationship.StartNode.NodeIDType","Relationship.EndNode.NodeID",'
        '"Relationship.EndNode.NodeIDType","Relationship.RelationshipType","Relationship.RelationshipStatus"\n'
        f'"{ALPHA_LEI}","LEI","{consolidator}","LEI","IS_DIRECTLY_CONSOLIDATED_BY","ACTIVE"\n',
        encoding="utf-8",
    )
    import_files(store, "gleif", [tmp_path / "lei2.csv", tmp_path / "rr.csv"], today=TODAY)
    after, answer = _exposures(store, "F-PAY")
    assert not any(label == "Consolidating Parent Inc." for _, label in before)
    new = after - before
    assert ("US CLOUD Act / Stored Communications Act", "Consolidating Parent Inc.") in new
    p = projection_for(store)
    [exposure] = [
        e
        for e in answer.exposures
        if p.label(e.entity) == "Consolidating Parent Inc." and p.instruments[e.instrument].label.startswith("US CLOUD")
    ]
    assert "consolidated accounts" in exposure.explanation
    assert any(s.predicate == str(LX.consolidatedBy) for s in exposure.path)  # said by the provider, not a node
    assert exposure.tier != "https://w3id.org/longarm/ontology#Established"


def test_a_register_whose_providers_parent_is_unknown_is_incomplete_until_gleif_names_its_country(
    store: Store, tmp_path: Path
) -> None:
    """A Swiss provider storing in Switzerland: nothing reaches it, but its ultimate parent's place is unknown."""
    swiss, parent, bank = "5067000EXAMPLESWIS43", "5493000EXAMPLEUSPA34", "9695000EXAMPLEBANK03"
    reports = tmp_path / "register" / "reports"
    reports.mkdir(parents=True)
    (reports / "b_05.01.csv").write_text(
        "c0010,c0020,c0030,c0040,c0050,c0060,c0070,c0080,c0090,c0100,c0110,c0120\n"
        f"{swiss},LEI,,,Swiss Hosting AG,,legal person,CH,CHF,1000,{parent},LEI\n",
        encoding="utf-8",
    )
    (reports / "b_02.02.csv").write_text(
        "c0010,c0020,c0030,c0040,c0050,c0060,c0070,c0080,c0090,c0100,c0110,c0120,c0130,c0140,c0150,c0160,c0170,c0180\n"
        f"CTR-9,{bank},{swiss},LEI,F-ARCHIVE,S09,2024-01-01,,,30,30,CH,CH,true,CH,CH,,\n",
        encoding="utf-8",
    )
    (reports / "b_05.02.csv").write_text("c0010,c0020,c0030,c0040,c0050,c0060,c0070\n", encoding="utf-8")
    import_files(store, "dora", [tmp_path / "register"], today=TODAY)
    found, answer = _exposures(store, "F-ARCHIVE")
    assert answer.verdict.value == "incomplete" and not found
    assert any(g.kind is GapKind.JURISDICTION_UNKNOWN and parent in g.message for g in answer.gaps)
    (tmp_path / "lei2.csv").write_text(
        '"LEI","Entity.LegalName","Entity.LegalJurisdiction","Entity.EntityCategory"\n'
        f'"{parent}","Swiss Hosting Parent Inc.","US-DE","GENERAL"\n',
        encoding="utf-8",
    )
    import_files(store, "gleif", [tmp_path / "lei2.csv"], today=TODAY)
    found, answer = _exposures(store, "F-ARCHIVE")
    assert answer.verdict.value == "exposed"
    assert ("US CLOUD Act / Stored Communications Act", "Swiss Hosting Parent Inc.") in found


def test_the_records_to_come_are_counted_for_line_files_and_zipped_csv(tmp_path: Path) -> None:
    import zipfile

    from longarm.api.cli_imports import count_lines

    (tmp_path / "a.csv").write_text("h\n1\n2\n", encoding="utf-8")
    (tmp_path / "b.jsonl").write_text("{}\n{}\n", encoding="utf-8")
    (tmp_path / "lines.json").write_text('{"a": 1}\n{"a": 2}\n{"a": 3}\n', encoding="utf-8")
    (tmp_path / "array.json").write_text('[\n  {"a": 1},\n  {"a": 2}\n]\n', encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "g.zip", "w") as archive:
        archive.writestr("lei2.csv", "h\n1\n2\n3\n")
        archive.writestr("README.txt", "not counted\n")
    (tmp_path / "bad.zip").write_bytes(b"PK")
    assert count_lines([tmp_path / "a.csv", tmp_path / "b.jsonl"]) == 4
    assert count_lines([tmp_path / "a.csv", tmp_path / "g.zip"]) == 5
    assert count_lines([tmp_path / "lines.json"]) == 3
    assert count_lines([tmp_path / "array.json"]) is None  # a pretty-printed array: its lines are not records
    assert count_lines([tmp_path / "a.csv", tmp_path / "bad.zip"]) is None
    assert count_lines([tmp_path]) is None


def test_a_right_to_appoint_the_board_is_imported_as_such_and_a_senior_manager_not_as_control(store: Store) -> None:
    network = Path(__file__).parent / "fixtures" / "imports" / "bods" / "network.json"
    report = import_files(store, "bods", [network], skip_bad=True, today=TODAY)
    graph = ox.NamedNode(report.graph)
    kinds = {
        q.object.value.rsplit("#", 1)[-1]
        for q in store.oxigraph.quads_for_pattern(None, ox.NamedNode(str(LX.interestKind)), None, graph)
    }
    assert "BoardAppointment" in kinds and "SoleControl" in kinds  # the ministry's two means of control
    assert report.counts["directorship relationships not imported"] == 2  # a board member, a senior manager
