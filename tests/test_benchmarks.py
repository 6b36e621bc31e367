"""The benchmark at tiny scale: a deterministic, valid generator and a complete report (no timing checks)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from longarm.benchmarks.compel import TARGETS, format_report, load_synthetic, main, run
from longarm.benchmarks.synthetic import GRAPHS, SyntheticConfig, Tally, asset_iri, generate
from longarm.graph.projection.reader import build_projection
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import META_GRAPH, ONTOLOGY_GRAPH, load_bundled
from longarm.graph.store.validation import Shapes
from longarm.ontology.namespace import LX


def _rich(orgs: int, seed: int) -> SyntheticConfig:
    """Rates raised so that a small dataset shows every feature (cycles, joint ventures, former owners)."""
    return SyntheticConfig(
        orgs=orgs, seed=seed, minority_rate=0.1, joint_venture_rate=0.05, cycle_rate=0.3, former_owner_rate=0.1
    )


def _generate(config: SyntheticConfig) -> tuple[str, Tally]:
    tally = Tally()
    return "".join(generate(config, tally)), tally


def test_the_generator_is_deterministic() -> None:
    first, tally = _generate(SyntheticConfig(orgs=2000, seed=7))
    again, tally_again = _generate(SyntheticConfig(orgs=2000, seed=7))
    other, _ = _generate(SyntheticConfig(orgs=2000, seed=8))
    assert first == again
    assert tally == tally_again
    assert first != other
    assert tally.quads == first.count("\n")


def test_the_counts_follow_the_parameters() -> None:
    _, tally = _generate(SyntheticConfig(orgs=2000, seed=1))
    assert tally.orgs == 2000
    assert tally.services == 2000 // 20
    assert tally.assets == 2000 // 20 // 10
    assert 1 <= tally.max_depth <= 10
    assert tally.largest_group <= 2000 // 20
    assert tally.groups < tally.orgs  # groups, not only standalone companies
    _, tally = _generate(SyntheticConfig(orgs=2000, seed=1, orgs_per_service=10, services_per_asset=5))
    assert (tally.services, tally.assets) == (200, 40)


def test_the_generator_refuses_an_empty_dataset() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        generate(SyntheticConfig(orgs=0))


def test_the_groups_have_the_expected_shape() -> None:
    store = Store.in_memory()
    load_bundled(store, validate=False)
    tally = load_synthetic(store, _rich(2000, 5))
    assert set(GRAPHS.values()) <= set(store.named_graphs())
    p = build_projection(store)
    synthetic = {iri: org for iri, org in p.orgs.items() if "/org/syn-" in iri}
    assert len(synthetic) == tally.orgs
    assert all(
        len(org.incorporated) == 1 and next(iter(org.incorporated)) in p.jurisdictions for org in synthetic.values()
    )
    interests = [i for i in p.interests.values() if "/interest/syn-" in i.iri]
    assert len(interests) == tally.interests
    assert any(i.kind == str(LX.JointControl) for i in interests)
    assert any(i.capital is not None and i.capital < 50 for i in interests)  # minority stakes
    assert any(i.valid_until is not None for i in interests)  # former owners
    assert any(i.valid_from is not None and i.valid_until is None for i in interests)
    assert all(i.capital is None or 0 <= i.capital <= 100 for i in interests)
    assert tally.cross_holdings > 0
    assert not nx.is_directed_acyclic_graph(p.ownership)  # cross-holdings make cycles
    assert {asset_iri(k) for k in range(tally.assets)} <= set(p.assets)
    for k in range(tally.assets):
        asset = p.assets[asset_iri(k)]
        assert asset.services and asset.services <= set(p.services)
        assert asset.stored_in and asset.stored_in <= set(p.jurisdictions)
    for svc in (s for iri, s in p.services.items() if "/service/syn-" in iri):
        assert svc.operators <= set(synthetic) and svc.contracting <= set(synthetic)
        assert svc.regions and all(r in p.region_jurisdiction for r in svc.regions)
        assert svc.categories == {str(LX.IaaS)}


def test_the_generated_data_conforms_to_the_shapes() -> None:
    store = Store.in_memory()
    load_bundled(store, validate=False)
    load_synthetic(store, _rich(300, 11))
    graphs = [g for g in store.named_graphs() if g not in (META_GRAPH, ONTOLOGY_GRAPH)]
    assert Shapes.bundled().validate(store.to_rdflib(graphs)) == []


@pytest.fixture(scope="module")
def bench_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("bench") / "store"


@pytest.fixture(scope="module")
def report(bench_store: Path) -> dict[str, Any]:
    return run(2000, queries=20, seed=1, store_dir=bench_store)


def test_the_report_has_every_field_with_sane_values(report: dict[str, Any]) -> None:
    r = report
    counts = (
        "orgs",
        "groups",
        "largest_group",
        "max_depth",
        "interests",
        "minority_stakes",
        "joint_ventures",
        "cross_holdings",
        "former_owners",
        "services",
        "regions",
        "assets",
        "synthetic_quads",
        "store_quads",
    )
    seconds = ("bundled_load_s", "generate_load_s", "projection_s")
    latencies = [f"{way}_{k}_ms" for way in ("compel", "sparql") for k in ("first", "p50", "p95", "mean", "max")]
    memory = ("rss_after_load_mb", "rss_after_projection_mb", "peak_rss_mb")
    for key in (*counts, *seconds, *latencies, *memory, "exposures_mean", "sparql_rows_mean", "sparql_over_compel_p50"):
        value = r[key]
        assert isinstance(value, int | float) and math.isfinite(value) and value >= 0, key
    assert (r["orgs"], r["queries"], r["seed"], r["services"], r["assets"]) == (2000, 20, 1, 100, 10)
    assert r["store_quads"] > r["synthetic_quads"] > 10 * 2000  # the bundled dataset is there too
    for way in ("compel", "sparql"):
        assert 0 < r[f"{way}_p50_ms"] <= r[f"{way}_p95_ms"] <= r[f"{way}_max_ms"]
    assert r["exposures_mean"] > 0 and r["sparql_rows_mean"] > 0  # the questions have answers
    assert r["peak_rss_mb"] >= r["rss_after_projection_mb"] > 0
    assert r["targets"] == TARGETS
    json.dumps(r)
    table = format_report(r)
    assert "projection build" in table and "compel p50 / p95 / mean" in table and "peak RSS" in table
    assert "target" not in table  # targets are checked at 1M organizations only


def test_an_on_disk_run_times_a_restart_from_the_snapshot(report: dict[str, Any]) -> None:
    assert report["snapshot_save_s"] > 0 and report["projection_restart_s"] > 0
    assert "projection at restart (snapshot)" in format_report(report)


def test_a_kept_store_can_be_asked_again_as_after_a_restart(report: dict[str, Any], bench_store: Path) -> None:
    again = run(0, queries=20, seed=1, store_dir=bench_store, reuse=True)
    assert again["reused"] and (again["orgs"], again["assets"]) == (2000, 10)
    assert "projection_s" not in again and again["projection_restart_s"] > 0  # from the snapshot
    assert again["exposures_mean"] == report["exposures_mean"]  # the same questions, the same answers
    assert again["sparql_rows_mean"] == report["sparql_rows_mean"]


def test_reuse_needs_a_kept_store(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="--reuse needs"):
        run(0, queries=2, seed=3, store_dir=tmp_path, reuse=True)


def test_the_temporary_store_is_removed() -> None:
    r = run(200, queries=2, seed=3, store_dir=None)
    assert not Path(str(r["store"])).parent.exists()


def test_a_store_that_is_not_empty_is_refused(tmp_path: Path) -> None:
    (tmp_path / "something").write_text("x")
    with pytest.raises(ValueError, match="not empty"):
        run(200, queries=2, seed=3, store_dir=tmp_path)


def test_the_command_prints_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--orgs", "300", "--queries", "3", "--memory", "--json"]) == 0
    r = json.loads(capsys.readouterr().out)
    assert (r["orgs"], r["store"], r["queries"]) == (300, "memory", 3)


def test_bench_write_reports_two_sizes_side_by_side(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from longarm.benchmarks import write as bench_write

    argv = [
        "--orgs",
        "30",
        "60",
        "--small",
        "2",
        "--upload",
        "200",
        "--read-rate",
        "20",
        "--write-every",
        "0.1",
        "--stores",
        str(tmp_path),
    ]
    assert bench_write.main(argv) == 0
    out = capsys.readouterr().out
    assert "synthetic organizations" in out.splitlines()[0] and out.splitlines()[0].split()[-2:] == ["30", "60"]
    assert "upload of 200 triples" in out and "targets:" in out
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_dir()) == ["orgs-30", "orgs-60"]
    assert bench_write.main([*argv, "--json"]) == 0  # the kept stores again: nothing built
    reports = json.loads(capsys.readouterr().out)
    assert [r["orgs"] for r in reports] == [30, 60] and all("load_s" not in r for r in reports)
    assert all(r["upload"]["triples"] == 200 and r["small_write_s"]["n"] == 2 for r in reports)


def test_bench_import_imports_each_kind_in_a_process_of_its_own(capsys: pytest.CaptureFixture[str]) -> None:
    from longarm.benchmarks import imports as bench_import
    from longarm.graph.imports.gleif import lei_is_valid

    assert all(lei_is_valid(bench_import.lei(n)) for n in (0, 7, 123_456, 9_999_999))
    assert bench_import.main(["--entities", "60", "--bods", "40", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    runs = {r["format"]: r for r in report["runs"]}
    assert runs["gleif"]["records"] == 60 + 50 and runs["bods"]["records"] == 40
    assert all(r["triples"] > 0 and r["peak_mb"] > 0 and r["records_per_s"] > 0 for r in runs.values())
    assert all(r["peer_bulk_load_s"] > 0 and r["exposures"] > 0 for r in runs.values())  # the peer, and the answer
    assert "peer (Oxigraph's bulk loader alone" in bench_import.format_report(report)
