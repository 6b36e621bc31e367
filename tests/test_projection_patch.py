"""A projection patched after a write equals one built from scratch, and the old one is untouched."""

from __future__ import annotations

import datetime as dt
import pickle
import threading
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path

import pyoxigraph as ox
import pytest

from longarm.graph.engine.reach import compel
from longarm.graph.projection import cache as projection_module
from longarm.graph.projection.cache import PATCH_LIMIT, projection_for, wait_for_snapshot_saves
from longarm.graph.projection.model import Projection, iri
from longarm.graph.projection.patch import patched_projection
from longarm.graph.projection.reader import build_projection
from longarm.graph.projection.snapshot import load_snapshot_and_changes, save_snapshot
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import (
    bundled_documents,
    document_from_bytes,
    document_from_path,
    load_bundled,
    load_documents,
    user_graph,
)
from longarm.graph.views.report import answer_to_dict

FIXTURES = Path(__file__).parent / "fixtures"
AS_OF = dt.date(2026, 6, 1)
PREFIXES = """
@prefix lx: <https://w3id.org/longarm/ontology#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix org: <https://w3id.org/longarm/id/org/> .
@prefix own: <https://w3id.org/longarm/id/interest/> .
@prefix svc: <https://w3id.org/longarm/id/service/> .
@prefix ctr: <https://w3id.org/longarm/id/contract/> .
@prefix jur: <https://w3id.org/longarm/id/jur/> .
@prefix src: <https://w3id.org/longarm/id/source/> .
"""


def facts(p: Projection) -> dict[str, object]:
    """What a projection says, without the orders that carry no meaning."""
    out: dict[str, object] = {}
    for f in fields(Projection):
        value = getattr(p, f.name)
        if f.name == "control_epoch":  # an identity, not a fact (tested apart)
            continue
        if f.name == "ownership":
            out[f.name] = (set(value.nodes), sorted(value.edges(keys=True)))
        elif f.name in ("contracts_by_service", "contracts_by_party"):
            out[f.name] = {k: sorted(v) for k, v in value.items()}
        else:
            out[f.name] = value
    return out


def _load(store: Store, name: str, turtle: str) -> None:
    load_documents(
        store, [document_from_bytes((PREFIXES + turtle).encode(), name + ".ttl", user_graph(name))], validate=False
    )


def _bundled_graph(stem: str) -> str:
    return next(d.graph for d in bundled_documents() if d.name.endswith(stem))


def _drop(store: Store, graph: str) -> None:
    store.replace_graphs({graph: []})


def _edit_bundled(stem: str, old: str, new: str) -> Callable[[Store], None]:
    def write(store: Store) -> None:
        doc = next(d for d in bundled_documents() if d.name.endswith(stem))
        text = Path(doc.name).read_text(encoding="utf-8")
        assert old in text
        load_documents(
            store, [document_from_bytes(text.replace(old, new).encode(), doc.name, doc.graph)], validate=False
        )

    return write


# Each write below is applied to a store holding the bundled data; the projection patched
# after it must equal the one built from the store.
WRITES: dict[str, Callable[[Store], None]] = {
    "an alias from another graph": lambda s: _load(s, "alias", 'org:bleu skos:altLabel "Bleu (Paris)" .'),
    "a new group with a branch": lambda s: _load(
        s,
        "group",
        """
        org:acme a lx:Organization ; rdfs:label "Acme" ; lx:incorporatedIn jur:US ; dcterms:source src:x .
        org:acme-fr a lx:Organization ; rdfs:label "Acme France" ; lx:branchOf org:acme ; lx:hasEstablishmentIn jur:FR .
        own:acme-bleu a lx:OwnershipInterest ; lx:owner org:acme ; lx:owned org:bleu ;
            lx:interestKind lx:Shareholding ; lx:shareOfCapital 5.0 ; lx:validFrom "2025-01-01"^^xsd:date .
        svc:acme-cloud a lx:Service ; rdfs:label "Acme cloud" ; lx:provider org:acme ; lx:operatedBy org:acme-fr .
        ctr:acme-deal a lx:Contract ; lx:party org:acme, org:bleu ; lx:concernsService svc:acme-cloud ;
            lx:grantsAccess [ a lx:TechnicalAccess ; lx:grantee org:acme ; lx:accessKind lx:SoftwareUpdates ] .
        """,
    ),
    "the contracts graph dropped": lambda s: _drop(s, _bundled_graph("contracts.ttl")),
    "the ownership graph dropped": lambda s: _drop(s, _bundled_graph("ownership.ttl")),
    "the services graph dropped": lambda s: _drop(s, _bundled_graph("services.ttl")),
    "a share corrected": _edit_bundled("ownership.ttl", "lx:shareOfCapital", "lx:shareOfVotes"),
    "a grant's caveat changed": _edit_bundled("contracts.ttl", "No source found states this grant", "Nowhere stated"),
    "a new instrument with its rules": lambda s: load_documents(
        s, [document_from_path(FIXTURES / "fictional-instrument.ttl")], validate=False
    ),
    "a SPARQL INSERT DATA into a user graph": lambda s: s.update(
        f'INSERT DATA {{ GRAPH <{user_graph("sparql")}> {{ lxorg:bleu skos:altLabel "Bleu (SPARQL)" ; '
        "lx:hasEstablishmentIn jur:DE } }"
    ),
    "a SPARQL DELETE WHERE on the ownership graph": lambda s: s.update(
        f"DELETE WHERE {{ GRAPH <{_bundled_graph('ownership.ttl')}> {{ ?i lx:shareOfCapital ?share }} }}"
    ),
    "a SPARQL MOVE of the contracts graph": lambda s: s.update(
        f"MOVE <{_bundled_graph('contracts.ttl')}> TO <{user_graph('moved')}>"
    ),
    "a new organization alone": lambda s: _load(
        s, "alone", 'org:solo a lx:Organization ; rdfs:label "Solo" ; lx:incorporatedIn jur:US ; dcterms:source src:x .'
    ),
    "a graph loaded then dropped": lambda s: (
        _load(
            s,
            "tmp",
            'org:temp a lx:Organization ; rdfs:label "Temp" . own:t a lx:OwnershipInterest ; lx:owner org:temp ; lx:owned org:bleu .',
        ),
        _drop(s, user_graph("tmp")),
    ),
}


@pytest.fixture
def bundled() -> Store:
    store = Store.in_memory()
    load_bundled(store, validate=False)
    return store


@pytest.mark.parametrize("name", list(WRITES))
def test_patched_equals_rebuilt(bundled: Store, name: str) -> None:
    old, since = build_projection(bundled), bundled.version()
    before = pickle.dumps(facts(old))
    WRITES[name](bundled)
    changed = bundled.changed_subjects(since)
    assert changed is not None and 0 < len(changed) <= PATCH_LIMIT
    patched = patched_projection(bundled, old, changed)
    assert facts(patched) == facts(build_projection(bundled))
    assert pickle.dumps(facts(old)) == before  # the old projection is left as it was


def _answers(p: Projection) -> list[object]:
    """Every bundled asset's answer today, as the API gives it."""
    return [answer_to_dict(p, compel(p, asset, AS_OF)) for asset in sorted(p.assets)]


@pytest.mark.parametrize("name", list(WRITES))
def test_answers_on_a_patch_equal_those_on_a_build(bundled: Store, name: str) -> None:
    """Caches carried over by the control epoch give the answers a fresh build gives."""
    old, since = build_projection(bundled), bundled.version()
    _answers(old)  # fill the old projection's caches
    WRITES[name](bundled)
    changed = bundled.changed_subjects(since)
    assert changed is not None
    patched = patched_projection(bundled, old, changed)
    assert _answers(patched) == _answers(build_projection(bundled))


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("a new organization alone", True),
        ("a grant's caveat changed", True),
        ("a share corrected", False),
        ("an alias from another graph", False),
        ("a new group with a branch", False),
    ],
)
def test_a_patch_keeps_the_control_epoch_only_when_no_control_fact_changed(
    bundled: Store, name: str, kept: bool
) -> None:
    old, since = build_projection(bundled), bundled.version()
    WRITES[name](bundled)
    changed = bundled.changed_subjects(since)
    assert changed is not None
    assert (patched_projection(bundled, old, changed).control_epoch is old.control_epoch) is kept


def test_several_writes_make_one_patch(bundled: Store) -> None:
    old, since = build_projection(bundled), bundled.version()
    for name in ("an alias from another graph", "a new group with a branch", "the contracts graph dropped"):
        WRITES[name](bundled)
    patched = patched_projection(bundled, old, bundled.changed_subjects(since) or ())
    assert facts(patched) == facts(build_projection(bundled))


def test_projection_for_patches_after_a_logged_write(bundled: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    first = projection_for(bundled)
    monkeypatch.setattr(projection_module, "build_projection", _no_rebuild)
    WRITES["a new group with a branch"](bundled)
    second = projection_for(bundled)
    assert second is not first and iri("org", "acme") in second.orgs and iri("org", "acme") not in first.orgs
    assert projection_for(bundled) is second


UNTOLD = (  # an update whose graph is a variable: the store cannot tell what it changed
    'INSERT { GRAPH ?g { lxorg:bleu skos:altLabel "B" } } WHERE { VALUES ?g { <https://e.org/g> } }'
)


def test_an_untold_write_rebuilds(bundled: Store) -> None:
    first = projection_for(bundled)
    bundled.update(UNTOLD)
    assert bundled.changed_subjects(0) is None
    second = projection_for(bundled)
    assert "B" in second.orgs[iri("org", "bleu")].aliases and "B" not in first.orgs[iri("org", "bleu")].aliases


@pytest.mark.parametrize("lag", ["small", "large"])
def test_a_patched_projection_is_saved_once_the_snapshot_lags_far_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lag: str
) -> None:
    if lag == "large":
        monkeypatch.setattr(projection_module, "SAVE_AFTER_SUBJECTS", 0)
    store = Store.open(tmp_path / "store")
    load_bundled(store, validate=False)
    projection_for(store, snapshot_after=0.0)  # a build saved as the snapshot, in the background
    wait_for_snapshot_saves()
    WRITES["an alias from another graph"](store)
    expected = facts(projection_for(store))
    for thread in _savers():
        thread.join(timeout=60)
    del store  # a restart
    loaded = load_snapshot_and_changes(Store.open(tmp_path / "store"))
    assert loaded is not None
    if lag == "small":  # not saved: the restart patches the old snapshot with the change log
        assert loaded[1] and facts(loaded[0]) != expected
    else:  # saved in the background: current as it is
        assert not loaded[1] and facts(loaded[0]) == expected


def test_write_logs_the_subjects_of_the_graphs_it_replaces() -> None:
    store = Store.in_memory()
    a, b, p = (ox.NamedNode(f"https://e.org/{x}") for x in "abp")
    store.replace_graphs({"https://e.org/g": [ox.Triple(a, p, b)]})
    since = store.version()
    store.replace_graphs({"https://e.org/g": [ox.Triple(b, p, a)]})
    assert store.changed_subjects(since) == {a, b}  # a's statements went, b's came
    assert store.changed_subjects(store.version()) == frozenset()
    store.replace_graphs({"https://w3id.org/longarm/graph/inferred/x": [ox.Triple(a, p, a)]}, derived=True)
    assert store.changed_subjects(since) == {a, b}  # derived graphs are not facts


def _no_rebuild(store: Store) -> Projection:
    raise AssertionError("the projection was rebuilt instead of patched")


def _savers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "longarm-snapshot"]


# ------------------------------------------------------------------ across processes


@pytest.fixture
def saved_store(tmp_path: Path) -> Path:
    """An on-disk bundled store whose projection snapshot is current; closed, as after a stop."""
    store = Store.open(tmp_path / "store")
    load_bundled(store, validate=False)
    projection_for(store, snapshot_after=0.0)
    wait_for_snapshot_saves()  # saved in the background
    store.flush()
    return tmp_path / "store"


def test_a_restart_patches_the_snapshot_with_the_logged_writes(
    saved_store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    writer = Store.open(saved_store)  # e.g. `longarm load` between two runs of the server
    WRITES["a new group with a branch"](writer)
    WRITES["a share corrected"](writer)
    expected = facts(build_projection(writer))
    del writer
    restarted = Store.open(saved_store)
    monkeypatch.setattr(projection_module, "build_projection", _no_rebuild)
    assert facts(projection_for(restarted)) == expected
    assert restarted.changed_subjects_since_revision(restarted.revision() or "") == frozenset()


@pytest.mark.parametrize("how", ["an untold SPARQL update", "a damaged change log", "a lost change log"])
def test_a_restart_rebuilds_when_the_log_cannot_tell(saved_store: Path, how: str) -> None:
    writer = Store.open(saved_store)
    WRITES["an alias from another graph"](writer)
    if how == "an untold SPARQL update":
        writer.update(UNTOLD)
    log = saved_store.with_name("store.changes")
    if how == "a damaged change log":
        log.write_text(log.read_text(encoding="utf-8").replace('"from"', '"fro'), encoding="utf-8")
    if how == "a lost change log":
        log.unlink()
    expected = facts(build_projection(writer))
    del writer
    restarted = Store.open(saved_store)
    assert load_snapshot_and_changes(restarted) is None
    assert facts(projection_for(restarted)) == expected


def test_saving_a_snapshot_prunes_the_change_log(saved_store: Path) -> None:
    store = Store.open(saved_store)
    WRITES["an alias from another graph"](store)
    log = saved_store.with_name("store.changes")
    assert log.read_text(encoding="utf-8").count("\n") == 2  # before and after the write
    save_snapshot(store, projection_for(store))
    assert log.read_text(encoding="utf-8") == ""


def test_a_reader_answers_with_the_projection_before_a_patch_under_way(bundled: Store) -> None:
    """Readers never wait on a patch; the writer whose write it is waits, so its answers include it."""
    first = projection_for(bundled)
    _load(bundled, "later", 'org:later a lx:Organization ; rdfs:label "Later" .')
    lock = projection_module._building(bundled)
    with lock:  # another thread is patching the projection
        assert projection_for(bundled) is first  # answered at once, from the projection before
        done: list[bool] = []
        writer = threading.Thread(target=lambda: done.append(projection_module.refresh_if_kept(bundled)))
        writer.start()
        writer.join(0.2)
        assert writer.is_alive()  # the writer waits for the patch
    writer.join()
    assert done == [True]
    assert iri("org", "later") in projection_for(bundled).orgs and iri("org", "later") not in first.orgs


def test_refresh_if_kept_never_builds_a_projection() -> None:
    store = Store.in_memory()
    load_bundled(store, validate=False)
    assert projection_module.refresh_if_kept(store) is False
    assert projection_module.cached_projection(store) is None
