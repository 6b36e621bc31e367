"""The server benchmarks at tiny size: complete reports, the same answers everywhere, every server stopped.

``longarm bench sparql`` runs longarm, ``oxigraph serve`` and rdflib-endpoint one after the
other on 200 synthetic organizations; ``longarm bench rest`` runs ``longarm serve`` on a
store built here. No timing is checked: only the shape of the reports, that the servers
gave the same answers, that no request failed, and that no server process (nor any of its
children) is left and no port still listens.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from longarm.api.cli import main as cli_main
from longarm.benchmarks import servers
from longarm.benchmarks.compel import load_synthetic
from longarm.benchmarks.http_load import LOOPBACK, HttpRequest, percentile, port_is_open, run_load
from longarm.benchmarks.rest import exposures_path
from longarm.benchmarks.rest import main as rest_main
from longarm.benchmarks.rest import run as rest_run
from longarm.benchmarks.synthetic import SyntheticConfig
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import load_bundled

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="starts servers; reads /proc")

TINY = 200


def _assert_stopped(facts: dict[str, Any]) -> None:
    """The server and its children are gone and its port is closed."""
    assert facts["exit_code"] is not None
    assert facts["children_left"] == []
    for pid in (facts["pid"], *facts["children"]):
        state = Path(f"/proc/{pid}/stat")
        assert not state.exists() or state.read_text().rsplit(")", 1)[1].split()[0] == "Z"
    assert not port_is_open(facts["port"])


def _assert_level(level: dict[str, Any], requests: int) -> None:
    assert level["errors"] == 0, level.get("error_samples")
    assert level["requests"] == requests
    assert level["throughput"] > 0
    assert 0 < level["p50_ms"] <= level["p95_ms"] <= level["max_ms"]


@pytest.fixture(scope="module")
def sparql_report() -> dict[str, Any]:
    return servers.run(TINY, clients=(1, 2), requests=10, seconds=None)


def test_the_three_servers_answer_the_same_and_are_timed(sparql_report: dict[str, Any]) -> None:
    report = sparql_report
    assert report["mismatches"] == [] and report["failures"] == []
    assert list(report["servers"]) == list(servers.SERVERS)
    rows = [facts["rows_checked"] for facts in report["servers"].values()]
    assert all(r == rows[0] for r in rows) and len(rows[0]) == 10
    assert any(n > 0 for n in rows[0])  # the queries find something
    for facts in report["servers"].values():
        assert list(facts["levels"]) == ["1", "2"]
        for level in facts["levels"].values():
            _assert_level(level, 10)
            assert set(level["by_kind"]) == {"label", "chain_up", "chain_down", "per_jurisdiction", "compel"}
    assert set(report["ratios"]["2"]) == {"longarm/oxigraph", "longarm/rdflib"}
    assert report["slices"] == 5  # every kind above was asked: each slice goes on where the last stopped
    text = servers.format_report(report)
    assert "longarm/oxigraph throughput" in text and "MISMATCHES" not in text


def test_every_server_is_stopped(sparql_report: dict[str, Any]) -> None:
    for facts in sparql_report["servers"].values():
        _assert_stopped(facts)
    assert len(sparql_report["servers"]["longarm"]["children"]) >= 2  # the query workers were seen, and are gone


def test_the_queries_are_written_with_generated_iris() -> None:
    plan = servers.query_plan(TINY, [], 3, seed=1, rounds=2)
    assert [k for k, _ in plan[:5]] == ["label", "chain_up", "chain_down", "per_jurisdiction", "compel"]
    assert plan == servers.query_plan(TINY, [], 3, seed=1, rounds=2)  # seeded
    assert all(text.startswith("PREFIX lx: <") for _, text in plan)
    compel = servers.compel_query("https://example.org/asset", dt.date(2026, 1, 1))
    inner = compel.index("{ SELECT DISTINCT")
    assert inner < compel.index("VALUES ?asset { <https://example.org/asset> }") < compel.index("} }")
    with pytest.raises(ValueError):
        servers.compel_query("not an IRI>", dt.date(2026, 1, 1))


def test_compel_query_notices_a_changed_sparql_compel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(servers, "SPARQL_COMPEL", "SELECT * WHERE { ?asset ?p ?o }")
    with pytest.raises(RuntimeError, match="changed shape"):
        servers.compel_query("https://example.org/a", dt.date(2026, 1, 1))


@pytest.mark.parametrize(
    ("answers", "reference", "expected"),
    [
        ([(1, [(("x", "a"),)])], [(1, [(("x", "a"),)])], []),
        ([(1, [(("x", "a"),)])], None, []),
        ([(2, [])], [(1, [])], ["s, query 0 (label): 2 rows, not 1"]),
        ([(1, [(("x", "b"),)])], [(1, [(("x", "a"),)])], ["s, query 0 (label): the same 1 rows, other values"]),
        (["HTTP 400: bad"], [(1, [])], ["s, query 0 (label): HTTP 400: bad"]),
    ],
)
def test_compare_answers(answers: list[Any], reference: list[Any] | None, expected: list[str]) -> None:
    assert servers.compare_answers("s", ["label"], answers, reference) == expected


def test_the_sparql_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli_main(["bench", "sparql", "--only", "nothing"])
    assert exit_.value.code == 2
    assert "choose among" in capsys.readouterr().err


def test_an_open_loop_spaces_the_requests_and_counts_from_their_schedule() -> None:
    class Quiet(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((LOOPBACK, 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        plan = [HttpRequest("ok", "GET", "/")]
        paced = run_load(port, plan, 4, requests=12, rate=50.0)
        assert paced.errors == 0 and len(paced.latencies["ok"]) == 12
        assert paced.elapsed >= 11 / 50  # the 12th request is due 11/50 s after the first
        with pytest.raises(ValueError, match="positive"):
            run_load(port, plan, 1, requests=1, rate=0.0)
    finally:
        server.shutdown()
        server.server_close()


def test_percentile() -> None:
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile([float(i) for i in range(1, 101)], 0.95) == 95.0


# ---------------------------------------------------------------------- REST


def test_rest_bench_on_an_existing_store(tmp_path: Path) -> None:
    path = tmp_path / "store"
    store = Store.open(path)
    load_bundled(store, validate=False)
    tally = load_synthetic(store, SyntheticConfig(orgs=TINY, seed=3))
    store.flush()
    del store
    report = rest_run(TINY, clients=2, requests=20, warmup=4, store_dir=path, seed=3)
    assert report["orgs"] == TINY  # counted on the server
    assert report["synthetic_assets"] == tally.assets
    assert report["first_answer_s"] > 0 and report["exposures_mean"] >= 0
    assert report["warmup_errors"] == 0
    _assert_level(report, 20)
    _assert_stopped(report["server"])
    assert path.is_dir() and any(path.iterdir())  # the store is kept


def test_rest_bench_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    args = ["--orgs", str(TINY), "--clients", "2", "--requests", "10", "--warmup", "2", "--rate", "40", "--json"]
    code = rest_main(args)
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["store"] == "temporary" and report["orgs"] == TINY and report["errors"] == 0
    assert report["rate"] == 40.0 and report["elapsed_s"] >= 9 / 40  # the 10th request is due 9/40 s after the 1st
    assert set(report["targets"]) == {"p50_ms", "p95_ms", "errors"}
    _assert_stopped(report["server"])


def test_rest_bench_refuses_a_directory_that_is_no_store(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not an on-disk store"):
        rest_run(TINY, store_dir=tmp_path / "nothing")


def test_exposures_path_names_the_asset_by_slug() -> None:
    assert exposures_path(7, dt.date(2026, 1, 1)) == "/api/v1/assets/syn-7/exposures?as_of=2026-01-01"
