"""Reports over a register: every asset answered, totals, incomplete answers; JSON, CSV, Markdown, offline HTML."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from longarm.api.cli import main
from longarm.graph.projection.cache import projection_for
from longarm.graph.reports.register import register_report, report_csv, report_html, report_json, report_markdown
from longarm.graph.store.embedded import Store
from longarm.graph.store.loading import load_bundled

AS_OF = dt.date(2026, 6, 1)
DORA = Path(__file__).parent / "fixtures" / "imports" / "dora" / "register"


@pytest.fixture(scope="module")
def bundled() -> Store:
    store = Store.in_memory()
    load_bundled(store)
    return store


def test_the_report_over_the_bundled_assets_agrees_with_each_answer(bundled: Store) -> None:
    from longarm.graph.engine.reach import compel

    p = projection_for(bundled)
    report = register_report(p, sorted(p.assets), AS_OF)
    assert report.totals["assets"] == len(p.assets) == len(report.rows)
    assert sum(report.totals[v] for v in ("exposed", "none_found", "incomplete")) == len(p.assets)
    hdh = next(r for r in report.rows if "Health Data Hub" in r.label)
    answer = compel(p, hdh.asset, AS_OF)
    assert hdh.verdict == answer.verdict.value
    assert set(hdh.entities) == {p.label(e.entity) for e in answer.exposures}
    assert any("CLOUD Act" in name for names in hdh.by_tier.values() for name in names)
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    assert [r["asset"] for r in rows] == [r.asset for r in report.rows]
    data = json.loads(report_json(p, report))
    assert data["totals"]["assets"] == len(p.assets) and data["assets"][0]["answer"]["verdict"]
    assert "Not legal advice" in report_markdown(report)


def test_the_html_report_is_one_offline_file_with_each_exposure_map(bundled: Store) -> None:
    p = projection_for(bundled)
    report = register_report(p, sorted(p.assets), AS_OF)
    page = report_html(p, report)
    assert page.count("<svg") == len(report.rows)
    assert "<script" not in page and not re.search(r"""(src|href)=['"]https?:""", page)


def test_the_command_reports_a_dora_register_and_the_whole_store(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = str(tmp_path / "store")
    assert main(["--store", store, "load", "--bundled"]) == 0
    out = tmp_path / "register.html"
    assert main(["--store", store, "report", str(DORA), "--skip-bad", "--as-of", "2026-12-01", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "function F-PAY under contract CTR-001" in page and page.count("<svg") == 2
    capsys.readouterr()
    assert main(["--store", store, "report", "--all", "--format", "csv", "--as-of", "2026-06-01"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert any("Health Data Hub" in r["label"] for r in rows) and any("F-HR" in r["label"] for r in rows)
    assert main(["--store", store, "report"]) == 2  # one of FILE, --import or --all
