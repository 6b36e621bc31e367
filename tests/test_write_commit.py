"""The one write path for SPARQL updates: tried on a scratch copy, validated on its scope, then made."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from longarm.graph.base.errors import QueryError, ValidationError
from longarm.graph.projection.cache import projection_for
from longarm.graph.sparql.update import apply_update
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import document_from_bytes
from longarm.graph.write import commit
from longarm.graph.write.commit import write_graphs, write_update

from .conftest import VALID_TTL

G = "https://example.org/graph/tiny"
EX = "https://example.org/"
PREFIXES = "PREFIX ex: <https://example.org/> "


@pytest.fixture
def tiny(store: Store) -> Store:
    """The tiny valid dataset in one data graph, on both backends."""
    write_graphs(store, [document_from_bytes(VALID_TTL.encode(), "tiny.ttl", G)])
    return store


def _quads(store: Store) -> set[ox.Quad]:
    return set(store.oxigraph.quads_for_pattern(None, None, None, None))


NEW_ORG = "ex:new a lx:Organization ; rdfs:label 'New SAS' ; lx:organizationKind lx:Company ; lx:incorporatedIn ex:FR ; dcterms:source ex:src"

# (update, refused?, what the report must say, what it must not). Each refused update changes nothing.
CASES = [
    pytest.param(f"INSERT DATA {{ GRAPH <{G}> {{ {NEW_ORG} }} }}", False, None, None, id="a-complete-organization"),
    pytest.param(
        f"INSERT DATA {{ GRAPH <{G}> {{ ex:bare a lx:Organization }} }}",
        True,
        "SPARQL update: <https://example.org/bare> rdfs:label",
        "ex:parent",
        id="an-organization-without-label-or-source",
    ),
    pytest.param(
        f"DELETE DATA {{ GRAPH <{G}> {{ ex:child rdfs:label 'Child SAS' }} }}",
        True,
        "SPARQL update: <https://example.org/child> rdfs:label",
        "<https://example.org/parent>",
        id="a-removed-label",
    ),
    pytest.param(
        f"DELETE WHERE {{ GRAPH <{G}> {{ ex:parent ?p ?o }} }}",
        True,
        "<https://example.org/stake> lx:owner",  # the interest that names it is broken
        "<https://example.org/child>",
        id="a-removed-owner-breaks-its-interest",
    ),
    pytest.param(
        "DELETE { GRAPH ?g { ex:child rdfs:label ?l } } WHERE { GRAPH ?g { ex:child rdfs:label ?l } }",
        True,
        "<https://example.org/child> rdfs:label",
        None,
        id="graphs-the-text-cannot-tell",
    ),
    pytest.param("INSERT DATA { ex:bare a lx:Organization }", False, None, None, id="the-default-graph-holds-no-facts"),
    pytest.param(
        f"DELETE DATA {{ GRAPH <{G}> {{ ex:stake lx:validUntil '2023-12-31'^^xsd:date }} }}",
        False,
        None,
        None,
        id="an-optional-fact",
    ),
]


@pytest.mark.parametrize(("update", "refused", "said", "not_said"), CASES)
def test_an_update_is_validated_on_what_it_changes(
    tiny: Store, update: str, refused: bool, said: str | None, not_said: str | None
) -> None:
    before = _quads(tiny)
    if not refused:
        apply_update(tiny, PREFIXES + update)
        assert _quads(tiny) != before
        return
    with pytest.raises(ValidationError) as caught:
        apply_update(tiny, PREFIXES + update)
    assert _quads(tiny) == before  # nothing written
    report = str(caught.value)
    assert said is not None and said in report
    if not_said is not None:
        assert not_said not in report


def test_a_valid_update_is_seen_by_the_engine(tiny: Store) -> None:
    projection_for(tiny)
    result = apply_update(tiny, PREFIXES + f"INSERT DATA {{ GRAPH <{G}> {{ {NEW_ORG} }} }}")
    assert (result.added, result.removed) == (5, 0)
    assert projection_for(tiny).orgs[EX + "new"].label == "New SAS"


def test_an_update_that_fails_writes_nothing_and_copies_nothing(tiny: Store) -> None:
    before = _quads(tiny)
    with pytest.raises(QueryError, match="syntax"):
        apply_update(tiny, "INSERT DATA { GRAPH <https://e.org/g> { <a> }")
    with pytest.raises(QueryError, match="failed"):
        apply_update(tiny, "DROP GRAPH <https://example.org/graph/none>")
    assert _quads(tiny) == before


def test_a_write_between_the_try_and_the_commit_is_taken_into_account(
    tiny: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The update is tried and validated again on what another write left."""
    tries: list[int] = []
    real_tried, real_validate = commit._tried, commit.validate_delta

    def tried(store: Store, update: str, base_iri: str | None) -> object:
        tries.append(store.version())
        return real_tried(store, update, base_iri)

    def validate(store: Store, *args: object, **kwargs: object) -> None:
        real_validate(store, *args, **kwargs)  # type: ignore[arg-type]
        if len(tries) == 1:  # another writer commits meanwhile: France is no longer typed a jurisdiction
            store.update(f"DELETE WHERE {{ GRAPH <{G}> {{ <{EX}FR> a ?type }} }}")

    monkeypatch.setattr(commit, "_tried", tried)
    monkeypatch.setattr(commit, "validate_delta", validate)
    # Valid when tried first; on what is there at commit time, incorporated in a node of no known type.
    update = PREFIXES + f"INSERT DATA {{ GRAPH <{G}> {{ {NEW_ORG} }} }}"
    with pytest.raises(ValidationError, match="new> lx:incorporatedIn"):
        write_update(tiny, update)
    assert len(tries) == 2 and tries[0] != tries[1]


def test_a_scratch_copy_leaves_the_store_as_it_was(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    write_graphs(store, [document_from_bytes(VALID_TTL.encode(), "tiny.ttl", G)])
    before, version = _quads(store), store.version()
    with store.scratch_copy() as copy:
        copy.update(f"DROP GRAPH <{G}>")
        assert copy.named_graphs() and not copy.contains_named_graph(ox.NamedNode(G))
        assert _quads(store) == before
    assert _quads(store) == before and store.version() == version
    assert not [p for p in Path(tmp_path).iterdir() if ".reader-" in p.name]
